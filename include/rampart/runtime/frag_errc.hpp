// Error codes of the fragment layer (framer, reassembler): docs/hardening.md C1-C3.
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::runtime {

enum class FragErrc : std::uint16_t {
  stream_failed = 1,       // input after the framer already rejected the stream
  unexpected_fragment,     // a non-first fragment with no call being reassembled
  call_in_progress,        // a first fragment while another call is reassembling (no CONC_MPX)
  call_id_mismatch,        // a later fragment carries another call_id
  ptype_mismatch,          // a later fragment is of another PTYPE
  drep_mismatch,           // a later fragment has another data representation
  context_mismatch,        // a later fragment names another presentation context
  opnum_mismatch,          // a later fragment names another operation
  object_mismatch,         // a later fragment has another (or no) object UUID
  auth_mismatch,           // a later fragment changes the auth type, level or context
  stub_too_large,          // reassembled stub above the cap (C2)
  too_many_fragments,      // fragment count above the cap (C2)
  too_many_calls,          // concurrent reassemblies above the cap (C13)
  not_a_fragment,          // a PDU that is neither a request nor a response
  alloc_hint_too_large,    // an unfinished request announces more stub than the cap allows (C2)
};

}  // namespace rampart::runtime

namespace rampart {
template <>
struct ErrorCodeTraits<runtime::FragErrc> {
  static constexpr ErrorDomain domain = ErrorDomain::frag;
  static const char* name(runtime::FragErrc e) noexcept;
};
}  // namespace rampart
