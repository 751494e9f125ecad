// Error codes of the client runtime (ErrorDomain::client): what a server
// sent that a client must not believe (docs/hardening.md "Client side": "a client checks the
// mirror image"), and how a call can end without a response.
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::runtime {

enum class ClientErrc : std::uint16_t {
  // The server broke a rule; the connection must be closed.
  unexpected_pdu = 1,        // a PTYPE not legal in this state (C706 12.6.4, [MS-RPCE] 3.3.1)
  bind_call_id_mismatch,     // bind_ack / alter_context_resp for another call_id
  result_count_mismatch,     // p_result_list size differs from the contexts offered (C706 12.6.4.4)
  bad_context_result,        // an acceptance naming a syntax not offered, a negotiate_ack not asked for
  bad_negotiated_size,       // max_xmit/max_recv above what was offered or below 1432 ([MS-RPCE] 3.3.1.5.2.1)
  assoc_group_mismatch,      // bind_ack names another association group than the one joined
  unknown_call_id,           // response or fault for no pending call
  context_mismatch,          // response names another presentation context than its request
  reassembly_too_large,      // responses buffered across calls above ClientLimits::max_buffered
  auth_not_supported,        // an auth verifier before security providers exist
  // Local conditions and outcomes (the connection may stay usable).
  not_connected,             // no transport, or the association is closed
  wrong_state,               // bind twice, call before bind, alter while one is pending
  unknown_context,           // a call on a context that was not accepted
  context_rejected,          // the server rejected the interface's presentation context
  bind_refused,              // bind_nak
  too_many_calls,            // ClientLimits::max_pending_calls reached
  duplicate_call_id,         // a caller-chosen call_id that is already pending
  call_faulted,              // the server answered with a fault PDU
  call_timed_out,            // no answer within the call's timeout (the call was orphaned)
  call_cancelled,            // cancelled by the caller or by close()
  connection_closed,         // the server closed the connection, or it failed
  connect_failed,            // connect or name resolution failed or timed out
  bad_binding,               // a string binding this client cannot use
  endpoint_not_found,        // ept_map found no usable tower
  server_shutdown,           // the server sent shutdown (C706 12.6.4.11)
  // Authentication ([MS-RPCE] 3.3.1.5.2): the connection must be closed.
  auth_failed,               // the provider refused a token, or a signature or sequence number failed
  auth_downgrade,            // header signing not echoed, an unprotected response, another auth_type/level
};

}  // namespace rampart::runtime

namespace rampart {
template <>
struct ErrorCodeTraits<runtime::ClientErrc> {
  static constexpr ErrorDomain domain = ErrorDomain::client;
  static const char* name(runtime::ClientErrc e) noexcept;
};
}  // namespace rampart
