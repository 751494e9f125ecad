// The endpoint map: validation, copy-on-write updates and the matching rules
// of ept_lookup and ept_map (C706 Appendix O; [MS-RPCE] 2.2.1.2.4-5).
#include "rampart/services/endpoint_database.hpp"

#include <algorithm>

namespace rampart::services {

namespace {

// The offset of a 0.0.0.0 IPv4 address floor's four octets in a tower
// (C706 Appendix L floor layout: u16 lhs length, lhs whose first octet is
// the protocol id, u16 rhs length, rhs; lengths little-endian). The tower
// has already been decoded, but the walk checks its bounds all the same.
std::optional<std::size_t> wildcard_ipv4_offset(std::span<const std::uint8_t> tower) {
  constexpr std::uint8_t kIpFloor = 0x09;
  auto u16le = [&](std::size_t at) { return static_cast<std::size_t>(tower[at] | tower[at + 1] << 8); };
  if (tower.size() < 2) return std::nullopt;
  const std::size_t floors = u16le(0);
  std::size_t at = 2;
  for (std::size_t i = 0; i < floors; ++i) {
    if (at + 3 > tower.size()) return std::nullopt;
    const std::size_t lhs = u16le(at);
    const std::uint8_t protocol = tower[at + 2];
    at += 2 + lhs;
    if (at + 2 > tower.size()) return std::nullopt;
    const std::size_t rhs = u16le(at);
    at += 2;
    if (rhs > tower.size() - at) return std::nullopt;
    if (protocol == kIpFloor && rhs == 4 && std::all_of(tower.begin() + static_cast<std::ptrdiff_t>(at),
                                                        tower.begin() + static_cast<std::ptrdiff_t>(at + 4),
                                                        [](std::uint8_t b) { return b == 0; }))
      return at;
    at += rhs;
  }
  return std::nullopt;
}

bool same_binding_endpoint(const binding::TowerBinding& a, const binding::TowerBinding& b) noexcept {
  return a.interface == b.interface && a.protseq == b.protseq && a.endpoint == b.endpoint && a.address == b.address;
}

/// RpcEpRegister's replace key: interface UUID and major version, object,
/// protseq (the endpoint is what replacing changes).
bool same_replace_key(const Entry& a, const Entry& b) noexcept {
  return a.owner == b.owner && a.object == b.object && a.binding.interface.uuid == b.binding.interface.uuid &&
         a.binding.interface.major == b.binding.interface.major && a.binding.protseq == b.binding.protseq;
}

/// vers_option (C706 Appendix O, rpc_mgmt_ep_elt_inq_begin): how a
/// registered version `have` relates to the requested `want`.
bool version_matches(VersOption v, const SyntaxId& have, const SyntaxId& want) noexcept {
  switch (v) {
    case VersOption::all: return true;
    case VersOption::compatible: return have.major == want.major && have.minor >= want.minor;
    case VersOption::exact: return have.major == want.major && have.minor == want.minor;
    case VersOption::major_only: return have.major == want.major;
    case VersOption::upto:
      return have.major < want.major || (have.major == want.major && have.minor <= want.minor);
  }
  return false;
}

}  // namespace

bool LookupQuery::matches(const Entry& e) const noexcept {
  const bool by_if = inquiry == Inquiry::match_by_if || inquiry == Inquiry::match_by_both;
  const bool by_obj = inquiry == Inquiry::match_by_obj || inquiry == Inquiry::match_by_both;
  if (by_obj && e.object != object) return false;
  if (by_if && (e.interface().uuid != interface.uuid || !version_matches(vers, e.interface(), interface)))
    return false;
  return true;
}

bool MapQuery::matches_ignoring_object(const Entry& e) const noexcept {
  const SyntaxId& have = e.interface();
  return have.uuid == interface.uuid && have.major == interface.major && have.minor >= interface.minor &&
         e.binding.protseq == protseq && e.binding.transfer == transfer;
}

EndpointDatabase::EndpointDatabase(Config config)
    : config_(std::move(config)), current_(std::make_shared<const Snapshot>()) {}

std::optional<Entry> EndpointDatabase::make_entry(const Uuid& object, std::span<const std::uint8_t> tower,
                                                  std::string annotation, Owner owner) {
  // C8: the annotation fits its 64-char array with the terminator and has
  // no NUL inside (the codec bounds it; the map keeps the rule itself).
  if (annotation.size() > kMaxAnnotationChars || annotation.find('\0') != std::string::npos) return std::nullopt;
  auto decoded = binding::Tower::decode(tower);
  if (!decoded) return std::nullopt;
  auto b = decoded->binding();
  if (!b) return std::nullopt;
  Entry entry{object, {tower.begin(), tower.end()}, std::move(*b), std::move(annotation), owner, std::nullopt};
  entry.wildcard_ipv4_at = wildcard_ipv4_offset(tower);
  return entry;
}

std::vector<std::uint8_t> Entry::tower_for(const runtime::PeerInfo& peer) const {
  std::vector<std::uint8_t> out = tower;
  if (wildcard_ipv4_at && peer.local_ipv4) std::copy(peer.local_ipv4->begin(), peer.local_ipv4->end(), out.begin() + static_cast<std::ptrdiff_t>(*wildcard_ipv4_at));
  return out;
}

std::shared_ptr<const EndpointDatabase::Snapshot> EndpointDatabase::snapshot() const {
  std::shared_lock lock(read_mutex_);
  return current_;
}

std::span<const std::size_t> EndpointDatabase::Snapshot::positions(const Uuid& interface) const noexcept {
  auto it = by_interface.find(interface);
  if (it == by_interface.end()) return {};
  return it->second;
}

void EndpointDatabase::publish(std::shared_ptr<Snapshot> next) {
  next->by_interface.clear();
  for (std::size_t i = 0; i < next->entries.size(); ++i)
    next->by_interface[next->entries[i]->interface().uuid].push_back(i);
  std::shared_ptr<const Snapshot> published = std::move(next);
  std::unique_lock lock(read_mutex_);
  current_.swap(published);
  lock.unlock();
  // The old snapshot is released here, outside readers' way.
}

DbStatus EndpointDatabase::insert(std::vector<Entry> entries, bool replace) {
  std::lock_guard write(write_mutex_);
  auto next = std::make_shared<Snapshot>(*snapshot());
  auto& list = next->entries;
  if (replace) {
    std::erase_if(list, [&](const auto& have) {
      return std::ranges::any_of(entries, [&](const Entry& e) { return same_replace_key(*have, e); });
    });
  }
  for (auto& e : entries) {
    const bool duplicate = std::ranges::any_of(list, [&](const auto& have) {
      return have->owner == e.owner && have->object == e.object && have->tower == e.tower;
    });
    if (duplicate) continue;
    if (list.size() >= config_.max_entries) return DbStatus::full;
    if (e.owner) {
      const auto owned = std::ranges::count_if(list, [&](const auto& have) { return have->owner == e.owner; });
      if (static_cast<std::size_t>(owned) >= config_.max_entries_per_owner) return DbStatus::full;
    }
    list.push_back(std::make_shared<const Entry>(std::move(e)));
  }
  publish(std::move(next));
  return DbStatus::ok;
}

template <class Pred>
std::size_t EndpointDatabase::erase_if_locked(Pred pred) {
  auto next = std::make_shared<Snapshot>(*snapshot());
  const std::size_t removed = std::erase_if(next->entries, [&](const auto& e) { return pred(*e); });
  if (removed != 0) publish(std::move(next));
  return removed;
}

DbStatus EndpointDatabase::remove(const Uuid& object, const binding::TowerBinding& b, const Owner& owner) {
  return remove_matching(object, b, owner);
}

DbStatus EndpointDatabase::remove_matching(const std::optional<Uuid>& object, const binding::TowerBinding& b,
                                           const Owner& owner) {
  std::lock_guard write(write_mutex_);
  const std::size_t removed = erase_if_locked([&](const Entry& e) {
    return e.owner == owner && (!object || e.object == *object) && same_binding_endpoint(e.binding, b);
  });
  return removed != 0 ? DbStatus::ok : DbStatus::not_found;
}

std::size_t EndpointDatabase::remove_all_owned_by(std::uint64_t connection_id) {
  std::lock_guard write(write_mutex_);
  return erase_if_locked([&](const Entry& e) { return e.owner == Owner(connection_id); });
}

void EndpointDatabase::resolve_map_object(const Snapshot& s, MapQuery& q, const Uuid& requested) {
  q.object = requested;
  if (requested.is_nil()) return;
  const bool registered = std::ranges::any_of(s.positions(q.interface.uuid), [&](std::size_t i) {
    return s.entries[i]->object == requested && q.matches_ignoring_object(*s.entries[i]);
  });
  if (!registered) q.object = Uuid{};
}

}  // namespace rampart::services
