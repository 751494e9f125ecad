// ObjectExporter: the tables of [MS-DCOM] 3.1.1.3 that an object server and
// its object resolver keep: OXIDs, OIDs, IPIDs and ping sets, with garbage
// collection by the pinging rules of 3.1.2.5.1.2/3 and 3.2.6.1.
//
// Lifetime rules:
//  - An object exported for pinging (no SORF_NOPING) lives while some ping
//    keeps it alive: it is released once ExporterLimits::ping_period x
//    ping_timeout_periods (3.1.2.5.1.2: three ping periods, 120 s x 3 by
//    default) pass without a ping of a set that holds it. Creation counts
//    as one such ping, so a client has the whole timeout to start pinging.
//  - Its public references (cPublicRefs of every IPID, 3.1.1.5.6) are
//    counted too; when the last one is released the object goes at once.
//  - A ping set that is not pinged for the same timeout is deleted.
//  - Every table is bounded (docs/hardening.md C13): sets in total and per
//    client (the caller's source address), OIDs per set, objects, IPIDs
//    per object. Exceeding a bound is an Errc the DCOM fault policy maps to
//    E_OUTOFMEMORY; nothing already held is disturbed.
//  - Identifiers (OXID, OID, SETID, IPID) are random (getrandom), so a
//    client cannot guess another client's set or object.
// Thread-safe: one mutex; release callbacks run after it is dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"

namespace rampart::dcom {

using Oxid = std::uint64_t;
using Oid = std::uint64_t;
using SetId = std::uint64_t;
using Clock = std::chrono::steady_clock;

struct ExporterLimits {
  /// [MS-DCOM] 3.2.6.1: clients ping every 120 s; Impacket does too.
  std::chrono::milliseconds ping_period{120'000};
  /// [MS-DCOM] 3.1.2.5.1.2: an object is released after three periods
  /// without a ping.
  std::uint32_t ping_timeout_periods = 3;
  /// Ping sets in total, and per client source address: a set costs a few
  /// hundred octets, and a client needs one per object resolver it talks to.
  std::size_t max_sets = 65536;
  std::size_t max_sets_per_client = 64;
  /// OIDs in one set: one per object the client holds from this exporter.
  std::size_t max_oids_per_set = 4096;
  /// Exported objects, and interfaces (IPIDs) per object.
  std::size_t max_objects = 65536;
  std::size_t max_ipids_per_object = 64;

  [[nodiscard]] Clock::duration timeout() const noexcept { return ping_period * ping_timeout_periods; }
};

/// [MS-RPCE] 2.2.1.1.8 authentication levels: authnHint, the activation
/// floor and an object exporter's level.
enum class AuthnLevel : std::uint32_t {
  none = 1,
  connect = 2,
  call = 3,
  pkt = 4,
  pkt_integrity = 5,
  pkt_privacy = 6,
};

struct OxidEntry {
  Oxid oxid = 0;
  Uuid ipid_rem_unknown;  // the IRemUnknown of this exporter (3.1.1.5.6)
  /// The exporter's authentication level ([MS-DCOM] 3.1.1.5.4, what
  /// CoInitializeSecurity sets on Windows): ORPC calls on its objects and
  /// on its IRemUnknown below it get E_ACCESSDENIED (object_router.hpp).
  AuthnLevel authn_level = AuthnLevel::none;
  /// Nonzero for an OXID another process exports (an out-of-process class
  /// server, class_forwarder.hpp): the TCP port its objects are called on,
  /// which the object resolver's bindings for it name.
  std::uint16_t port = 0;
};

struct IpidEntry {
  Uuid ipid;
  Oid oid = 0;
  Oxid oxid = 0;
  Uuid iid;
  std::shared_ptr<void> target;  // what object calls on this IPID reach
  std::uint32_t public_refs = 0;
  bool no_ping = false;          // the object's SORF_NOPING
  Uuid clsid;                    // the object's class (class_permissions.hpp); nil for none
};

class ObjectExporter {
 public:
  using ReleaseFn = std::function<void()>;
  /// What an object answers to a query for an interface it has no IPID for
  /// yet: the call target, or nullptr for E_NOINTERFACE.
  using QueryFn = std::function<std::shared_ptr<void>(const Uuid& iid)>;

  explicit ObjectExporter(ExporterLimits limits = {});

  [[nodiscard]] const ExporterLimits& limits() const noexcept { return limits_; }

