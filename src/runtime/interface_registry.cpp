#include "rampart/runtime/interface_registry.hpp"

#include <algorithm>

namespace rampart::runtime {

namespace {
bool same_interface(const SyntaxId& a, const SyntaxId& b) noexcept { return a.uuid == b.uuid && a.major == b.major; }
}  // namespace

void InterfaceRegistry::add(std::shared_ptr<Interface> iface) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<Snapshot>(*current_);
  std::erase_if(*next, [&](const auto& i) { return same_interface(i->syntax(), iface->syntax()); });
  next->push_back(std::move(iface));
  current_ = std::move(next);
}

void InterfaceRegistry::remove(const SyntaxId& syntax) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<Snapshot>(*current_);
  std::erase_if(*next, [&](const auto& i) { return same_interface(i->syntax(), syntax); });
  current_ = std::move(next);
}

std::shared_ptr<const InterfaceRegistry::Snapshot> InterfaceRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::shared_ptr<Interface> InterfaceRegistry::find(const SyntaxId& abstract) const {
  const auto snap = snapshot();
  for (const auto& i : *snap) {
    const SyntaxId& s = i->syntax();
    if (same_interface(s, abstract) && abstract.minor <= s.minor) return i;
  }
  return nullptr;
}

bool InterfaceRegistry::contains(const Interface& iface) const {
  const auto snap = snapshot();
  return std::ranges::any_of(*snap, [&](const auto& i) { return i.get() == &iface; });
}

}  // namespace rampart::runtime
