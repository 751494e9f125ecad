#include "hardening_class.hpp"

#include "rampart/base/drep.hpp"
#include "rampart/ndr/errc.hpp"
#include "rampart/pdu/errc.hpp"
#include "rampart/runtime/errc.hpp"
#include "rampart/runtime/frag_errc.hpp"
#include "rampart/security/errc.hpp"

namespace rampartd {
namespace {

namespace pdu = rampart::pdu;
namespace ndr = rampart::ndr;
namespace security = rampart::security;
using rampart::BaseErrc;
using rampart::ErrorDomain;
using rampart::runtime::Errc;
using rampart::runtime::FragErrc;

constexpr std::string_view kNone = "none";

std::string_view pdu_class(pdu::Errc e) noexcept {
  using E = pdu::Errc;
  switch (e) {
    case E::auth_length_too_large:
    case E::auth_trailer_misaligned:
    case E::auth_pad_too_large:
    case E::auth_value_too_large: return "C4";  // [MS-RPCE] 2.2.2.11
    case E::auth_required: return "C5";
    case E::no_context_elements:
    case E::no_transfer_syntaxes:
    case E::bad_context_result: return "C6";  // C706 12.6.3.1
    case E::bad_secondary_address: return "C8";
    case E::bad_verification_trailer: return "C9";  // [MS-RPCE] 2.2.2.13
    case E::rts_too_many_commands: return "C13";
    default: return "C1";  // the common header and framing (C706 12.6.1)
  }
}

std::string_view frag_class(FragErrc e) noexcept {
  switch (e) {
    case FragErrc::stub_too_large:
    case FragErrc::too_many_fragments: return "C2";
    case FragErrc::too_many_calls: return "C13";
    case FragErrc::stream_failed: return "C1";
    default: return "C3";  // a later fragment disagrees with its first
  }
}

std::string_view runtime_class(Errc e) noexcept {
  switch (e) {
    case Errc::request_before_bind:
    case Errc::unexpected_pdu: return "C1";  // a PTYPE illegal in the connection's state
    case Errc::second_bind:
    case Errc::unknown_assoc_group:
    case Errc::assoc_group_mismatch:
    case Errc::duplicate_feature_negotiation:
    case Errc::unknown_context:
    case Errc::interface_unregistered:
    case Errc::context_redefined:
    case Errc::no_contexts: return "C6";
    case Errc::auth_not_supported:
    case Errc::bad_auth_level:
    case Errc::auth_without_context:
    case Errc::auth_type_none:
    case Errc::auth_type_mismatch:
    case Errc::auth_level_mismatch:
    case Errc::auth_context_switched:
    case Errc::first_fragment_switches_auth:
    case Errc::fragment_verifier_missing:
    case Errc::auth_required:
    case Errc::auth_unfinished:
    case Errc::auth_level_unsupported: return "C5";
    case Errc::auth_reauth_alter:
    case Errc::auth_reauth_auth3:
    case Errc::auth_invalid:
    case Errc::auth_step_failed:
    case Errc::auth_busy:
    case Errc::too_many_auth_contexts: return "C17";  // security exchanges
    case Errc::verification_trailer_mismatch: return "C9";  // [MS-RPCE] 2.2.2.13
    case Errc::auth_policy_denied: return kNone;  // the administrator's policy, not malformed input
    case Errc::too_many_assoc_groups:
    case Errc::too_many_pending_calls: return "C13";
    case Errc::duplicate_call_id: return "C3";
    case Errc::remote_caller_refused: return "C14";
    case Errc::call_timed_out: return "C16";
    case Errc::opnum_out_of_range:
    case Errc::handler_failed: return kNone;
  }
  return kNone;
}

std::string_view ndr_class(ndr::Errc e) noexcept {
  using E = ndr::Errc;
  switch (e) {
    case E::conformance_mismatch:
    case E::variance_offset_nonzero:
    case E::actual_exceeds_max:
    case E::length_mismatch:
    case E::switch_mismatch: return "C7";
    case E::string_not_terminated:
    case E::string_embedded_nul:
    case E::string_too_long: return "C8";
    case E::count_exceeds_remaining: return "C11";
    case E::depth_exceeded: return "C12";
    case E::count_exceeds_limit:
    case E::allocation_limit:
    case E::pointer_limit: return "C13";
    case E::bad_referent_id: return "C15";
    default: return "C10";  // stub data that does not unmarshal (null [ref], unknown arm, trailing octets)
  }
}

std::string_view security_class(security::Errc e) noexcept {
  using E = security::Errc;
  switch (e) {
    case E::trailer_truncated:
    case E::frag_length_mismatch:
    case E::no_auth_value:
    case E::trailer_outside_body:
    case E::trailer_misaligned:
    case E::auth_pad_too_large:
    case E::auth_reserved_nonzero: return "C4";
    default: return "C5";
  }
}

}  // namespace

std::string_view hardening_class(const rampart::Error& error) noexcept {
  switch (error.domain()) {
    case ErrorDomain::pdu: return pdu_class(error.code_as<pdu::Errc>());
    case ErrorDomain::frag: return frag_class(error.code_as<FragErrc>());
    case ErrorDomain::runtime: return runtime_class(error.code_as<Errc>());
    case ErrorDomain::ndr: return ndr_class(error.code_as<ndr::Errc>());
    case ErrorDomain::security: return security_class(error.code_as<security::Errc>());
    case ErrorDomain::base:
      // A field that runs past its data is a truncated stub (C10); an
      // illegal data representation label, a header fault (C1).
      if (error.is(BaseErrc::truncated)) return "C10";
      if (error.is(BaseErrc::bad_drep) || error.is(BaseErrc::unsupported_drep)) return "C1";
      if (error.is(BaseErrc::overflow)) return "C2";
      return kNone;
    default: return kNone;
  }
}

}  // namespace rampartd
