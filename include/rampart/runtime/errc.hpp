// Error codes the association raises itself (C706 12.4, [MS-RPCE] 3.3). The
// fault policy maps each to its reaction.
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::runtime {

enum class Errc : std::uint16_t {
  request_before_bind = 1,       // any PDU but bind on a new connection
  second_bind,                   // exactly one bind per connection
  unexpected_pdu,                // a PTYPE a client never sends to a server
  auth_not_supported,            // an auth verifier before security providers exist
  unknown_assoc_group,           // bind joins a group the server does not know
  assoc_group_mismatch,          // alter_context names another group
  too_many_assoc_groups,         // ServerLimits::max_association_groups reached
  duplicate_feature_negotiation, // more than one bind-time feature context
  unknown_context,               // request names an undefined or rejected context
  interface_unregistered,        // the context's interface went away
  opnum_out_of_range,            // opnum >= the interface's operation count
  too_many_pending_calls,        // ServerLimits::max_pending_calls reached
  duplicate_call_id,             // a call_id that is still pending
  remote_caller_refused,         // C14: interface refuses this transport or peer
  handler_failed,                // a handler threw; the call fails, the server stays up
  call_timed_out,                // a handler exceeded ServerLimits::call_timeout
  bad_auth_level,                // a bind's auth_level is none or outside 1..6
  auth_without_context,          // a request carries a verifier with no security context
  context_redefined,             // alter_context changes a context's abstract or transfer syntax
  no_contexts,                   // alter_context with no presentation context, or one with no syntax
  // Security contexts ([MS-RPCE] 3.3.1.5.2; docs/hardening.md C5, C17)
  auth_reauth_alter,             // alter_context restarts an established security context
  auth_reauth_auth3,             // auth3 for an established security context, or a second auth3
  auth_type_none,                // alter_context carries auth_type 0 (none)
  auth_type_mismatch,            // a leg changes the auth_type of the exchange in progress
  auth_level_mismatch,           // a leg or request changes the auth_level of its context
  auth_unfinished,               // a request before the security context completed
  auth_invalid,                  // a request after the exchange failed (auth3 is never answered)
  auth_required,                 // a request without a verifier where the context protects every PDU
  auth_step_failed,              // the provider refused a token (bad credentials, bad token)
  auth_busy,                     // the provider pool's queue is full (C16)
  too_many_auth_contexts,        // ServerLimits::max_auth_contexts reached
  auth_context_switched,         // a later fragment names another context than the first (CVE-2021-23192)
  first_fragment_switches_auth,  // a first fragment repeats a reassembling call under another context
  fragment_verifier_missing,     // a later fragment lacks the verifier its call's context requires
  verification_trailer_mismatch, // [MS-RPCE] 2.2.2.13 trailer disagrees with the header or context
  auth_policy_denied,            // the authentication policy refuses this call or exchange
  auth_level_unsupported,        // a level the auth_type's provider does not offer (SPNEGO at call)
};

}  // namespace rampart::runtime

namespace rampart {
template <>
struct ErrorCodeTraits<runtime::Errc> {
  static constexpr ErrorDomain domain = ErrorDomain::runtime;
  static const char* name(runtime::Errc e) noexcept;
};
}  // namespace rampart
