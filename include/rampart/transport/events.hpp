// What the transport reports about connections it refused or closed, so
// rampartd can log every disconnect with its reason (as Samba's
// dcesrv_fault_disconnect records one). Protocol errors go through
// runtime::ServerEvents instead.
#pragma once

#include <string_view>
#include <system_error>

#include "rampart/runtime/peer.hpp"

namespace rampart::transport {

enum class CloseReason : std::uint8_t {
  peer_closed,      // EOF from the peer
  protocol,         // the association asked to close (fault policy reaction)
  header_timeout,   // a PDU's first octets arrived, its 16-octet header did not
  pdu_timeout,      // the header arrived, the rest of the PDU did not
  bind_timeout,     // no bind within ServerLimits::bind_timeout
  idle_timeout,     // nothing in progress for ServerLimits::idle_timeout
  write_stall,      // the peer stopped reading our output
  send_queue_full,  // output above ServerLimits::max_send_queue
  io_error,         // the socket failed
  drained,          // stop(): the connection finished its calls
  shutdown,         // stop(): the drain deadline passed
};

enum class RefuseReason : std::uint8_t {
  too_many_connections,  // ServerLimits::max_connections
  too_many_from_source,  // ServerLimits::max_connections_per_source
};

[[nodiscard]] std::string_view to_string(CloseReason r) noexcept;
[[nodiscard]] std::string_view to_string(RefuseReason r) noexcept;

/// Called on worker threads; implementations must not block.
class TransportEvents {
 public:
  virtual ~TransportEvents() = default;
  virtual void accepted(const runtime::PeerInfo& /*peer*/) {}
  virtual void refused(const runtime::PeerInfo& /*peer*/, RefuseReason /*why*/) {}
  virtual void closed(const runtime::PeerInfo& /*peer*/, CloseReason /*why*/) {}
  /// accept() failed on a listener (for example EMFILE); it retries shortly.
  virtual void accept_failed(std::string_view /*listener*/, const std::error_code& /*ec*/) {}
};

}  // namespace rampart::transport
