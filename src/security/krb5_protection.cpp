#include "rampart/security/krb5_protection.hpp"

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include <array>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

gss_ctx_id_t native(const GssContext& c) { return static_cast<gss_ctx_id_t>(c.native_handle()); }

gss_buffer_desc buffer_of(std::span<std::uint8_t> s) { return {s.size(), s.data()}; }

gss_iov_buffer_desc iov(OM_uint32 type, std::span<std::uint8_t> s) {
  // An empty SIGN_ONLY region is passed as EMPTY, as GSSAPI expects.
  if (s.empty() && type != GSS_IOV_BUFFER_TYPE_HEADER) return {GSS_IOV_BUFFER_TYPE_EMPTY, {0, nullptr}};
  return {type, buffer_of(s)};
}

// RFC 2743 1.2.3: replay and sequencing problems come back as supplementary
// bits beside GSS_S_COMPLETE. An RPC connection is an ordered stream
// ([MS-RPCE] 3.3.1.5.2.2), so every one of them is a refusal.
constexpr OM_uint32 kSequenceProblems =
    GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN | GSS_S_UNSEQ_TOKEN | GSS_S_GAP_TOKEN;

Result<void> check_received(OM_uint32 major, std::size_t offset) {
  if (GSS_ROUTINE_ERROR(major) == GSS_S_BAD_SIG || GSS_ROUTINE_ERROR(major) == GSS_S_DEFECTIVE_TOKEN) {
    return fail(Errc::bad_checksum, "Kerberos token does not verify", offset);
  }
  if (GSS_ERROR(major)) return fail(Errc::gss_failure, "Kerberos token refused", offset);
  if ((major & kSequenceProblems) != 0) {
    return fail(Errc::bad_sequence_number, "Kerberos token out of sequence (replay, drop or reorder)",
                offset);
  }
  return {};
}

bool valid_level(AuthLevel l) {
  return l == AuthLevel::packet || l == AuthLevel::integrity || l == AuthLevel::privacy;
}

// The three parts of the PDU around the protected data (see the header).
struct Parts {
  std::span<std::uint8_t> before;   // header + fixed body
  std::span<std::uint8_t> data;     // stub + auth pad
  std::span<std::uint8_t> trailer;  // sec_trailer
  std::span<std::uint8_t> token;    // auth_value
};

Parts parts_of(std::span<std::uint8_t> pdu, const AuthLayout& l) {
  return {pdu.first(l.stub_offset), pdu.subspan(l.stub_offset, l.stub_length + l.pad_length),
          pdu.subspan(l.trailer_offset, kSecTrailerSize),
          pdu.subspan(l.auth_value_offset, l.auth_length)};
}

}  // namespace

Result<std::unique_ptr<Krb5Protection>> Krb5Protection::create(GssContext& context,
                                                               const ProtectionParams& params) {
  if (!context.complete() || context.native_handle() == nullptr) {
    return fail(Errc::gss_failure, "Kerberos protection needs a complete security context");
  }
  if (!valid_level(params.established.level)) {
    return fail(Errc::bad_auth_level, "auth_level carries no per-PDU protection");
  }
  std::unique_ptr<Krb5Protection> p(new Krb5Protection(context, params));
  // AES (RFC 3962, RFC 4121) tokens do not depend on the data length; the
  // stub plus pad is a multiple of 16 in any case ([MS-RPCE] 2.2.2.11).
  p->signature_length_ = RAMPART_TRY(p->token_length(kAuthPadAlignment));
  return p;
}

Result<std::size_t> Krb5Protection::token_length(std::size_t protected_length) const {
  OM_uint32 minor = 0;
  if (level() == AuthLevel::privacy) {
    // With DCE style the whole token (header, confounder, checksum and any
    // padding) is the HEADER buffer: there is no separate trailer.
    std::array<gss_iov_buffer_desc, 2> v{{{GSS_IOV_BUFFER_TYPE_HEADER, {0, nullptr}},
                                          {GSS_IOV_BUFFER_TYPE_DATA, {protected_length, nullptr}}}};
    // An empty DATA buffer is wrapped integrity-only (see wrap), and
    // gss_wrap_iov_length must be asked for that form explicitly.
    const int want_conf = protected_length != 0 ? 1 : 0;
    int conf = 0;
    const OM_uint32 major = gss_wrap_iov_length(&minor, native(*context_), want_conf,
                                                GSS_C_QOP_DEFAULT, &conf, v.data(), v.size());
    if (GSS_ERROR(major) || conf != want_conf) {
      return fail(Errc::gss_failure, "gss_wrap_iov_length failed");
    }
    return v[0].buffer.length;
  }
  std::array<gss_iov_buffer_desc, 1> v{{{GSS_IOV_BUFFER_TYPE_MIC_TOKEN, {0, nullptr}}}};
  const OM_uint32 major =
      gss_get_mic_iov_length(&minor, native(*context_), GSS_C_QOP_DEFAULT, v.data(), v.size());
  if (GSS_ERROR(major)) return fail(Errc::gss_failure, "gss_get_mic_iov_length failed");
  return v[0].buffer.length;
}

