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
};

}  // namespace rampart::runtime

namespace rampart {
template <>
struct ErrorCodeTraits<runtime::Errc> {
  static constexpr ErrorDomain domain = ErrorDomain::runtime;
  static const char* name(runtime::Errc e) noexcept;
};
}  // namespace rampart
