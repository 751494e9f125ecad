// NTLM protection of whole connection-oriented PDUs ([MS-RPCE] 3.3.1.5.2.2
// and 2.2.2.11/2.2.2.12): at integrity the stub travels in clear and the
// auth_value carries the signature; at privacy the stub and its auth pad are
// sealed as well.
//
// What the NTLM signature covers: the whole PDU from the first header octet
// to the end of the sec_trailer, whether or not PFC_SUPPORT_HEADER_SIGN was
// negotiated. Windows' and Samba's NTLM providers both sign the header
// unconditionally; header signing changes the coverage only for providers
// whose wrap takes separate SIGN_ONLY buffers (Kerberos: signed_regions()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "rampart/base/error.hpp"
#include "rampart/security/auth_trailer.hpp"
#include "rampart/security/ntlm_sealer.hpp"

namespace rampart::security {

/// The octets a provider must integrity-protect for one PDU. With header
/// signing the header and fixed body are included ([MS-RPCE] 2.2.2.12);
/// without it only stub, auth pad and sec_trailer.
struct SignedRegions {
  std::size_t begin = 0;  // offset of the first signed octet
  std::size_t end = 0;    // one past the sec_trailer (= auth_value_offset)
};
[[nodiscard]] SignedRegions signed_regions(const AuthLayout& layout, bool header_sign) noexcept;

/// Fills the auth_value placeholder of an outgoing PDU (built with
/// append_auth_trailer and auth_length 16) and, at privacy, seals stub+pad.
/// The level comes from the PDU's sec_trailer and must be packet,
/// integrity or privacy, which is what the caller negotiated.
[[nodiscard]] Result<AuthLayout> ntlm_protect_pdu(std::span<std::uint8_t> pdu,
                                                  std::size_t stub_offset, NtlmSealer& sealer);

/// What a security context froze when it completed (HARDENING C5). NTLM
/// negotiated through SPNEGO keeps auth_type 9 on the wire.
struct EstablishedAuth {
  std::uint8_t auth_type = auth_type::kNtlm;
  AuthLevel level = AuthLevel::integrity;
  std::uint32_t context_id = 0;
};

/// Checks an incoming PDU: geometry (C4), the sec_trailer's auth_type and
/// auth_level against the established ones (C5: frozen after the bind), the
/// signature and sequence number, and unseals at privacy. On success the
/// stub at layout.stub_offset is plaintext.
[[nodiscard]] Result<AuthLayout> ntlm_unprotect_pdu(std::span<std::uint8_t> pdu,
                                                    std::size_t stub_offset, NtlmSealer& sealer,
                                                    const EstablishedAuth& established);

/// As ntlm_unprotect_pdu for a later fragment of a call: the sec_trailer's
/// auth_type, auth_level and auth_context_id are not compared (Windows
/// ignores them there); the signature is checked, and the stub unsealed, at
/// the established level.
[[nodiscard]] Result<AuthLayout> ntlm_unprotect_continuation(std::span<std::uint8_t> pdu,
                                                             std::size_t stub_offset, NtlmSealer& sealer,
                                                             const EstablishedAuth& established);

}  // namespace rampart::security