std::size_t Krb5Protection::signature_length_for(std::size_t protected_length) const {
  if (protected_length != 0) return signature_length_;
  auto n = token_length(0);
  return n ? *n : signature_length_;
}

bool Krb5Protection::acceptable_length(std::size_t auth_length, std::size_t own) const {
  if (auth_length == own) return true;
  // RFC 4121 4.2.4: a sealed token names its filler length (EC) in its
  // header, and MIT's unwrap reads it from there. MIT and Windows send
  // EC = 16 for AES (76 octets), Impacket EC = 0 (60 octets), and for an
  // empty stub MIT sends an unsealed token where Impacket seals nothing: any
  // privacy token up to this side's sealed size is handed to
  // gss_unwrap_iov, which decides. A MIC has no filler, so integrity keeps
  // the exact size.
  return level() == AuthLevel::privacy && auth_length >= kMinSealedToken && auth_length <= signature_length_;
}

Result<AuthLayout> Krb5Protection::protect(std::span<std::uint8_t> pdu, std::size_t stub_offset) {
  if (failed_) return fail(Errc::sealer_failed, "Kerberos protection failed earlier");
  const AuthLayout l = RAMPART_TRY(locate_auth_trailer(pdu, stub_offset));
  if (static_cast<AuthLevel>(l.trailer.auth_level) != level()) {
    return fail(Errc::bad_auth_level, "PDU built for another auth_level", l.trailer_offset + 1);
  }
  const std::size_t want = RAMPART_TRY(token_length(l.stub_length + l.pad_length));
  if (l.auth_length != want) {
    return fail(Errc::bad_signature_length, "auth_length is not the Kerberos token size", 10);
  }
  auto r = level() == AuthLevel::privacy ? wrap(pdu, l) : sign(pdu, l);
  if (!r) {
    failed_ = true;
    return std::unexpected(r.error());
  }
  return l;
}

Result<AuthLayout> Krb5Protection::unprotect(std::span<std::uint8_t> pdu, std::size_t stub_offset) {
  if (failed_) return fail(Errc::sealer_failed, "Kerberos protection failed earlier");
  const EstablishedAuth& est = params_.established;
  auto r = [&]() -> Result<AuthLayout> {
    const AuthLayout l = RAMPART_TRY(locate_auth_trailer(pdu, stub_offset));
    if (l.trailer.auth_type != est.auth_type) {
      return fail(Errc::auth_type_changed, "auth_type differs from the established context",
                  l.trailer_offset);
    }
    if (static_cast<AuthLevel>(l.trailer.auth_level) != est.level) {
      return fail(Errc::auth_level_changed, "auth_level differs from the established one",
                  l.trailer_offset + 1);
    }
    if (l.trailer.auth_context_id != est.context_id) {
      return fail(Errc::auth_context_changed, "auth_context_id differs from the established one",
                  l.trailer_offset + 4);
    }
    const std::size_t want = RAMPART_TRY(token_length(l.stub_length + l.pad_length));
    if (!acceptable_length(l.auth_length, want)) {
      return fail(Errc::bad_signature_length, "auth_length is not the Kerberos token size", 10);
    }
    RAMPART_CHECK(level() == AuthLevel::privacy ? unwrap(pdu, l) : verify(pdu, l));
    return l;
  }();
  if (!r) failed_ = true;
  return r;
}

Result<void> Krb5Protection::wrap(std::span<std::uint8_t> pdu, const AuthLayout& l) {
  const Parts p = parts_of(pdu, l);
  std::array<gss_iov_buffer_desc, 4> v{
      iov(GSS_IOV_BUFFER_TYPE_HEADER, p.token),
      iov(GSS_IOV_BUFFER_TYPE_SIGN_ONLY, params_.header_sign ? p.before : std::span<std::uint8_t>{}),
      iov(GSS_IOV_BUFFER_TYPE_DATA, p.data),
      iov(GSS_IOV_BUFFER_TYPE_SIGN_ONLY, params_.header_sign ? p.trailer : std::span<std::uint8_t>{})};
  OM_uint32 minor = 0;
  int conf = 0;
  const OM_uint32 major =
      gss_wrap_iov(&minor, native(*context_), 1, GSS_C_QOP_DEFAULT, &conf, v.data(), v.size());
  if (GSS_ERROR(major)) return fail(Errc::gss_failure, "gss_wrap_iov failed");
  // MIT wraps a token without DATA octets as integrity-only (there is
  // nothing to conceal: an empty stub, as in mgmt inq_if_ids); any other
  // unsealed token is a failure.
  if (conf == 0 && !p.data.empty()) return fail(Errc::gss_failure, "gss_wrap_iov did not encrypt");
  if (v[0].buffer.length != p.token.size()) {
    return fail(Errc::bad_signature_length, "gss_wrap_iov changed the token size");
  }
  return {};
}

