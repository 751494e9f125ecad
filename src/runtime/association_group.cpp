#include "rampart/runtime/association_group.hpp"

#include <random>
#include <vector>

namespace rampart::runtime {

namespace {
Uuid random_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::array<std::uint8_t, 16> b{};
  for (std::size_t i = 0; i < 16; i += 8) {
    const std::uint64_t v = rng();
    for (std::size_t j = 0; j < 8; ++j) b[i + j] = static_cast<std::uint8_t>(v >> (8 * j));
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // RFC 4122 version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
  return Uuid(b);
}
}  // namespace

std::optional<Uuid> AssociationGroup::create_handle(const Uuid& owner, std::shared_ptr<void> state,
                                                    WhenFull when_full) {
  std::lock_guard lock(mutex_);
  // C13: the group never holds more than max_handles. Evicting scans at
  // most max_handles entries (16 by default).
  if (handles_.size() >= max_handles_ && (when_full == WhenFull::refuse || !evict_oldest_of(owner)))
    return std::nullopt;
  Uuid id;
  do id = random_uuid();
  while (handles_.contains(id));
  handles_.emplace(id, Handle{owner, std::move(state), created_++});
  return id;
}

bool AssociationGroup::evict_oldest_of(const Uuid& owner) {
  auto oldest = handles_.end();
  for (auto it = handles_.begin(); it != handles_.end(); ++it)
    if (it->second.owner == owner && (oldest == handles_.end() || it->second.created < oldest->second.created))
      oldest = it;
  if (oldest == handles_.end()) return false;
  handles_.erase(oldest);
  return true;
}

std::shared_ptr<void> AssociationGroup::find_handle(const Uuid& owner, const Uuid& handle) const {
  std::lock_guard lock(mutex_);
  auto it = handles_.find(handle);
  if (it == handles_.end() || it->second.owner != owner) return nullptr;
  return it->second.state;
}

bool AssociationGroup::close_handle(const Uuid& owner, const Uuid& handle) {
  std::lock_guard lock(mutex_);
  auto it = handles_.find(handle);
  if (it == handles_.end() || it->second.owner != owner) return false;
  handles_.erase(it);
  return true;
}

std::size_t AssociationGroup::handle_count() const {
  std::lock_guard lock(mutex_);
  return handles_.size();
}

AssociationGroupTable::AssociationGroupTable(std::size_t max_groups, std::size_t max_handles_per_group)
    : max_groups_(max_groups), max_handles_(max_handles_per_group) {
  // Ids start at a random point so they are not guessable across restarts;
  // they only need to be unique among live groups.
  next_id_ = static_cast<std::uint32_t>(std::random_device{}()) | 1u;
}

std::shared_ptr<AssociationGroup> AssociationGroupTable::create(TransportKind transport) {
  std::lock_guard lock(mutex_);
  if (groups_.size() >= max_groups_) {
    std::erase_if(groups_, [](const auto& kv) { return kv.second.expired(); });
    if (groups_.size() >= max_groups_) return nullptr;
  }
  std::uint32_t id;
  do id = next_id_++;
  while (id == 0 || groups_.contains(id));
  auto group = std::shared_ptr<AssociationGroup>(new AssociationGroup(id, transport, max_handles_),
                                                 [this, id](AssociationGroup* g) {
                                                   {
                                                     std::lock_guard l(mutex_);
                                                     auto it = groups_.find(id);
                                                     if (it != groups_.end() && it->second.expired()) groups_.erase(it);
                                                   }
                                                   delete g;
                                                 });
  groups_.emplace(id, group);
  return group;
}

std::shared_ptr<AssociationGroup> AssociationGroupTable::join(std::uint32_t id, TransportKind transport) {
  std::lock_guard lock(mutex_);
  auto it = groups_.find(id);
  if (it == groups_.end()) return nullptr;
  auto group = it->second.lock();
  if (!group || group->transport() != transport) return nullptr;
  return group;
}

std::size_t AssociationGroupTable::size() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, g] : groups_) n += g.expired() ? 0 : 1;
  return n;
}

std::size_t AssociationGroupTable::handle_count() const {
  std::vector<std::shared_ptr<AssociationGroup>> live;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : groups_)
      if (auto g = weak.lock()) live.push_back(std::move(g));
  }
  // Counted outside mutex_: a group released here runs its deleter, which
  // takes mutex_.
  std::size_t n = 0;
  for (const auto& g : live) n += g->handle_count();
  return n;
}

}  // namespace rampart::runtime
