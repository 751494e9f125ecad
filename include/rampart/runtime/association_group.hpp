// Association groups ([MS-RPCE] 3.3.1.1, C706 12.4): connections that bind
// with the same assoc_group_id share one group, and context handles belong
// to the group that created them (docs/hardening.md C15).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "rampart/base/uuid.hpp"
#include "rampart/runtime/peer.hpp"

namespace rampart::runtime {

class AssociationGroup {
 public:
  AssociationGroup(std::uint32_t id, TransportKind transport, std::size_t max_handles)
      : id_(id), transport_(transport), max_handles_(max_handles) {}

  [[nodiscard]] std::uint32_t id() const noexcept { return id_; }
  [[nodiscard]] TransportKind transport() const noexcept { return transport_; }

  /// What create_handle does when the group already holds max_handles.
  enum class WhenFull : std::uint8_t {
    refuse,        // nullopt: the caller reports the limit
    evict_oldest,  // the oldest handle of the same owner goes (C13)
  };
  /// Creates a context handle owned by `owner` (an interface UUID) holding
  /// `state`. When the group is full, `when_full` decides; nullopt when
  /// nothing could be made room for.
  [[nodiscard]] std::optional<Uuid> create_handle(const Uuid& owner, std::shared_ptr<void> state,
                                                  WhenFull when_full = WhenFull::refuse);
  /// The handle's state if it exists and belongs to `owner`; a handle from
  /// another interface or another group is not found (C15).
  [[nodiscard]] std::shared_ptr<void> find_handle(const Uuid& owner, const Uuid& handle) const;
  bool close_handle(const Uuid& owner, const Uuid& handle);
  [[nodiscard]] std::size_t handle_count() const;

 private:
  struct Handle {
    Uuid owner;
    std::shared_ptr<void> state;
    std::uint64_t created;  // order of creation, for evict_oldest
  };
  bool evict_oldest_of(const Uuid& owner);  // with mutex_ held
  const std::uint32_t id_;
  const TransportKind transport_;
  const std::size_t max_handles_;
  mutable std::mutex mutex_;
  std::unordered_map<Uuid, Handle> handles_;
  std::uint64_t created_ = 0;
};

/// All live groups. A group lives while a connection holds it.
class AssociationGroupTable {
 public:
  AssociationGroupTable(std::size_t max_groups, std::size_t max_handles_per_group);

  /// A new group with a fresh non-zero id; nullptr at the cap.
  [[nodiscard]] std::shared_ptr<AssociationGroup> create(TransportKind transport);
  /// The live group with this id on this transport kind, or nullptr: an id
  /// the server does not know, or one from another transport, gets a bind_nak.
  [[nodiscard]] std::shared_ptr<AssociationGroup> join(std::uint32_t id, TransportKind transport);
  [[nodiscard]] std::size_t size() const;
  /// Context handles held by all live groups (the endpoint mapper's lookup
  /// handles, so far), for metrics.
  [[nodiscard]] std::size_t handle_count() const;

 private:
  const std::size_t max_groups_;
  const std::size_t max_handles_;
  mutable std::mutex mutex_;
  std::uint32_t next_id_;
  std::unordered_map<std::uint32_t, std::weak_ptr<AssociationGroup>> groups_;
};

}  // namespace rampart::runtime
