// Kerberos protection of whole connection-oriented PDUs ([MS-RPCE]
// 3.3.1.5.2.2, 2.2.2.11/2.2.2.12; [MS-KILE] 3.4.5.4-3.4.5.5) through MIT
// krb5's GSSAPI, for a context established with GSS_C_DCE_STYLE.
//
// Privacy: one gss_wrap_iov call with the auth_value as the HEADER buffer,
// the stub and auth pad as DATA (encrypted in place) and, when header
// signing was negotiated (PFC_SUPPORT_HEADER_SIGN), the header with the
// fixed body and the sec_trailer as SIGN_ONLY buffers around it.
//
//   | header 16 | fixed body | stub | auth pad | sec_trailer 8 | auth_value |
//   |<---- SIGN_ONLY ------->|<--- DATA ---->|<- SIGN_ONLY ->|<- HEADER ->|
//
// Integrity (and packet, handled as integrity): a MIC token (gss_get_mic)
// over the PDU up to the end of the sec_trailer with header signing, over
// stub and auth pad only without it. Windows and Samba compute the same.
//
// Sequence numbers live in the tokens; every token received must be the
// next one: a duplicate, old, early or late token is refused as
// bad_sequence_number even where GSSAPI only reports it as supplementary
// status. After any refusal the protection is failed for good.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "rampart/base/error.hpp"
#include "rampart/security/auth_trailer.hpp"
#include "rampart/security/gss_context.hpp"
#include "rampart/security/ntlm_pdu_protection.hpp"  // EstablishedAuth

namespace rampart::security {

class Krb5Protection {
 public:
  /// `context` must be complete (Kerberos, or SPNEGO that chose Kerberos).
  /// `level` is packet, integrity or privacy; `header_sign` is whether both
  /// sides agreed on PFC_SUPPORT_HEADER_SIGN.
  [[nodiscard]] static Result<Krb5Protection> create(std::shared_ptr<GssContext> context,
                                                     AuthLevel level, bool header_sign);

  /// The auth_length to reserve for a PDU whose stub plus auth pad is
  /// `protected_length` octets (the wrap token's header, or the MIC size).
  [[nodiscard]] Result<std::size_t> auth_length(std::size_t protected_length) const;

  /// Fills the auth_value of an outgoing PDU built with append_auth_trailer
  /// and auth_length(stub + pad); at privacy encrypts stub and pad.
  [[nodiscard]] Result<AuthLayout> protect(std::span<std::uint8_t> pdu, std::size_t stub_offset);

  /// Checks an incoming PDU: geometry (C4), auth_type/level/context against
  /// `established` (C5), the token's checksum and sequence number, and at
  /// privacy that the token really was sealed; decrypts in place.
  [[nodiscard]] Result<AuthLayout> unprotect(std::span<std::uint8_t> pdu, std::size_t stub_offset,
                                             const EstablishedAuth& established);

  [[nodiscard]] AuthLevel level() const noexcept { return level_; }
  [[nodiscard]] bool header_sign() const noexcept { return header_sign_; }
  [[nodiscard]] bool failed() const noexcept { return failed_; }

 private:
  Krb5Protection(std::shared_ptr<GssContext> c, AuthLevel level, bool header_sign) noexcept
      : context_(std::move(c)), level_(level), header_sign_(header_sign) {}

  [[nodiscard]] Result<void> wrap(std::span<std::uint8_t> pdu, const AuthLayout& l);
  [[nodiscard]] Result<void> unwrap(std::span<std::uint8_t> pdu, const AuthLayout& l);
  [[nodiscard]] Result<void> sign(std::span<std::uint8_t> pdu, const AuthLayout& l);
  [[nodiscard]] Result<void> verify(std::span<std::uint8_t> pdu, const AuthLayout& l);

  std::shared_ptr<GssContext> context_;
  AuthLevel level_;
  bool header_sign_;
  bool failed_ = false;
};

}  // namespace rampart::security
