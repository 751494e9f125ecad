#include "admission.hpp"

namespace rampart::transport {

Admission::Verdict Admission::admit(const std::string& source_key, std::size_t max_total,
                                    std::size_t max_per_source, Ticket& ticket) {
  {
    std::lock_guard lock(mutex_);
    if (total_ >= max_total) return Verdict::too_many;
    auto it = per_source_.find(source_key);
    const std::size_t current = it == per_source_.end() ? 0 : it->second;
    if (current >= max_per_source) return Verdict::too_many_from_source;
    if (it == per_source_.end()) it = per_source_.emplace(source_key, 0).first;
    ++it->second;
    ++total_;
  }
  // Outside the lock: replacing a held ticket releases its slot, which locks.
  ticket = Ticket(this, source_key);
  return Verdict::admitted;
}

void Admission::release(const std::string& source_key) noexcept {
  std::lock_guard lock(mutex_);
  --total_;
  if (auto it = per_source_.find(source_key); it != per_source_.end() && --it->second == 0) {
    // Drop the entry so the map holds only sources with open connections.
    per_source_.erase(it);
  }
}

std::size_t Admission::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::size_t Admission::from_source(const std::string& source_key) const {
  std::lock_guard lock(mutex_);
  auto it = per_source_.find(source_key);
  return it == per_source_.end() ? 0 : it->second;
}

}  // namespace rampart::transport
