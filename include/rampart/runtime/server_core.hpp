// ServerCore: the state every connection of one server shares: limits,
// registered interfaces, association groups, statistics and the event sink.
// Thread-safe; each Association is used from one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "rampart/runtime/association_group.hpp"
#include "rampart/runtime/auth_policy.hpp"
#include "rampart/runtime/fault_policy.hpp"
#include "rampart/runtime/interface_registry.hpp"
#include "rampart/runtime/server_limits.hpp"
#include "rampart/security/security_provider.hpp"

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
  /// A security context completed: who authenticated, how.
  virtual void authenticated(const PeerInfo& /*peer*/, std::uint8_t /*auth_type*/, std::uint8_t /*auth_level*/,
                             std::uint32_t /*auth_context_id*/, const std::string& /*principal*/) {}
  /// A security provider refused a token (the provider's own text, never
  /// sent to the peer) or the authentication policy refused a call.
  virtual void auth_denied(const PeerInfo& /*peer*/, const std::string& /*reason*/) {}
};

/// Runs a security provider step away from the connection's thread
/// (docs/hardening.md C16: GSSAPI may block on a KDC or a user file).
/// Returns false when its queue is full; the exchange is then refused.
using AuthStepRunner = std::function<bool(std::function<void()> job)>;

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

  /// Security providers by auth_type; null or empty: every authenticated
  /// bind is refused (bind_nak 8). A reload swaps the registry: new
  /// exchanges use the new one, established contexts keep theirs.
  void set_providers(std::shared_ptr<const security::ProviderRegistry> p) { providers_.store(std::move(p)); }
  [[nodiscard]] std::shared_ptr<const security::ProviderRegistry> providers() const { return providers_.load(); }
  /// Where provider steps run; unset: inline on the caller's thread (unit
  /// tests and fuzzers, which want determinism).
  AuthStepRunner auth_runner;

  /// The authentication policy; null allows every call. A reload swaps it:
  /// it applies to every later call, on established connections too.
  void set_policy(std::shared_ptr<const AuthPolicy> p) { policy_.store(std::move(p)); }
  [[nodiscard]] std::shared_ptr<const AuthPolicy> policy() const { return policy_.load(); }

 private:
  std::atomic<std::shared_ptr<const AuthPolicy>> policy_;
  std::atomic<std::shared_ptr<const security::ProviderRegistry>> providers_;
};

}  // namespace rampart::runtime
