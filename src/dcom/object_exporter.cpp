// ObjectExporter: rules in object_exporter.hpp.
#include "rampart/dcom/object_exporter.hpp"

#include <sys/random.h>

#include <array>
#include <cstring>

#include "rampart/dcom/errc.hpp"

namespace rampart::dcom {

namespace {

void random_bytes(std::span<std::uint8_t> out) {
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::getrandom(out.data() + got, out.size() - got, 0);
    if (n <= 0) continue;  // EINTR; the kernel's pool never runs dry once seeded
    got += static_cast<std::size_t>(n);
  }
}

}  // namespace

ObjectExporter::ObjectExporter(ExporterLimits limits) : limits_(limits) {}

std::uint64_t ObjectExporter::fresh_id() {
  // Nonzero (0 means "new set" to ComplexPing) and unused in any table.
  for (;;) {
    std::uint64_t v = 0;
    random_bytes({reinterpret_cast<std::uint8_t*>(&v), sizeof v});
    if (v != 0 && !oxids_.contains(v) && !objects_.contains(v) && !sets_.contains(v)) return v;
  }
}

Uuid ObjectExporter::fresh_uuid() {
  for (;;) {
    std::array<std::uint8_t, 16> b{};
    random_bytes(b);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // RFC 4122 version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    Uuid u(b);
    if (!ipids_.contains(u)) return u;
  }
}

OxidEntry ObjectExporter::add_oxid(AuthnLevel level) {
  std::lock_guard lock(mutex_);
  OxidEntry e{fresh_id(), fresh_uuid(), level};
  oxids_.emplace(e.oxid, e);
  return e;
}

Result<OxidEntry> ObjectExporter::resolve(Oxid oxid) const {
  std::lock_guard lock(mutex_);
  const auto it = oxids_.find(oxid);
  if (it == oxids_.end()) return fail(Errc::unknown_oxid, "no such OXID");
  return it->second;
}

Result<Oid> ObjectExporter::export_object(Oxid oxid, bool no_ping, Clock::time_point now, ReleaseFn on_release,
                                          QueryFn query, const Uuid& clsid) {
  std::lock_guard lock(mutex_);
  if (!oxids_.contains(oxid)) return fail(Errc::unknown_oxid, "no such OXID");
  if (objects_.size() >= limits_.max_objects) return fail(Errc::too_many_objects, "exported objects at the limit");
  const Oid oid = fresh_id();
  objects_.emplace(oid,
                   Object{oxid, no_ping, now + limits_.timeout(), {}, std::move(on_release), std::move(query), clsid});
  return oid;
}

Result<Uuid> ObjectExporter::add_interface(Oid oid, const Uuid& iid, std::shared_ptr<void> target,
                                           std::uint32_t public_refs) {
  std::lock_guard lock(mutex_);
  const auto it = objects_.find(oid);
  if (it == objects_.end()) return fail(Errc::unknown_oid, "no such OID");
  if (it->second.ipids.size() >= limits_.max_ipids_per_object)
    return fail(Errc::too_many_objects, "interfaces on the object at the limit");
  const Uuid ipid = fresh_uuid();
  ipids_.emplace(ipid, IpidEntry{ipid, oid, it->second.oxid, iid, std::move(target), public_refs, it->second.no_ping,
                                it->second.clsid});
  it->second.ipids.push_back(ipid);
  return ipid;
}

std::optional<IpidEntry> ObjectExporter::find_ipid(const Uuid& ipid) const {
  std::lock_guard lock(mutex_);
  const auto it = ipids_.find(ipid);
  if (it == ipids_.end()) return std::nullopt;
  return it->second;
}

std::optional<IpidEntry> ObjectExporter::find_interface(const Uuid& ipid, const Uuid& iid) const {
  std::lock_guard lock(mutex_);
  const auto it = ipids_.find(ipid);
  if (it == ipids_.end()) return std::nullopt;
  const auto obj = objects_.find(it->second.oid);
  if (obj == objects_.end()) return std::nullopt;
  for (const auto& other : obj->second.ipids) {
    const auto& e = ipids_.at(other);
    if (e.iid == iid) return e;
  }
  return std::nullopt;
}

