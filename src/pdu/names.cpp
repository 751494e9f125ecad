// String names for the PDU layer's enums and error codes.
#include "rampart/pdu/constants.hpp"
#include "rampart/pdu/errc.hpp"

namespace rampart {

const char* ErrorCodeTraits<pdu::Errc>::name(pdu::Errc e) noexcept {
  using pdu::Errc;
  switch (e) {
    case Errc::bad_rpc_version: return "bad_rpc_version";
    case Errc::bad_rpc_version_minor: return "bad_rpc_version_minor";
    case Errc::bad_drep: return "bad_drep";
    case Errc::unknown_ptype: return "unknown_ptype";
    case Errc::bad_pfc_flags: return "bad_pfc_flags";
    case Errc::frag_length_too_small: return "frag_length_too_small";
    case Errc::frag_length_too_large: return "frag_length_too_large";
    case Errc::frag_length_mismatch: return "frag_length_mismatch";
    case Errc::truncated_body: return "truncated_body";
    case Errc::trailing_bytes: return "trailing_bytes";
    case Errc::auth_length_too_large: return "auth_length_too_large";
    case Errc::auth_trailer_misaligned: return "auth_trailer_misaligned";
    case Errc::auth_pad_too_large: return "auth_pad_too_large";
    case Errc::auth_value_too_large: return "auth_value_too_large";
    case Errc::auth_required: return "auth_required";
    case Errc::no_context_elements: return "no_context_elements";
    case Errc::no_transfer_syntaxes: return "no_transfer_syntaxes";
    case Errc::bad_context_result: return "bad_context_result";
    case Errc::bad_secondary_address: return "bad_secondary_address";
    case Errc::bad_verification_trailer: return "bad_verification_trailer";
    case Errc::rts_too_many_commands: return "rts_too_many_commands";
  }
  return "unknown";
}

}  // namespace rampart

namespace rampart::pdu {

bool is_connection_oriented(std::uint8_t ptype) noexcept {
  return ptype == 0 || ptype == 2 || ptype == 3 || (ptype >= 11 && ptype <= 20);
}

std::string_view to_string(PType t) noexcept {
  switch (t) {
    case PType::request: return "request";
    case PType::response: return "response";
    case PType::fault: return "fault";
    case PType::bind: return "bind";
    case PType::bind_ack: return "bind_ack";
    case PType::bind_nak: return "bind_nak";
    case PType::alter_context: return "alter_context";
    case PType::alter_context_resp: return "alter_context_resp";
    case PType::auth3: return "auth3";
    case PType::shutdown: return "shutdown";
    case PType::co_cancel: return "co_cancel";
    case PType::orphaned: return "orphaned";
    case PType::rts: return "rts";
  }
  return "unknown";
}

std::string_view to_string(ContextResult r) noexcept {
  switch (r) {
    case ContextResult::acceptance: return "acceptance";
    case ContextResult::user_rejection: return "user_rejection";
    case ContextResult::provider_rejection: return "provider_rejection";
    case ContextResult::negotiate_ack: return "negotiate_ack";
  }
  return "unknown";
}

std::string_view to_string(ProviderReason r) noexcept {
  switch (r) {
    case ProviderReason::reason_not_specified: return "reason_not_specified";
    case ProviderReason::abstract_syntax_not_supported: return "abstract_syntax_not_supported";
    case ProviderReason::proposed_transfer_syntaxes_not_supported:
      return "proposed_transfer_syntaxes_not_supported";
    case ProviderReason::local_limit_exceeded: return "local_limit_exceeded";
  }
  return "unknown";
}

std::string_view to_string(RejectReason r) noexcept {
  switch (r) {
    case RejectReason::reason_not_specified: return "reason_not_specified";
    case RejectReason::temporary_congestion: return "temporary_congestion";
    case RejectReason::local_limit_exceeded: return "local_limit_exceeded";
    case RejectReason::called_paddr_unknown: return "called_paddr_unknown";
    case RejectReason::protocol_version_not_supported: return "protocol_version_not_supported";
    case RejectReason::default_context_not_supported: return "default_context_not_supported";
    case RejectReason::user_data_not_readable: return "user_data_not_readable";
    case RejectReason::no_psap_available: return "no_psap_available";
    case RejectReason::authentication_type_not_recognized:
      return "authentication_type_not_recognized";
    case RejectReason::invalid_checksum: return "invalid_checksum";
  }
  return "unknown";
}

}  // namespace rampart::pdu
