// The fault policy table. Every protocol error reaches the peer through
// react(); the choices follow C706 12.6.4.5 (bind_nak), [MS-RPCE] 3.3.2.x
// and what Samba 4.17 and Windows are seen to answer: Samba's raw_protocol
// suite encodes Windows' answers and tests/interop/raw_protocol_test.sh holds
// rampartd to them; docs/hardening.md and docs/deviations.md give the rules.
#include "rampart/runtime/fault_policy.hpp"

#include <fmt/format.h>

#include "rampart/pdu/errc.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/runtime/errc.hpp"
#include "rampart/runtime/frag_errc.hpp"
#include "rampart/security/errc.hpp"

namespace rampart::runtime {

namespace {

using pdu::RejectReason;
namespace st = pdu::status;

constexpr Reaction nak(RejectReason r) { return {Reaction::Kind::bind_nak, r, 0, false, true}; }
constexpr Reaction fault(std::uint32_t s, bool dne, bool close) { return {Reaction::Kind::fault, {}, s, dne, close}; }
constexpr Reaction close_connection() { return {Reaction::Kind::close, {}, 0, false, true}; }

// A malformed PDU: before bind the peer is owed a bind_nak; Samba and
// Windows answer any unreadable first PDU with reason 4 and versions 5.0
// (which is also what makes nmap name the service). In a call it is owed a
// fault; elsewhere there is no reply to send, so the connection closes
// ([MS-RPCE] 3.3.2.5.1: protocol errors end the connection).
Reaction malformed(Phase phase, RejectReason before_bind) {
  switch (phase) {
    case Phase::awaiting_bind: return nak(RejectReason::protocol_version_not_supported);
    case Phase::binding: return nak(before_bind);
    // Windows answers an alter_context it cannot accept with
    // nca_s_proto_error and DID_NOT_EXECUTE, then closes (raw_protocol
    // test_alter_no_auth_no_ctx, test_no_auth_presentation_ctx_invalid3).
    case Phase::altering: return fault(st::kNcaProtoError, true, true);
    case Phase::in_call: return fault(st::kNcaProtoError, false, true);
    case Phase::bound: return close_connection();
  }
  return close_connection();
}

Reaction react_pdu(pdu::Errc e, Phase phase) {
  using E = pdu::Errc;
  switch (e) {
    case E::bad_rpc_version:
    case E::bad_rpc_version_minor:
      // C706 12.6.4.5: an unsupported version gets reason 4 and the list
      // of versions the server speaks.
      return phase == Phase::in_call || phase == Phase::bound ? close_connection()
                                                              : nak(RejectReason::protocol_version_not_supported);
    case E::auth_length_too_large:
    case E::auth_value_too_large:
    case E::auth_trailer_misaligned:
    case E::auth_pad_too_large:
      // C4: a bind whose auth trailer does not fit or is out of place gets
      // reason 4, as from Windows (raw_protocol test_invalid_auth_noctx,
      // test_spnego_auth_pad_fail_bind); a short bind body without auth
      // gets reason 0 (test_no_auth_no_ctx).
      // After the bind only auth3 (and the rarely authenticated co_cancel
      // and orphaned) carry a trailer outside a call: a pad that does not
      // fit gets nca_s_fault_remote_no_memory, as from Windows
      // (test_ntlmssp_auth_pad_fail_auth3).
      if (phase == Phase::bound) return fault(st::kNcaRemoteNoMemory, true, true);
      return phase == Phase::binding ? nak(RejectReason::protocol_version_not_supported)
                                     : malformed(phase, RejectReason::reason_not_specified);
    default:
      // C1, C4, C6: framing, auth trailer geometry and context lists.
      return malformed(phase, RejectReason::reason_not_specified);
  }
}

Reaction react_frag(FragErrc e) {
  switch (e) {
    case FragErrc::alloc_hint_too_large:
    case FragErrc::stub_too_large:
      // C2, [MS-RPCE] 3.3.3.5.4: a request over the 4 MiB cap, announced by
      // an unfinished fragment's alloc_hint or reached by the fragments
      // themselves, gets access_denied without DID_NOT_EXECUTE, then the
      // close, as from Windows (raw_protocol test_fragmented_requests04/05).
      return fault(st::kAccessDenied, false, true);
    case FragErrc::too_many_fragments:
      // C2: the call cannot be reassembled; the rest of its fragments are
      // still on the way, so the connection is closed after the fault.
      return fault(0x0000000e /* RPC_S_OUT_OF_MEMORY */, true, true);
    case FragErrc::too_many_calls: return fault(st::kNcaServerTooBusy, true, true);
    default:
      // C3: fragments that disagree with their first are a protocol error.
      return fault(st::kNcaProtoError, false, true);
  }
}

// Security contexts, as Windows answers them (raw_protocol test_spnego_*,
// test_ntlmssp_*; Samba's dcesrv_auth.c agrees). Every one of them ends the
// connection: a security context that went wrong cannot be resumed.
Reaction react_auth(Errc e, Phase phase) {
  switch (e) {
    // test_spnego_connect_reauth_alter, test_spnego_change_auth_level,
    // test_spnego_change_auth_type3: access denied, DID_NOT_EXECUTE.
    case Errc::auth_reauth_alter:
    case Errc::auth_type_none:
      return fault(st::kAccessDenied, true, true);
    case Errc::auth_level_mismatch:
      // In an alter_context leg: DID_NOT_EXECUTE (test_spnego_change_auth_level);
      // in a request, without it (test_spnego_connect_*_upgrade).
      return fault(st::kAccessDenied, phase != Phase::in_call, true);
    // test_spnego_connect_reauth_auth3, test_spnego_unfinished_request.
    case Errc::auth_reauth_auth3:
    case Errc::auth_unfinished:
      return fault(st::kNcaProtoError, true, true);
    // test_spnego_change_auth_type1: another auth_type mid-exchange.
    case Errc::auth_type_mismatch: return fault(st::kSecPkgError, true, true);
    // test_spnego_auth3: requests after a failed auth3, and requests without
    // a verifier where every PDU must be protected.
    // The authentication policy refuses a call: the caller broke no
    // protocol rule, so the connection stays (like remote_caller_refused).
    case Errc::auth_policy_denied: return fault(st::kAccessDenied, true, false);
    case Errc::auth_invalid:
    case Errc::auth_required:
      return phase == Phase::binding ? nak(RejectReason::reason_not_specified)
                                     : fault(st::kAccessDenied, false, true);
    // A provider that refuses the token: bind_nak reason 0 at bind (Samba
    // 4.17's dcesrv_bind on a failed gensec update), access denied in an
    // alter_context leg.
    case Errc::auth_step_failed:
      return phase == Phase::binding ? nak(RejectReason::reason_not_specified)
                                     : fault(st::kAccessDenied, true, true);
    // test_spnego_call_bind: Windows refuses SPNEGO at the call level
    // with reason 9 (invalid checksum).
    case Errc::auth_level_unsupported:
      return phase == Phase::binding ? nak(RejectReason::invalid_checksum) : fault(st::kAccessDenied, true, true);
    case Errc::auth_busy:
      return phase == Phase::binding ? nak(RejectReason::temporary_congestion)
                                     : fault(st::kNcaServerTooBusy, true, true);
    // A new security context beyond the cap: nca_s_proto_error with
    // DID_NOT_EXECUTE in the alter_context leg, then close, as Windows does
    // past its own cap (test_multiple_auth_limit; the cap itself is
    // docs/deviations.md 10).
    case Errc::too_many_auth_contexts:
      return phase == Phase::binding ? nak(RejectReason::local_limit_exceeded)
                                     : fault(st::kNcaProtoError, true, true);
    // CVE-2021-23192: fragments of one call disagree about their context (C3).
    case Errc::auth_context_switched: return fault(st::kNcaProtoError, false, true);
    // A first fragment for the call being reassembled, with a verifier of
    // another security context for the same presentation context: Windows
    // faults DCERPC_FAULT_SEC_PKG_ERROR and closes
    // (test_ntlmssp_multi_auth_first1_firstSame2).
    case Errc::first_fragment_switches_auth: return fault(st::kSecPkgError, false, true);
    // A later fragment without the verifier its call's level requires: a
    // protocol error, then close (test_ntlmssp_multi_auth_first1_lastSameNone).
    case Errc::fragment_verifier_missing: return fault(st::kNcaProtoError, false, true);
    // Samba's dcesrv_call_verify_trailer: access denied, then close.
    case Errc::verification_trailer_mismatch: return fault(st::kAccessDenied, false, true);
    default: return close_connection();
  }
}

// The security layer's errors reach here from request verification: trailer
// geometry is a protocol error; a level, type or context that differs from
// the established one is access denied (test_spnego_*_downgrade_connect);
// a signature or sequence number that does not verify is
// DCERPC_FAULT_SEC_PKG_ERROR, as Windows sends it (raw_protocol
// test_spnego_*_bind_seal and _sign expectations). All close: the RC4 state
// no longer matches the peer's.
Reaction react_security(security::Errc e, Phase phase) {
  using E = security::Errc;
  switch (e) {
    case E::trailer_truncated:
    case E::frag_length_mismatch:
    case E::no_auth_value:
    case E::trailer_outside_body:
    case E::trailer_misaligned:
    case E::auth_pad_too_large:
    case E::auth_reserved_nonzero:
      return malformed(phase, RejectReason::protocol_version_not_supported);
    case E::bad_auth_level:
    case E::auth_level_changed:
    case E::auth_type_changed:
    case E::auth_context_changed:
      return fault(st::kAccessDenied, false, true);
    // test_spnego_privacy_bind_none/_sign: the exchange completed without
    // the SEAL the privacy level needs; Windows refuses the leg that
    // completes it with DCERPC_FAULT_SEC_PKG_ERROR and DID_NOT_EXECUTE.
    case E::feature_not_negotiated:
      return phase == Phase::binding ? nak(RejectReason::reason_not_specified) : fault(st::kSecPkgError, true, true);
    case E::gss_failure:
    case E::gss_no_session_key:
    case E::bad_ntlm_message:
      return phase == Phase::binding ? nak(RejectReason::reason_not_specified) : fault(st::kAccessDenied, true, true);
    default: return fault(st::kSecPkgError, false, true);
  }
}

Reaction react_runtime(Errc e, Phase phase) {
  switch (e) {
    case Errc::request_before_bind: return nak(RejectReason::protocol_version_not_supported);
    case Errc::second_bind: return nak(RejectReason::reason_not_specified);
    case Errc::unexpected_pdu: return phase == Phase::awaiting_bind ? nak(RejectReason::protocol_version_not_supported) : close_connection();
    // Windows: an auth_level the bind cannot mean (none, 0, 7 and up) is
    // reason 0; a well-formed level of an auth type no provider serves is
    // reason 8 (raw_protocol test_auth_none_*_bind).
    case Errc::bad_auth_level: return nak(RejectReason::reason_not_specified);
    case Errc::auth_not_supported:
      return phase == Phase::binding ? nak(RejectReason::authentication_type_not_recognized)
                                     : fault(st::kAccessDenied, true, true);
    // A request that carries a verifier on a connection without a security
    // context: access denied for that call, without DID_NOT_EXECUTE, then
    // the connection closes (test_auth_none_*_request).
    case Errc::auth_without_context: return fault(st::kAccessDenied, false, true);
    // alter_context changing a context, or naming none (test_no_auth_presentation_ctx_invalid4,
    // test_alter_no_auth_no_ctx): a protocol error, DID_NOT_EXECUTE, close.
    case Errc::context_redefined:
    case Errc::no_contexts:
      return phase == Phase::binding ? nak(RejectReason::reason_not_specified) : fault(st::kNcaProtoError, true, true);
    case Errc::unknown_assoc_group: return nak(RejectReason::reason_not_specified);
    case Errc::too_many_assoc_groups: return nak(RejectReason::local_limit_exceeded);
    case Errc::duplicate_feature_negotiation: return nak(RejectReason::reason_not_specified);
    case Errc::assoc_group_mismatch: return fault(st::kNcaProtoError, false, true);
    // Samba 4.17: an unknown context id gets nca_s_unk_if with DID_NOT_EXECUTE
    // and the connection stays; so does an opnum out of range.
    case Errc::unknown_context:
    case Errc::interface_unregistered: return fault(st::kNcaUnknownInterface, true, false);
    case Errc::opnum_out_of_range: return fault(st::kNcaOpRangeError, true, false);
    case Errc::too_many_pending_calls: return fault(st::kNcaServerTooBusy, true, false);
    case Errc::duplicate_call_id: return fault(st::kNcaProtoError, false, true);
    case Errc::remote_caller_refused: return fault(st::kAccessDenied, true, false);
    case Errc::handler_failed: return fault(st::kRpcCallFailed, false, false);
    case Errc::call_timed_out: return fault(st::kNcaServerTooBusy, false, false);
    default: return react_auth(e, phase);
  }
  return close_connection();
}

}  // namespace

Reaction react(const Error& error, Phase phase) noexcept {
  switch (error.domain()) {
    case ErrorDomain::pdu: return react_pdu(error.code_as<pdu::Errc>(), phase);
    case ErrorDomain::frag: return react_frag(error.code_as<FragErrc>());
    case ErrorDomain::runtime: return react_runtime(error.code_as<Errc>(), phase);
    case ErrorDomain::security: return react_security(error.code_as<security::Errc>(), phase);
    case ErrorDomain::ndr:
    case ErrorDomain::base:
      // A stub that does not unmarshal (C7, C8, C10): the call faults with
      // RPC_X_BAD_STUB_DATA (Samba 4.17 sends 0x6f7) and the connection stays.
      if (phase == Phase::in_call) return fault(st::kRpcBadStubData, false, false);
      return malformed(phase, RejectReason::reason_not_specified);
    default: return malformed(phase, RejectReason::reason_not_specified);
  }
}

std::string Reaction::describe() const {
  std::string what;
  switch (kind) {
    case Kind::bind_nak:
      what = fmt::format("bind_nak reason={} ({})", static_cast<unsigned>(nak_reason), pdu::to_string(nak_reason));
      break;
    case Kind::fault: {
      const auto name = pdu::status::name(fault_status);
      what = fmt::format("fault status=0x{:08x}{}{}", fault_status, name.empty() ? "" : fmt::format(" ({})", name),
                         did_not_execute ? " did_not_execute" : "");
      break;
    }
    case Kind::close: return "close";
  }
  return close_after ? what + ", close" : what;
}

}  // namespace rampart::runtime

