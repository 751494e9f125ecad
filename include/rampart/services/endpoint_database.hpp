// EndpointDatabase: the endpoint map behind ept_insert, ept_delete,
// ept_lookup and ept_map (C706 Appendix O; [MS-RPCE] 2.2.1.2).
//
// Readers vastly outnumber writers (every ept_map is a read; registrations
// happen at service start), so the entries live in an immutable Snapshot
// that writers copy, change and publish. A reader takes the current
// snapshot (one shared_ptr copy under a shared lock) and then scans it with
// no lock held; a lookup handle keeps its snapshot, so paging through it is
// consistent while the map changes. Entries are shared between snapshots,
// so publishing costs one vector of pointers.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "rampart/binding/tower.hpp"
#include "rampart/runtime/peer.hpp"
#include "rampart/services/config.hpp"

namespace rampart::services {

/// Who registered an entry: nullopt for static entries (configuration,
/// rampartd's own, the static local socket), else the registering
/// connection's PeerInfo::connection_id.
using Owner = std::optional<std::uint64_t>;

/// One element of the endpoint map (ept_entry_t plus what the map keeps).
struct Entry {
  Uuid object;
  std::vector<std::uint8_t> tower;  // the octets as registered and returned
  binding::TowerBinding binding;    // decoded from `tower`
  std::string annotation;           // at most kMaxAnnotationChars
  Owner owner;
  /// Where the tower's IPv4 address floor holds 0.0.0.0 ("any address"),
  /// found once at insert so replies patch 4 octets instead of re-encoding.
  std::optional<std::size_t> wildcard_ipv4_at;

  /// The tower as `peer` should see it: a wildcard address becomes the
  /// server's address on the peer's connection.
  [[nodiscard]] std::vector<std::uint8_t> tower_for(const runtime::PeerInfo& peer) const;

  [[nodiscard]] const SyntaxId& interface() const noexcept { return binding.interface; }
};

/// ept_max_annotation_size is 64 with the terminator (C706 Appendix O; C8).
inline constexpr std::size_t kMaxAnnotationChars = 63;

/// inquiry_type values (C706 Appendix O; [MS-RPCE] 2.2.1.2.4).
enum class Inquiry : std::uint32_t { all_elts = 0, match_by_if = 1, match_by_obj = 2, match_by_both = 3 };
/// vers_option values (C706 Appendix O).
enum class VersOption : std::uint32_t { all = 1, compatible = 2, exact = 3, major_only = 4, upto = 5 };

/// An ept_lookup selection, already validated.
struct LookupQuery {
  Inquiry inquiry = Inquiry::all_elts;
  Uuid object;            // by_obj, by_both
  SyntaxId interface;     // by_if, by_both
  VersOption vers = VersOption::all;

  [[nodiscard]] bool matches(const Entry& e) const noexcept;
};

/// An ept_map selection: the map tower's interface, transfer syntax and
/// protseq, and the object the entries must carry (resolved once, see
/// EndpointDatabase::resolve_map_object).
struct MapQuery {
  SyntaxId interface;
  SyntaxId transfer;
  binding::Protseq protseq = binding::Protseq::ncacn_ip_tcp;
  Uuid object;

  /// C706 12.6.3.1 compatibility: same UUID and major version, registered
  /// minor at least the requested one; same transfer syntax and protseq.
  [[nodiscard]] bool matches_ignoring_object(const Entry& e) const noexcept;
  [[nodiscard]] bool matches(const Entry& e) const noexcept {
    return e.object == object && matches_ignoring_object(e);
  }
};

enum class DbStatus : std::uint8_t {
  ok,
  invalid_entry,  // tower does not decode to a known protseq, or bad annotation
  full,           // Config::max_entries or max_entries_per_owner reached
  not_found,      // nothing matched a delete
};

class EndpointDatabase {
 public:
  struct Snapshot {
    std::vector<std::shared_ptr<const Entry>> entries;
    /// Positions in `entries` by interface UUID, in registration order:
    /// ept_map, the hot path, scans only its interface's entries.
    std::unordered_map<Uuid, std::vector<std::size_t>> by_interface;