std::optional<Oxid> ObjectExporter::rem_unknown_owner(const Uuid& ipid) const {
  std::lock_guard lock(mutex_);
  for (const auto& [oxid, e] : oxids_)
    if (e.ipid_rem_unknown == ipid) return oxid;
  return std::nullopt;
}

Result<std::optional<IpidEntry>> ObjectExporter::query_interface(const Uuid& ipid, const Uuid& iid, std::uint32_t refs) {
  QueryFn query;
  Oid oid = 0;
  {
    std::lock_guard lock(mutex_);
    const auto it = ipids_.find(ipid);
    if (it == ipids_.end()) return fail(Errc::unknown_ipid, "no such IPID");
    oid = it->second.oid;
    for (const auto& other : objects_.at(oid).ipids) {
      auto& e = ipids_.at(other);
      if (e.iid != iid) continue;
      if (refs > UINT32_MAX - e.public_refs) return fail(Errc::bad_reference_count, "reference count would overflow");
      e.public_refs += refs;
      return std::optional<IpidEntry>(e);
    }
    query = objects_.at(oid).query;
  }
  // The object's own code runs without the exporter's lock held.
  auto target = query ? query(iid) : nullptr;
  if (!target) return std::optional<IpidEntry>();
  const auto made = RAMPART_TRY(add_interface(oid, iid, std::move(target), refs));
  return find_ipid(made);
}

Result<void> ObjectExporter::add_refs(const Uuid& ipid, std::uint32_t refs) {
  std::lock_guard lock(mutex_);
  const auto it = ipids_.find(ipid);
  if (it == ipids_.end()) return fail(Errc::unknown_ipid, "no such IPID");
  // A count that would wrap is refused rather than saturated (C13).
  if (refs > UINT32_MAX - it->second.public_refs) return fail(Errc::bad_reference_count, "reference count would overflow");
  it->second.public_refs += refs;
  return {};
}

Result<void> ObjectExporter::release_refs(const Uuid& ipid, std::uint32_t refs) {
  ReleaseFn release;
  {
    std::lock_guard lock(mutex_);
    const auto it = ipids_.find(ipid);
    if (it == ipids_.end()) return fail(Errc::unknown_ipid, "no such IPID");
    if (refs > it->second.public_refs) return fail(Errc::bad_reference_count, "release of more references than held");
    it->second.public_refs -= refs;
    const Oid oid = it->second.oid;
    bool any = false;
    for (const auto& other : objects_.at(oid).ipids) any = any || ipids_.at(other).public_refs != 0;
    if (!any) release = remove_object(oid);
  }
  if (release) release();
  return {};
}

ObjectExporter::ReleaseFn ObjectExporter::remove_object(Oid oid) {
  auto node = objects_.extract(oid);
  if (node.empty()) return {};
  for (const auto& ipid : node.mapped().ipids) ipids_.erase(ipid);
  // The OID stays in the sets that hold it until they delete it or expire;
  // a later ping of it is then skipped like any unknown OID.
  return std::move(node.mapped().on_release);
}

Result<SetId> ObjectExporter::create_set(std::string_view client, Clock::time_point now) {
  if (sets_.size() >= limits_.max_sets) return fail(Errc::too_many_sets, "ping sets at the limit");
  auto count = sets_per_client_.find(client);
  if (count != sets_per_client_.end() && count->second >= limits_.max_sets_per_client)
    return fail(Errc::too_many_sets, "ping sets of this client at the limit");
  const SetId id = fresh_id();
  sets_.emplace(id, PingSet{std::string(client), {}, 0, now + limits_.timeout()});
  ++sets_per_client_[std::string(client)];
  return id;
}

void ObjectExporter::touch_oids(const PingSet& set, Clock::time_point now) {
  for (const Oid oid : set.oids) {
    const auto it = objects_.find(oid);
    if (it != objects_.end()) it->second.expires = now + limits_.timeout();
  }
}

