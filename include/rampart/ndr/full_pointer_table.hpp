// FullPointerTable: the referent ids of [ptr] pointers seen in one decode
// (C706 14.3.11.3: a repeated referent id designates the same object).
//
// Most stubs carry a handful of full pointers, so the first kInline ids
// live in a fixed array with no allocation; beyond that a hash map keeps
// lookups O(1) so a stub of many pointers cannot cause quadratic work (C11).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>

namespace rampart::ndr {

class FullPointerTable {
 public:
  struct Entry {
    std::uint32_t slot = 0;
    std::uint16_t type_tag = 0;
  };

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  [[nodiscard]] std::optional<Entry> find(std::uint64_t id) const {
    const std::size_t n = size_ < kInline ? size_ : kInline;
    for (std::size_t i = 0; i < n; ++i)
      if (inline_[i].id == id) return inline_[i].entry;
    if (const auto it = overflow_.find(id); it != overflow_.end()) return it->second;
    return std::nullopt;
  }

  /// Registers a new id; returns its slot (ids are numbered in order seen).
  std::uint32_t insert(std::uint64_t id, std::uint16_t type_tag) {
    const Entry e{static_cast<std::uint32_t>(size_), type_tag};
    if (size_ < kInline) {
      inline_[size_] = {id, e};
    } else {
      overflow_.emplace(id, e);
    }
    ++size_;
    return e.slot;
  }

  static constexpr std::size_t kInline = 16;
  /// Approximate heap bytes one overflow entry costs, for the allocation budget.
  static constexpr std::size_t kOverflowEntryBytes = 48;

 private:
  struct Slot {
    std::uint64_t id = 0;
    Entry entry;
  };
  std::array<Slot, kInline> inline_{};
  std::unordered_map<std::uint64_t, Entry> overflow_;
  std::size_t size_ = 0;
};

}  // namespace rampart::ndr