Result<void> Krb5Protection::unwrap(std::span<std::uint8_t> pdu, const AuthLayout& l) {
  const Parts p = parts_of(pdu, l);
  std::array<gss_iov_buffer_desc, 4> v{
      iov(GSS_IOV_BUFFER_TYPE_HEADER, p.token),
      iov(GSS_IOV_BUFFER_TYPE_SIGN_ONLY, params_.header_sign ? p.before : std::span<std::uint8_t>{}),
      iov(GSS_IOV_BUFFER_TYPE_DATA, p.data),
      iov(GSS_IOV_BUFFER_TYPE_SIGN_ONLY, params_.header_sign ? p.trailer : std::span<std::uint8_t>{})};
  OM_uint32 minor = 0;
  int conf = 0;
  gss_qop_t qop = 0;
  const OM_uint32 major = gss_unwrap_iov(&minor, native(*context_), &conf, &qop, v.data(), v.size());
  RAMPART_CHECK(check_received(major, l.auth_value_offset));
  // A token that verifies but was only signed is a downgrade from privacy.
  // (An empty stub has nothing to seal; see wrap.)
  if (conf == 0 && !p.data.empty()) {
    return fail(Errc::bad_auth_level, "privacy PDU whose token is not sealed", l.auth_value_offset);
  }
  return {};
}

Result<void> Krb5Protection::sign(std::span<std::uint8_t> pdu, const AuthLayout& l) {
  const Parts p = parts_of(pdu, l);
  const auto covered = params_.header_sign ? pdu.first(l.auth_value_offset) : p.data;
  gss_buffer_desc msg = buffer_of(covered);
  gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
  OM_uint32 minor = 0;
  const OM_uint32 major = gss_get_mic(&minor, native(*context_), GSS_C_QOP_DEFAULT, &msg, &mic);
  if (GSS_ERROR(major)) return fail(Errc::gss_failure, "gss_get_mic failed");
  const bool fits = mic.length == p.token.size();
  if (fits) std::copy_n(static_cast<const std::uint8_t*>(mic.value), mic.length, p.token.begin());
  gss_release_buffer(&minor, &mic);
  if (!fits) return fail(Errc::bad_signature_length, "gss_get_mic returned another size");
  return {};
}

Result<void> Krb5Protection::verify(std::span<std::uint8_t> pdu, const AuthLayout& l) {
  const Parts p = parts_of(pdu, l);
  const auto covered = params_.header_sign ? pdu.first(l.auth_value_offset) : p.data;
  gss_buffer_desc msg = buffer_of(covered);
  gss_buffer_desc mic = buffer_of(p.token);
  OM_uint32 minor = 0;
  gss_qop_t qop = 0;
  const OM_uint32 major = gss_verify_mic(&minor, native(*context_), &msg, &mic, &qop);
  return check_received(major, l.auth_value_offset);
}

Result<std::unique_ptr<PduProtection>> make_krb5_protection(GssContext& context,
                                                            const ProtectionParams& params) {
  auto p = RAMPART_TRY(Krb5Protection::create(context, params));
  return std::unique_ptr<PduProtection>(std::move(p));
}

std::shared_ptr<SecurityProvider> make_kerberos_provider(
    std::shared_ptr<const GssCredential> acceptor, std::shared_ptr<const GssCredential> initiator,
    std::string principal) {
  GssProviderConfig c;
  c.auth_type = auth_type::kKerberos;
  c.mech = GssMech::kerberos;
  c.name = "Kerberos";
  c.principal = std::move(principal);
  c.acceptor_cred = std::move(acceptor);
  c.initiator_cred = std::move(initiator);
  c.dce_style = true;  // [MS-RPCE] 3.3.1.5.2: AP-REQ, AP-REP, AP-REP
  c.protections[GssMech::kerberos] = &make_krb5_protection;
  return make_gss_provider(std::move(c));
}

std::shared_ptr<SecurityProvider> make_spnego_kerberos_provider(
    std::shared_ptr<const GssCredential> acceptor, std::shared_ptr<const GssCredential> initiator,
    std::string principal) {
  GssProviderConfig c;
  c.auth_type = auth_type::kSpnego;
  c.mech = GssMech::spnego;
  c.name = "SPNEGO";
  c.principal = std::move(principal);
  c.acceptor_cred = std::move(acceptor);
  c.initiator_cred = std::move(initiator);
  c.dce_style = true;
  c.protections[GssMech::kerberos] = &make_krb5_protection;
  c.protections[GssMech::ntlm] = &make_ntlm_protection;
  return make_gss_provider(std::move(c));
}

}  // namespace rampart::security
