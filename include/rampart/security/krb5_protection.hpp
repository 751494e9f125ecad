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
//
// The protection borrows the GssContext: whoever holds the SecurityContext
// keeps it alive as long as the protection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "rampart/base/error.hpp"
#include "rampart/security/auth_trailer.hpp"
#include "rampart/security/gss_context.hpp"
#include "rampart/security/security_provider.hpp"

namespace rampart::security {

class Krb5Protection final : public PduProtection {
 public:
  /// `context` must be complete (Kerberos, or SPNEGO that chose Kerberos)
  /// and outlive the protection: it holds the keys and sequence numbers.
  /// The level in `params.established` is packet, integrity or privacy.
  [[nodiscard]] static Result<std::unique_ptr<Krb5Protection>> create(GssContext& context,
                                                                      const ProtectionParams& params);

  const EstablishedAuth& established() const noexcept override { return params_.established; }
  /// The token size for the enctype and level (AES: 28-octet MIC, 60-octet
  /// DCE-style wrap header), independent of the stub length.
  std::size_t signature_length() const noexcept override { return signature_length_; }
  /// MIT wraps an empty stub integrity-only: a shorter token.
  std::size_t signature_length_for(std::size_t protected_length) const override;
  bool header_sign() const noexcept override { return params_.header_sign; }

  /// Fills the auth_value of an outgoing PDU built with append_auth_trailer
  /// and signature_length(); at privacy encrypts stub and pad in place.
  Result<AuthLayout> protect(std::span<std::uint8_t> pdu, std::size_t stub_offset) override;
  /// Checks an incoming PDU: geometry (C4), auth_type/level/context against
  /// established() (C5), the token's checksum and sequence number, and at
  /// privacy that the token really was sealed; decrypts in place.
  Result<AuthLayout> unprotect(std::span<std::uint8_t> pdu, std::size_t stub_offset) override;

  [[nodiscard]] bool failed() const noexcept { return failed_; }

 private:
  Krb5Protection(GssContext& c, const ProtectionParams& p) noexcept : context_(&c), params_(p) {}

  [[nodiscard]] Result<std::size_t> token_length(std::size_t protected_length) const;
  /// A received token of `auth_length` octets where this side's is `own`.
  [[nodiscard]] bool acceptable_length(std::size_t auth_length, std::size_t own) const;
  /// RFC 4121 4.2.6.2 token header (16) + confounder (16) + encrypted
  /// header (16) + the shortest checksum (12, AES).
  static constexpr std::size_t kMinSealedToken = 60;
  [[nodiscard]] AuthLevel level() const noexcept { return params_.established.level; }
  [[nodiscard]] Result<void> wrap(std::span<std::uint8_t> pdu, const AuthLayout& l);
  [[nodiscard]] Result<void> unwrap(std::span<std::uint8_t> pdu, const AuthLayout& l);
  [[nodiscard]] Result<void> sign(std::span<std::uint8_t> pdu, const AuthLayout& l);
  [[nodiscard]] Result<void> verify(std::span<std::uint8_t> pdu, const AuthLayout& l);

  GssContext* context_;
  ProtectionParams params_;
  std::size_t signature_length_ = 0;
  bool failed_ = false;
};

/// The ProtectionFactory for GssMech::kerberos (auth_type 16, or SPNEGO 9).
[[nodiscard]] Result<std::unique_ptr<PduProtection>> make_krb5_protection(
    GssContext& context, const ProtectionParams& params);

/// Kerberos (auth_type 16): acceptor credentials from a keytab
/// (GssCredential::keytab), initiator credentials from a password or the
/// ccache; initiators ask for GSS_C_DCE_STYLE, the three-leg exchange.
/// `principal` is what mgmt inq_princ_name reports ("host/name@REALM").
[[nodiscard]] std::shared_ptr<SecurityProvider> make_kerberos_provider(
    std::shared_ptr<const GssCredential> acceptor, std::shared_ptr<const GssCredential> initiator,
    std::string principal = {});

/// SPNEGO (auth_type 9) for initiators and acceptors that may end up with
/// Kerberos or NTLM: DCE style for the Kerberos legs, each mechanism with
/// its own protection. Impacket and Windows negotiate Kerberos this way.
[[nodiscard]] std::shared_ptr<SecurityProvider> make_spnego_kerberos_provider(
    std::shared_ptr<const GssCredential> acceptor, std::shared_ptr<const GssCredential> initiator,
    std::string principal = {});

}  // namespace rampart::security
