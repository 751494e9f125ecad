// FullPointerTable: the referent ids of [ptr] pointers seen in one decode
// (C706 14.3.11.3: a repeated referent id designates the same object).
//
// Most stubs carry a handful of full pointers, so the first kInline ids
// live in a fixed array with no allocation; beyond that a hash map keeps
// lookups O(1) so a stub of many pointers cannot cause quadratic work (C11).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

namespace rampart::ndr {

class FullPointerTable {
 public:
  struct Entry {
    std::uint32_t slot;
    std::uint16_t type_tag;
  };

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  [[nodiscard]] std::optional<Entry> find(std::uint64_t id) const {
    const std::size_t n = size_ < kInline ? size_ : kInline;
    for (std::size_t i = 0; i < n; ++i)
      if (inline_[i].id == id) return inline_[i].entry;
    // The map is consulted only once it holds something: hashing an id
    // into an empty table costs more than the whole inline search.
    if (size_ <= kInline) return std::nullopt;
    if (const auto it = overflow_->find(id); it != overflow_->end()) return it->second;
    return std::nullopt;
  }

  /// Registers a new id; returns its slot (ids are numbered in order seen).
  std::uint32_t insert(std::uint64_t id, std::uint16_t type_tag) {
    const Entry e{static_cast<std::uint32_t>(size_), type_tag};
    if (size_ < kInline) {
      inline_[size_] = {id, e};
    } else {
      if (!overflow_) overflow_ = std::make_unique<std::unordered_map<std::uint64_t, Entry>>();
      overflow_->emplace(id, e);
    }
    ++size_;
    return e.slot;
  }

  static constexpr std::size_t kInline = 16;
  /// Approximate heap bytes one overflow entry costs, for the allocation budget.
  static constexpr std::size_t kOverflowEntryBytes = 48;

 private:
  // No default member initialisers, so the array below is not filled.
  struct Slot {
    std::uint64_t id;
    Entry entry;
  };
  // Left uninitialised: only the first size_ slots are ever read, and
  // zero-filling 256 octets per decode shows in short stubs' cost.
  std::array<Slot, kInline> inline_;
  // Made on the first overflow: most decodes never need it, and an empty
  // map's construction and destruction show in short stubs' cost.
  std::unique_ptr<std::unordered_map<std::uint64_t, Entry>> overflow_;
  std::size_t size_ = 0;
};

}  // namespace rampart::ndr
