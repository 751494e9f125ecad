// Admission: counts open connections in total and per source address, so a
// flood from one host cannot take every slot (docs/hardening.md C13, "Slow and idle
// peers"). Touched once per accept and once per close, never per PDU, so a
// mutex is cheap enough.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace rampart::transport {

class Admission {
 public:
  enum class Verdict : std::uint8_t { admitted, too_many, too_many_from_source };

  /// Holds one slot; releases it when destroyed.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Admission* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    Ticket(Ticket&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)), key_(std::move(o.key_)) {}
    Ticket& operator=(Ticket&& o) noexcept {
      if (this != &o) {
        reset();
        owner_ = std::exchange(o.owner_, nullptr);
        key_ = std::move(o.key_);
      }
      return *this;
    }
    ~Ticket() { reset(); }
    void reset() noexcept {
      if (owner_ != nullptr) std::exchange(owner_, nullptr)->release(key_);
    }
    [[nodiscard]] bool valid() const noexcept { return owner_ != nullptr; }

   private:
    Admission* owner_ = nullptr;
    std::string key_;
  };

  /// Takes a slot for `source_key` if both caps allow it.
  Verdict admit(const std::string& source_key, std::size_t max_total, std::size_t max_per_source,
                Ticket& ticket);
  [[nodiscard]] std::size_t total() const;
  [[nodiscard]] std::size_t from_source(const std::string& source_key) const;

 private:
  void release(const std::string& source_key) noexcept;

  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_source_;
};

}  // namespace rampart::transport