Result<SetId> ObjectExporter::complex_ping(std::string_view client, SetId set, std::uint16_t sequence,
                                           std::span<const Oid> add, std::span<const Oid> del, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (set == 0) set = RAMPART_TRY(create_set(client, now));
  const auto it = sets_.find(set);
  if (it == sets_.end()) return fail(Errc::unknown_set, "no such ping set");
  PingSet& s = it->second;
  // The set must not outgrow its bound: count the known OIDs it would gain.
  std::size_t gained = 0;
  for (const Oid oid : add) gained += objects_.contains(oid) && !s.oids.contains(oid) ? 1 : 0;
  std::size_t removed = 0;
  for (const Oid oid : del) removed += s.oids.contains(oid) ? 1 : 0;
  if (s.oids.size() - removed + gained > limits_.max_oids_per_set)
    return fail(Errc::too_many_oids_in_set, "the ping set would exceed its OID limit");
  // 3.1.2.5.1.3: the sequence number orders a client's calls. Impacket
  // sends its set id's low bits in every call, so it is recorded, never
  // used to refuse; adding and deleting are idempotent anyway.
  s.sequence = sequence;
  for (const Oid oid : del) s.oids.erase(oid);
  for (const Oid oid : add)
    if (objects_.contains(oid)) s.oids.insert(oid);
  s.expires = now + limits_.timeout();
  touch_oids(s, now);
  return set;
}

Result<void> ObjectExporter::simple_ping(SetId set, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = sets_.find(set);
  if (it == sets_.end()) return fail(Errc::unknown_set, "no such ping set");
  it->second.expires = now + limits_.timeout();
  touch_oids(it->second, now);
  return {};
}

std::size_t ObjectExporter::collect(Clock::time_point now) {
  std::vector<ReleaseFn> released;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sets_.begin(); it != sets_.end();) {
      if (it->second.expires > now) {
        ++it;
        continue;
      }
      auto count = sets_per_client_.find(it->second.client);
      if (count != sets_per_client_.end() && --count->second == 0) sets_per_client_.erase(count);
      it = sets_.erase(it);
    }
    std::vector<Oid> expired;
    for (const auto& [oid, obj] : objects_)
      if (!obj.no_ping && obj.expires <= now) expired.push_back(oid);
    for (const Oid oid : expired) released.push_back(remove_object(oid));
  }
  for (auto& fn : released)
    if (fn) fn();
  return released.size();
}

Result<void> ObjectExporter::track_object(Oxid oxid, Oid oid, Clock::time_point now, ReleaseFn on_expire) {
  std::lock_guard lock(mutex_);
  if (objects_.size() >= limits_.max_objects || objects_.contains(oid) || oid == 0)
    return fail(Errc::too_many_objects, "cannot track this object");
  Object o;
  o.oxid = oxid;
  o.expires = now + limits_.timeout();
  o.on_release = std::move(on_expire);
  objects_.emplace(oid, std::move(o));
  return {};
}

Result<void> ObjectExporter::add_foreign_oxid(const OxidEntry& entry) {
  std::lock_guard lock(mutex_);
  if (entry.oxid == 0 || entry.port == 0 || oxids_.contains(entry.oxid))
    return fail(Errc::too_many_objects, "the OXID is taken");
  oxids_.emplace(entry.oxid, entry);
  return {};
}

std::size_t ObjectExporter::remove_foreign_oxid(Oxid oxid) {
  std::lock_guard lock(mutex_);
  if (const auto it = oxids_.find(oxid); it != oxids_.end() && it->second.port != 0) oxids_.erase(it);
  std::vector<Oid> gone;
  for (const auto& [oid, obj] : objects_)
    if (obj.oxid == oxid) gone.push_back(oid);
  for (const Oid oid : gone) (void)remove_object(oid);
  return gone.size();
}

bool ObjectExporter::release_object(Oid oid) {
  ReleaseFn release;
  {
    std::lock_guard lock(mutex_);
    if (!objects_.contains(oid)) return false;
    release = remove_object(oid);
  }
  if (release) release();
  return true;
}

std::size_t ObjectExporter::object_count() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

std::size_t ObjectExporter::set_count() const {
  std::lock_guard lock(mutex_);
  return sets_.size();
}

bool ObjectExporter::holds_object(Oid oid) const {
  std::lock_guard lock(mutex_);
  return objects_.contains(oid);
}

}  // namespace rampart::dcom
