// Error codes of the security layer: message protection ([MS-NLMP] 3.4),
// the auth trailer ([MS-RPCE] 2.2.2.11) and the GSSAPI providers. The fault
// policy in runtime/ maps each to its wire reaction; for a connection with a
// security context every one of them ends in a fault or a closed connection.
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::security {

enum class Errc : std::uint16_t {
  // Primitives and key material
  crypto_unavailable = 1,    // OpenSSL could not provide MD5, HMAC or RC4 (legacy provider)
  bad_session_key,           // the session key is not 16 octets
  sealer_failed,             // a previous verification failed; the RC4 state is unusable
  // [MS-NLMP] 3.4 message verification
  bad_signature_version,     // NTLMSSP_MESSAGE_SIGNATURE.Version != 1
  bad_signature_length,      // the auth_value is not 16 octets
  bad_checksum,              // MAC or CRC32 mismatch (tampered message or signature)
  bad_sequence_number,       // SeqNum is not the one expected (replay, reorder, drop)
  // [MS-RPCE] 2.2.2.11 sec_trailer geometry (HARDENING C4)
  trailer_truncated,         // fewer octets than the header, sec_trailer and auth_value need
  frag_length_mismatch,      // frag_length disagrees with the bytes given
  no_auth_value,             // auth_length is 0 where protection is required
  trailer_outside_body,      // the sec_trailer reaches into the header or fixed body
  trailer_misaligned,        // the sec_trailer is not 4-octet aligned
  auth_pad_too_large,        // auth_pad_length > 15 or larger than the stub
  auth_reserved_nonzero,     // auth_reserved is not 0
  bad_auth_level,            // auth_level outside 1..6, or below what the call needs
  // HARDENING C5: frozen once established
  auth_level_changed,        // auth_level differs from the established context's
  auth_type_changed,         // auth_type differs from the established context's
  auth_context_changed,      // auth_context_id differs from the established context's
  // GSSAPI providers
  gss_failure,               // a GSSAPI call failed (bad credentials, bad token, ...)
  gss_no_session_key,        // the mechanism did not expose a 16-octet session key
  bad_ntlm_message,          // an NTLMSSP token is not a well-formed AUTHENTICATE message
  feature_not_negotiated,    // the exchange settled without the SEAL the privacy level needs
};

}  // namespace rampart::security

namespace rampart {
template <>
struct ErrorCodeTraits<security::Errc> {
  static constexpr ErrorDomain domain = ErrorDomain::security;
  static const char* name(security::Errc e) noexcept;
};
}  // namespace rampart