namespace rampart {
const char* ErrorCodeTraits<runtime::Errc>::name(runtime::Errc e) noexcept {
  using runtime::Errc;
  switch (e) {
    case Errc::request_before_bind: return "request_before_bind";
    case Errc::second_bind: return "second_bind";
    case Errc::unexpected_pdu: return "unexpected_pdu";
    case Errc::auth_not_supported: return "auth_not_supported";
    case Errc::unknown_assoc_group: return "unknown_assoc_group";
    case Errc::assoc_group_mismatch: return "assoc_group_mismatch";
    case Errc::too_many_assoc_groups: return "too_many_assoc_groups";
    case Errc::duplicate_feature_negotiation: return "duplicate_feature_negotiation";
    case Errc::unknown_context: return "unknown_context";
    case Errc::interface_unregistered: return "interface_unregistered";
    case Errc::opnum_out_of_range: return "opnum_out_of_range";
    case Errc::too_many_pending_calls: return "too_many_pending_calls";
    case Errc::duplicate_call_id: return "duplicate_call_id";
    case Errc::remote_caller_refused: return "remote_caller_refused";
    case Errc::handler_failed: return "handler_failed";
    case Errc::call_timed_out: return "call_timed_out";
    case Errc::bad_auth_level: return "bad_auth_level";
    case Errc::auth_without_context: return "auth_without_context";
    case Errc::context_redefined: return "context_redefined";
    case Errc::no_contexts: return "no_contexts";
    case Errc::auth_reauth_alter: return "auth_reauth_alter";
    case Errc::auth_reauth_auth3: return "auth_reauth_auth3";
    case Errc::auth_type_none: return "auth_type_none";
    case Errc::auth_type_mismatch: return "auth_type_mismatch";
    case Errc::auth_level_mismatch: return "auth_level_mismatch";
    case Errc::auth_unfinished: return "auth_unfinished";
    case Errc::auth_invalid: return "auth_invalid";
    case Errc::auth_required: return "auth_required";
    case Errc::auth_step_failed: return "auth_step_failed";
    case Errc::auth_busy: return "auth_busy";
    case Errc::too_many_auth_contexts: return "too_many_auth_contexts";
    case Errc::auth_context_switched: return "auth_context_switched";
    case Errc::first_fragment_switches_auth: return "first_fragment_switches_auth";
    case Errc::fragment_verifier_missing: return "fragment_verifier_missing";
    case Errc::verification_trailer_mismatch: return "verification_trailer_mismatch";
    case Errc::auth_policy_denied: return "auth_policy_denied";
    case Errc::auth_level_unsupported: return "auth_level_unsupported";
  }
  return "unknown";
}
}  // namespace rampart
