// Error codes of the PDU layer: one per validation rule. The fault policy in
// runtime/ maps each to the wire reaction (bind_nak reason, fault, close).
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::pdu {

enum class Errc : std::uint16_t {
  // C1 framing and the common header (C706 12.6.1)
  bad_rpc_version = 1,         // rpc_vers != 5
  bad_rpc_version_minor,       // rpc_vers_minor != 0 for CO PDUs
  bad_drep,                    // not a legal data representation label
  unknown_ptype,               // PTYPE not a connection-oriented PDU type
  bad_pfc_flags,               // flags outside the set the PTYPE allows
  frag_length_too_small,       // below the header or the PTYPE minimum
  frag_length_too_large,       // above the PTYPE maximum or the negotiated size
  frag_length_mismatch,        // frag_length disagrees with the bytes given
  truncated_body,              // a body field runs past frag_length
  trailing_bytes,              // bytes left over in a PDU with a fixed layout
  // C4 auth trailer geometry ([MS-RPCE] 2.2.2.11)
  auth_length_too_large,       // auth_length + sec_trailer exceed the body
  auth_trailer_misaligned,     // sec_trailer not 4-byte aligned in the PDU
  auth_pad_too_large,          // auth_pad_length exceeds the stub before it
  auth_value_too_large,        // auth_length above DecodeLimits::max_auth_length
  auth_required,               // auth3 without an auth verifier
  // C6 presentation contexts (C706 12.6.3.1)
  no_context_elements,         // n_context_elem == 0
  no_transfer_syntaxes,        // n_transfer_syn == 0
  bad_context_result,          // a p_result_t result code above negotiate_ack
  // bodies
  bad_secondary_address,       // bind_ack port_spec not NUL-terminated / too long
  bad_verification_trailer,    // [MS-RPCE] 2.2.2.13 structure violated
  rts_too_many_commands,       // RTS command count above the limit
};

}  // namespace rampart::pdu

namespace rampart {
template <>
struct ErrorCodeTraits<pdu::Errc> {
  static constexpr ErrorDomain domain = ErrorDomain::pdu;
  static const char* name(pdu::Errc e) noexcept;
};
}  // namespace rampart
