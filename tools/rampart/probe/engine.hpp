// The probing engine: Asio coroutines on one thread. Hosts are taken from
// the target list by max(1, global / per_host) host workers; each host runs
// its baseline, then its probes with at most `per_host` connections at once,
// so no more than `global` connections are ever open. New connections are
// paced by a token bucket (`rate` per second). Every socket operation has a
// deadline. A probe whose reaction is a close or silence is followed by a
// liveness check (a fresh connection and bind).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rampart/runtime/client_security.hpp"
#include "report_types.hpp"

namespace rampart::probe {

struct EngineOptions {
  std::uint16_t port = 135;
  std::chrono::milliseconds connect_timeout{3000};
  /// How long a reply may take; also how long "silence" is waited for.
  std::chrono::milliseconds reply_timeout{2000};
  /// After a reply, how long to watch whether the server closes.
  std::chrono::milliseconds linger{300};
  unsigned global_concurrency = 128;
  unsigned per_host = 4;
  double rate = 0;  // new connections per second; 0 = unpaced
  /// Credentials for the probes that need them (Probe::needs_auth).
  std::optional<runtime::ClientAuth> auth;
  /// No --spn: each host is asked for host@ its own name, not auth->target.
  bool auth_target_per_host = false;
};

/// Called on the engine's thread after each probe (for progress) and after
/// each host (for streaming output).
struct EngineCallbacks {
  std::function<void()> on_probe_done;
  std::function<void(HostReport&&)> on_host_done;
};

/// Probes every target (host names or addresses) with `probes`; returns
/// when all are done.
void run_engine(const std::vector<std::string>& targets, const std::vector<const Probe*>& probes,
                const EngineOptions& options, const EngineCallbacks& callbacks);

}  // namespace rampart::probe
