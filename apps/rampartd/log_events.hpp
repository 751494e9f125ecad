// Logs what the runtime refused (every protocol error with its peer, error
// and reaction, as the fault policy chose it) and what the transport
// refused or closed. Called on worker threads; spdlog's sink is locked, so
// logging never touches connection state.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "rampart/runtime/server_core.hpp"
#include "rampart/transport/events.hpp"

namespace rampartd {

/// At most `per_second` lines a second per category: a flood of bad peers
/// must not turn into a flood of log lines. What was dropped is counted and
/// reported with the next line that passes.
class LogRateLimit {
 public:
  explicit LogRateLimit(std::uint32_t per_second) : per_second_(per_second) {}
  /// nullopt: drop this line; otherwise how many lines were dropped before it.
  std::optional<std::uint64_t> admit();

 private:
  std::mutex mutex_;
  const std::uint32_t per_second_;
  std::chrono::steady_clock::time_point window_{};
  std::uint32_t used_ = 0;
  std::uint64_t dropped_ = 0;
};

class LogEvents final : public rampart::runtime::ServerEvents, public rampart::transport::TransportEvents {
 public:
  void protocol_error(const rampart::runtime::PeerInfo& peer, const rampart::Error& error,
                      const rampart::runtime::Reaction& reaction) override;
  void bound(const rampart::runtime::PeerInfo& peer, std::uint32_t assoc_group, std::size_t accepted) override;
  void authenticated(const rampart::runtime::PeerInfo& peer, std::uint8_t auth_type, std::uint8_t auth_level,
                     std::uint32_t auth_context_id, const std::string& principal) override;
  void auth_denied(const rampart::runtime::PeerInfo& peer, const std::string& reason) override;

  void accepted(const rampart::runtime::PeerInfo& peer) override;
  void refused(const rampart::runtime::PeerInfo& peer, rampart::transport::RefuseReason why) override;
  void closed(const rampart::runtime::PeerInfo& peer, rampart::transport::CloseReason why) override;
  void accept_failed(std::string_view listener, const std::error_code& ec) override;

 private:
  static constexpr std::uint32_t kLinesPerSecond = 50;
  LogRateLimit protocol_errors_{kLinesPerSecond};
  LogRateLimit refusals_{kLinesPerSecond};
  LogRateLimit closes_{kLinesPerSecond};
  LogRateLimit denials_{kLinesPerSecond};
};

}  // namespace rampartd
