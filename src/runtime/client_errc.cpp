#include "rampart/runtime/client_errc.hpp"

namespace rampart {

const char* ErrorCodeTraits<runtime::ClientErrc>::name(runtime::ClientErrc e) noexcept {
  using runtime::ClientErrc;
  switch (e) {
    case ClientErrc::unexpected_pdu: return "unexpected_pdu";
    case ClientErrc::bind_call_id_mismatch: return "bind_call_id_mismatch";
    case ClientErrc::result_count_mismatch: return "result_count_mismatch";
    case ClientErrc::bad_context_result: return "bad_context_result";
    case ClientErrc::bad_negotiated_size: return "bad_negotiated_size";
    case ClientErrc::assoc_group_mismatch: return "assoc_group_mismatch";
    case ClientErrc::unknown_call_id: return "unknown_call_id";
    case ClientErrc::context_mismatch: return "context_mismatch";
    case ClientErrc::reassembly_too_large: return "reassembly_too_large";
    case ClientErrc::auth_not_supported: return "auth_not_supported";
    case ClientErrc::not_connected: return "not_connected";
    case ClientErrc::wrong_state: return "wrong_state";
    case ClientErrc::unknown_context: return "unknown_context";
    case ClientErrc::context_rejected: return "context_rejected";
    case ClientErrc::bind_refused: return "bind_refused";
    case ClientErrc::too_many_calls: return "too_many_calls";
    case ClientErrc::duplicate_call_id: return "duplicate_call_id";
    case ClientErrc::call_faulted: return "call_faulted";
    case ClientErrc::call_timed_out: return "call_timed_out";
    case ClientErrc::call_cancelled: return "call_cancelled";
    case ClientErrc::connection_closed: return "connection_closed";
    case ClientErrc::connect_failed: return "connect_failed";
    case ClientErrc::bad_binding: return "bad_binding";
    case ClientErrc::endpoint_not_found: return "endpoint_not_found";
    case ClientErrc::server_shutdown: return "server_shutdown";
    case ClientErrc::auth_failed: return "auth_failed";
    case ClientErrc::auth_downgrade: return "auth_downgrade";
  }
  return "unknown";
}

}  // namespace rampart
