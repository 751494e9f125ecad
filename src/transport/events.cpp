#include "rampart/transport/events.hpp"

namespace rampart::transport {

std::string_view to_string(CloseReason r) noexcept {
  switch (r) {
    case CloseReason::peer_closed: return "peer_closed";
    case CloseReason::protocol: return "protocol";
    case CloseReason::header_timeout: return "header_timeout";
    case CloseReason::pdu_timeout: return "pdu_timeout";
    case CloseReason::bind_timeout: return "bind_timeout";
    case CloseReason::idle_timeout: return "idle_timeout";
    case CloseReason::write_stall: return "write_stall";
    case CloseReason::send_queue_full: return "send_queue_full";
    case CloseReason::io_error: return "io_error";
    case CloseReason::drained: return "drained";
    case CloseReason::shutdown: return "shutdown";
  }
  return "unknown";
}

std::string_view to_string(RefuseReason r) noexcept {
  switch (r) {
    case RefuseReason::too_many_connections: return "too_many_connections";
    case RefuseReason::too_many_from_source: return "too_many_from_source";
  }
  return "unknown";
}

}  // namespace rampart::transport
