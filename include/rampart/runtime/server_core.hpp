// ServerCore: the state every connection of one server shares: limits,
// registered interfaces, association groups, statistics and the event sink.
// Thread-safe; each Association is used from one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "rampart/runtime/association_group.hpp"
#include "rampart/runtime/fault_policy.hpp"
#include "rampart/runtime/interface_registry.hpp"
#include "rampart/runtime/server_limits.hpp"

namespace rampart::runtime {

/// Counters behind mgmt inq_stats (C706 Appendix Q: rpc_c_stats_calls_in,
/// calls_out, pkts_in, pkts_out, in that order).
struct ServerStats {
  std::atomic<std::uint32_t> calls_in{0};
  std::atomic<std::uint32_t> calls_out{0};
  std::atomic<std::uint32_t> pkts_in{0};
  std::atomic<std::uint32_t> pkts_out{0};
};

/// Where the runtime reports what it refused. rampartd logs these; tests
/// record them. Called on the connection's thread; must not block.
class ServerEvents {
 public:
  virtual ~ServerEvents() = default;
  /// A peer broke a rule; `reaction` is what it was sent (fault policy).
  virtual void protocol_error(const PeerInfo& /*peer*/, const Error& /*error*/, const Reaction& /*reaction*/) {}
  /// A bind or alter_context completed: how many contexts were accepted.
  virtual void bound(const PeerInfo& /*peer*/, std::uint32_t /*assoc_group*/, std::size_t /*accepted*/) {}
};

struct ServerCore {
  explicit ServerCore(ServerLimits l = {}, std::shared_ptr<ServerEvents> e = std::make_shared<ServerEvents>())
      : limits(l), groups(l.max_association_groups, l.max_lookup_handles), events(std::move(e)) {}

  ServerLimits limits;
  InterfaceRegistry interfaces;
  AssociationGroupTable groups;
  ServerStats stats;
  std::shared_ptr<ServerEvents> events;
  /// Whether the server is listening (mgmt is_server_listening); cleared
  /// while draining on SIGTERM.
  std::atomic<bool> listening{true};
};

}  // namespace rampart::runtime
