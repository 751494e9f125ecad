#include "log_events.hpp"

#include <utility>

#include "log.hpp"

namespace rampartd {

using rampart::transport::CloseReason;
using spdlog::level::level_enum;

namespace {

std::string peer_text(const rampart::runtime::PeerInfo& peer) {
  if (!peer.credentials) return peer.address;
  return peer.address + " (pid " + std::to_string(peer.credentials->pid) + ", uid " +
         std::to_string(peer.credentials->uid) + ")";
}

// Timeouts and caps are what an operator watches for; ordinary ends of
// connections are debug noise.
level_enum level_for(CloseReason why) {
  switch (why) {
    case CloseReason::peer_closed:
    case CloseReason::drained:
    case CloseReason::protocol:  // already logged as a protocol error
      return level_enum::debug;
    case CloseReason::io_error:
    case CloseReason::shutdown:
      return level_enum::info;
    default:
      return level_enum::warn;
  }
}

}  // namespace

void LogEvents::authenticated(const rampart::runtime::PeerInfo& peer, std::uint8_t auth_type, std::uint8_t auth_level,
                              std::uint32_t auth_context_id, const std::string& principal) {
  if (!log::enabled(level_enum::info)) return;
  log::event(level_enum::info, "authenticated",
             {{"peer", peer_text(peer)}, log::num("auth_type", auth_type), log::num("auth_level", auth_level),
              log::num("auth_context_id", auth_context_id),
              {"principal", principal.empty() ? "(anonymous)" : principal}});
}

// Every refusal of a security exchange or of a call by the authentication
// policy is one structured line with its reason (rate-limited like
// protocol errors).
void LogEvents::auth_denied(const rampart::runtime::PeerInfo& peer, const std::string& reason) {
  if (!log::enabled(level_enum::warn)) return;
  const auto dropped = denials_.admit();
  if (!dropped) return;
  log::event(level_enum::warn, "authentication denied",
             {{"peer", peer_text(peer)}, {"reason", reason}, log::num("suppressed", *dropped)});
}

std::optional<std::uint64_t> LogRateLimit::admit() {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (now - window_ >= std::chrono::seconds(1)) {
    window_ = now;
    used_ = 0;
  }
  if (used_ >= per_second_) {
    ++dropped_;
    return std::nullopt;
  }
  ++used_;
  return std::exchange(dropped_, 0);
}

void LogEvents::protocol_error(const rampart::runtime::PeerInfo& peer, const rampart::Error& error,
                               const rampart::runtime::Reaction& reaction) {
  if (!log::enabled(level_enum::warn)) return;
  const auto dropped = protocol_errors_.admit();
  if (!dropped) return;
  std::string code = std::string(to_string(error.domain())) + "." + std::string(error.code_name());
  const bool has_offset = error.offset() != rampart::kNoOffset;
  log::event(level_enum::warn, "protocol error",
             {{"peer", peer_text(peer)},
              log::num("conn", peer.connection_id),
              {"code", std::move(code)},
              has_offset ? log::num("offset", error.offset()) : log::Field{"offset", "none"},
              {"detail", std::string(error.detail())},
              {"error", error.to_string()},
              {"reaction", reaction.describe()},
              log::num("suppressed", *dropped)});
}

void LogEvents::bound(const rampart::runtime::PeerInfo& peer, std::uint32_t assoc_group, std::size_t accepted) {
  if (!log::enabled(level_enum::debug)) return;
  log::event(level_enum::debug, "bound",
             {{"peer", peer_text(peer)}, log::num("conn", peer.connection_id), log::num("assoc_group", assoc_group),
              log::num("accepted_contexts", accepted)});
}

void LogEvents::accepted(const rampart::runtime::PeerInfo& peer) {
  if (!log::enabled(level_enum::debug)) return;
  log::event(level_enum::debug, "connection accepted",
             {{"peer", peer_text(peer)}, log::num("conn", peer.connection_id), {"endpoint", peer.local_endpoint}});
}

void LogEvents::refused(const rampart::runtime::PeerInfo& peer, rampart::transport::RefuseReason why) {
  const auto dropped = refusals_.admit();
  if (!dropped) return;
  log::event(level_enum::warn, "connection refused",
             {{"peer", peer_text(peer)}, {"reason", std::string(to_string(why))}, log::num("suppressed", *dropped)});
}

void LogEvents::closed(const rampart::runtime::PeerInfo& peer, CloseReason why) {
  const auto level = level_for(why);
  if (!log::enabled(level)) return;
  const auto dropped = closes_.admit();
  if (!dropped) return;
  log::event(level, "connection closed",
             {{"peer", peer_text(peer)}, log::num("conn", peer.connection_id), {"reason", std::string(to_string(why))},
              log::num("suppressed", *dropped)});
}

void LogEvents::accept_failed(std::string_view listener, const std::error_code& ec) {
  log::event(level_enum::err, "accept failed", {{"listener", std::string(listener)}, {"error", ec.message()}});
}

}  // namespace rampartd