    /// The positions registered for this interface UUID (maybe empty).
    [[nodiscard]] std::span<const std::size_t> positions(const Uuid& interface) const noexcept;
  };
  static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

  explicit EndpointDatabase(Config config = {});

  /// Validates one entry from the wire (C8, docs/hardening.md "Endpoint mapper": the
  /// tower must decode fully with known floors and form a known protseq).
  [[nodiscard]] static std::optional<Entry> make_entry(const Uuid& object, std::span<const std::uint8_t> tower,
                                                       std::string annotation, Owner owner);

  /// ept_insert: all entries or none. With `replace`, existing entries of
  /// the same owner with the same interface UUID and major version, object
  /// and protseq are removed first (RpcEpRegister replaces "an existing
  /// database entry that matches the interface, binding and object"; since
  /// Windows 2000 a server cannot replace another server's entries). An
  /// identical entry (same owner, object and tower) is not added twice.
  [[nodiscard]] DbStatus insert(std::vector<Entry> entries, bool replace);
  /// ept_delete: removes entries of `owner` with this object and a tower
  /// naming the same binding. not_found when nothing matched.
  [[nodiscard]] DbStatus remove(const Uuid& object, const binding::TowerBinding& b, const Owner& owner);
  /// ept_mgmt_delete: like remove, but the object only counts when given.
  [[nodiscard]] DbStatus remove_matching(const std::optional<Uuid>& object, const binding::TowerBinding& b,
                                         const Owner& owner);
  /// Drops every entry a closing connection registered.
  std::size_t remove_all_owned_by(std::uint64_t connection_id);

  [[nodiscard]] std::shared_ptr<const Snapshot> snapshot() const;
  [[nodiscard]] std::size_t size() const { return snapshot()->entries.size(); }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

  /// C706 ept_map: entries registered for the requested object are used;
  /// when the object is non-nil and none is registered for it, entries
  /// registered with the nil object serve it (as a server registered
  /// without object UUIDs serves any object).
  static void resolve_map_object(const Snapshot& s, MapQuery& q, const Uuid& requested);

  /// Calls `fn(entry)` for up to `max` matches from index `start`; returns
  /// the index of the next match after them, or npos when none remains.
  template <class Fn>
  static std::size_t page(const Snapshot& s, const LookupQuery& q, std::size_t start, std::size_t max, Fn&& fn) {
    std::size_t taken = 0;
    for (std::size_t i = start; i < s.entries.size(); ++i) {
      if (!q.matches(*s.entries[i])) continue;
      if (taken == max) return i;
      fn(*s.entries[i]);
      ++taken;
    }
    return npos;
  }
  /// The same for ept_map, over the interface's positions: `start` and the
  /// result index Snapshot::positions(q.interface.uuid).
  template <class Fn>
  static std::size_t page(const Snapshot& s, const MapQuery& q, std::size_t start, std::size_t max, Fn&& fn) {
    const auto positions = s.positions(q.interface.uuid);
    std::size_t taken = 0;
    for (std::size_t i = start; i < positions.size(); ++i) {
      const Entry& e = *s.entries[positions[i]];
      if (!q.matches(e)) continue;
      if (taken == max) return i;
      fn(e);
      ++taken;
    }
    return npos;
  }

 private:
  template <class Pred>
  std::size_t erase_if_locked(Pred pred);
  /// Rebuilds the index and makes `next` the current snapshot.
  void publish(std::shared_ptr<Snapshot> next);

  const Config config_;
  std::mutex write_mutex_;              // one writer at a time
  mutable std::shared_mutex read_mutex_;  // guards current_ (the pointer only)
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace rampart::services