  /// A new object exporter (apartment) with its IRemUnknown IPID, whose
  /// ORPC calls need at least `level`.
  [[nodiscard]] OxidEntry add_oxid(AuthnLevel level = AuthnLevel::none);
  [[nodiscard]] Result<OxidEntry> resolve(Oxid oxid) const;
  /// Adds another process's OXID (entry.port nonzero) so ResolveOxid(2)
  /// answers for it; Errc::too_many_objects when the OXID is taken.
  [[nodiscard]] Result<void> add_foreign_oxid(const OxidEntry& entry);
  /// Removes such an OXID and forgets every object of it without running
  /// their callbacks (the class server is gone); returns how many.
  std::size_t remove_foreign_oxid(Oxid oxid);

  /// Exports an object of class `clsid` (whose access list its calls
  /// pass); `on_release` runs once when it is released.
  [[nodiscard]] Result<Oid> export_object(Oxid oxid, bool no_ping, Clock::time_point now, ReleaseFn on_release = {},
                                          QueryFn query = {}, const Uuid& clsid = {});
  /// The OXID whose IRemUnknown IPID this is.
  [[nodiscard]] std::optional<Oxid> rem_unknown_owner(const Uuid& ipid) const;
  /// [MS-DCOM] 3.1.1.5.6.1.1: the IPID of `iid` on the object `ipid` names,
  /// made through the object's QueryFn if it has none yet, holding `refs`
  /// more references. Errc::unknown_ipid, or bad_reference_count, or
  /// too_many_objects; nullopt when the object does not implement `iid`.
  [[nodiscard]] Result<std::optional<IpidEntry>> query_interface(const Uuid& ipid, const Uuid& iid, std::uint32_t refs);
  /// A new IPID for `iid` on the object, holding `public_refs` references.
  [[nodiscard]] Result<Uuid> add_interface(Oid oid, const Uuid& iid, std::shared_ptr<void> target,
                                           std::uint32_t public_refs);
  [[nodiscard]] std::optional<IpidEntry> find_ipid(const Uuid& ipid) const;
  /// The IPID of `iid` on the object that `ipid` names, if it has one.
  [[nodiscard]] std::optional<IpidEntry> find_interface(const Uuid& ipid, const Uuid& iid) const;
  [[nodiscard]] Result<void> add_refs(const Uuid& ipid, std::uint32_t refs);
  /// Releases references; the object goes when all of its IPIDs hold none.
  [[nodiscard]] Result<void> release_refs(const Uuid& ipid, std::uint32_t refs);

  /// [MS-DCOM] 3.1.2.5.1.3. `client` is the caller's source address.
  /// Returns the set's id (a new one when `set` is 0). OIDs this exporter
  /// does not hold are skipped: they cost nothing and keep nothing alive.
  [[nodiscard]] Result<SetId> complex_ping(std::string_view client, SetId set, std::uint16_t sequence,
                                           std::span<const Oid> add, std::span<const Oid> del, Clock::time_point now);
  /// [MS-DCOM] 3.1.2.5.1.2.
  [[nodiscard]] Result<void> simple_ping(SetId set, Clock::time_point now);

  /// An object another process exports (an out-of-process class server's,
  /// class_forwarder.hpp) whose OID clients ping here: it has no IPIDs,
  /// lives by pinging alone, and `on_expire` runs when it expires.
  /// Errc::too_many_objects at the bound (or when the OID is taken).
  [[nodiscard]] Result<void> track_object(Oxid oxid, Oid oid, Clock::time_point now, ReleaseFn on_expire);
  /// Releases one object now, running its release callback; false when
  /// there is no such object (a class server's RundownOids).
  bool release_object(Oid oid);

  /// Deletes expired sets and releases expired objects; returns how many
  /// objects were released.
  std::size_t collect(Clock::time_point now);

  [[nodiscard]] std::size_t object_count() const;
  [[nodiscard]] std::size_t set_count() const;
  [[nodiscard]] bool holds_object(Oid oid) const;

 private:
  struct Object {
    Oxid oxid = 0;
    bool no_ping = false;
    Clock::time_point expires;
    std::vector<Uuid> ipids;
    ReleaseFn on_release;
    QueryFn query;
    Uuid clsid;
  };
  struct PingSet {
    std::string client;
    std::set<Oid> oids;
    std::uint16_t sequence = 0;
    Clock::time_point expires;
  };

  Result<SetId> create_set(std::string_view client, Clock::time_point now);
  void touch_oids(const PingSet& set, Clock::time_point now);
  /// Removes the object and its IPIDs; returns its release callback.
  ReleaseFn remove_object(Oid oid);
  std::uint64_t fresh_id();
  Uuid fresh_uuid();

  ExporterLimits limits_;
  mutable std::mutex mutex_;
  std::map<Oxid, OxidEntry> oxids_;
  std::map<Oid, Object> objects_;
  std::map<Uuid, IpidEntry> ipids_;
  std::map<SetId, PingSet> sets_;
  std::map<std::string, std::size_t, std::less<>> sets_per_client_;
};

}  // namespace rampart::dcom
