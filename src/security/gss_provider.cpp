// GSSAPI-backed SecurityProvider: NTLMSSP (10), SPNEGO (9) and, through a
// ProtectionFactory, Kerberos (16). See security_provider.hpp.
#include <algorithm>
#include <utility>

#include "rampart/security/errc.hpp"
#include "rampart/security/ntlm_sealer.hpp"
#include "rampart/security/security_provider.hpp"
#include "rampart/security/spnego_token.hpp"

namespace rampart::security {
namespace {

// Little-endian fields of an AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3).
std::uint32_t le16(ByteSpan t, std::size_t at) { return t[at] | (t[at + 1] << 8); }
std::uint32_t le32(ByteSpan t, std::size_t at) { return le16(t, at) | (le16(t, at + 2) << 16); }

// The privacy level needs NTLM's SEAL in the flags the AUTHENTICATE message
// settled on; a client that did not negotiate it is refused when the
// exchange completes, as Windows does (raw_protocol
// test_spnego_privacy_bind_none/_sign: DCERPC_FAULT_SEC_PKG_ERROR on the
// last leg). Without SIGN the packet and integrity levels still complete
// (test_spnego_integrity_bind_none): every request is then verified with
// the session keys all the same, so an unsigned one is refused
// (DCERPC_FAULT_SEC_PKG_ERROR), never accepted with a dummy signature.
Result<void> check_ntlm_features(std::uint32_t flags, AuthLevel level) {
  if (level == AuthLevel::privacy && (flags & ntlm_flag::kSeal) == 0)
    return fail(Errc::feature_not_negotiated, "NTLM exchange without SEAL for the privacy level");
  return {};
}

class NtlmProtection final : public PduProtection {
 public:
  NtlmProtection(NtlmSealer sealer, const ProtectionParams& p)
      : sealer_(std::move(sealer)), params_(p) {}

  const EstablishedAuth& established() const noexcept override { return params_.established; }
  std::size_t signature_length() const noexcept override { return kNtlmSignatureSize; }
  bool header_sign() const noexcept override { return params_.header_sign; }

  Result<AuthLayout> protect(std::span<std::uint8_t> pdu, std::size_t stub_offset) override {
    return ntlm_protect_pdu(pdu, stub_offset, sealer_);
  }
  Result<AuthLayout> unprotect(std::span<std::uint8_t> pdu, std::size_t stub_offset) override {
    return ntlm_unprotect_pdu(pdu, stub_offset, sealer_, params_.established);
  }
  Result<AuthLayout> unprotect_continuation(std::span<std::uint8_t> pdu, std::size_t stub_offset) override {
    return ntlm_unprotect_continuation(pdu, stub_offset, sealer_, params_.established);
  }

 private:
  NtlmSealer sealer_;
  ProtectionParams params_;
};

// RFC 4178 4.2.2 negTokenResp { negState accept-completed }: SPNEGO's last
// token when the inner mechanism finished without one of its own.
constexpr std::uint8_t kSpnegoAcceptCompleted[] = {0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00};

class GssSecurityContext final : public SecurityContext {
 public:
  GssSecurityContext(GssContext ctx, const GssProviderConfig& c, bool acceptor)
      : ctx_(std::move(ctx)),
        protections_(c.protections),
        outer_(c.mech),
        anonymous_allowed_(acceptor && c.allow_anonymous) {}

  Result<StepResult> step(ByteSpan input) override {
    if (anonymous_) return fail(Errc::gss_failure, "security context already complete");
    if (anonymous_allowed_ && steps_ > 0 && anonymous_logon(input)) {
      // gss-ntlmssp 1.2 refuses the anonymous logon; it needs no
      // verification (there is no secret), so it completes here.
      anonymous_ = true;
      anonymous_auth_ = outer_ == GssMech::spnego ? *spnego_inner_token(input)
                                                  : std::vector<std::uint8_t>(input.begin(), input.end());
      StepResult done{StepStatus::complete, {}};
      if (outer_ == GssMech::spnego) {
        done.output.assign(std::begin(kSpnegoAcceptCompleted), std::end(kSpnegoAcceptCompleted));
      }
      return done;
    }
    ++steps_;
    std::vector<std::uint8_t> padded;
    if (anonymous_allowed_ && steps_ == 1 && outer_ == GssMech::ntlm && short_negotiate(input)) {
      // [MS-NLMP] 2.2.1.1: the Version field is present only with
      // NEGOTIATE_VERSION, so a 32-octet NEGOTIATE (Impacket's) is valid;
      // gss-ntlmssp 1.2 decodes only 40 octets and more. Eight zero
      // octets stand for the absent Version, which nothing reads.
      padded.assign(input.begin(), input.end());
      padded.resize(kNegotiateWithVersion, 0);
      input = padded;
    }
    GssStep s = RAMPART_TRY(ctx_.step(input));
    return StepResult{s.complete ? StepStatus::complete : StepStatus::continue_needed,
                      std::move(s.output)};
  }
  bool complete() const noexcept override { return anonymous_ || ctx_.complete(); }
  std::string peer_name() const override { return anonymous_ ? kAnonymousLogon : ctx_.source_name(); }
  GssMech mech() const noexcept override { return anonymous_ ? GssMech::ntlm : ctx_.actual_mech(); }
  std::string last_status() const override { return ctx_.last_status(); }

  Result<std::unique_ptr<PduProtection>> protection(const ProtectionParams& params) override {
    if (anonymous_) return anonymous_protection(params);
    if (!ctx_.complete()) return fail(Errc::gss_failure, "security context not complete");
    GssMech m = ctx_.actual_mech();
    // gss-ntlmssp's own contexts report no mechanism on some paths; a
    // context whose credential is NTLM-only is NTLM.
    if (m == GssMech::any && protections_.size() == 1) m = protections_.begin()->first;
    const auto it = protections_.find(m);
    if (it == protections_.end()) {
      return fail(Errc::gss_failure, "no message protection for the negotiated mechanism");
    }
    return it->second(ctx_, params);
  }

 private:
  // [MS-NLMP] 3.3.1: the anonymous logon's SessionBaseKey is Z(16); without
  // extended session security (Samba's and Windows' anonymous clients do
  // not negotiate it) KeyExchangeKey is the same, and with KEY_EXCH the
  // exported key is RC4(KeyExchangeKey, EncryptedRandomSessionKey) (3.2.5.1.2).
  Result<std::unique_ptr<PduProtection>> anonymous_protection(const ProtectionParams& params) const {
    const ByteSpan t = anonymous_auth_;
    if (t.size() < 64) return fail(Errc::bad_ntlm_message, "AUTHENTICATE too short for its flags");
    const std::uint32_t flags = le32(t, 60);
    if ((flags & ntlm_flag::kExtendedSessionSecurity) != 0)
      return fail(Errc::gss_no_session_key, "anonymous logon with extended session security has no key");
    Bytes16 key{};
    if ((flags & ntlm_flag::kKeyExch) != 0) {
      const std::uint32_t len = le16(t, 52);
      const std::uint32_t off = le32(t, 56);
      if (len != 16 || off > t.size() || t.size() - off < 16)
        return fail(Errc::bad_ntlm_message, "EncryptedRandomSessionKey missing");
      std::copy_n(t.begin() + off, 16, key.begin());
      const Bytes16 zero{};
      Rc4 rc4 = RAMPART_TRY(Rc4::create(zero));
      RAMPART_CHECK(rc4.apply(key));
    }
    RAMPART_CHECK(check_ntlm_features(flags, params.established.level));
    const NtlmRole role = params.role == Role::acceptor ? NtlmRole::server : NtlmRole::client;
    NtlmSealer sealer = RAMPART_TRY(NtlmSealer::create(key, flags, role));
    return std::unique_ptr<PduProtection>(new NtlmProtection(std::move(sealer), params));
  }

  static constexpr std::size_t kNegotiateWithVersion = 40;
  static bool short_negotiate(ByteSpan t) {
    static constexpr std::uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
    return t.size() == 32 && std::equal(std::begin(kSignature), std::end(kSignature), t.begin()) && le32(t, 8) == 1;
  }

  bool anonymous_logon(ByteSpan input) const {
    if (outer_ == GssMech::ntlm) return is_anonymous_ntlm_authenticate(input);
    if (outer_ != GssMech::spnego) return false;
    auto inner = spnego_inner_token(input);
    return inner && is_anonymous_ntlm_authenticate(*inner);
  }

  GssContext ctx_;
  // A copy: a context may outlive its provider across a configuration reload.
  std::map<GssMech, ProtectionFactory> protections_;
  GssMech outer_;
  bool anonymous_allowed_;
  bool anonymous_ = false;
  std::vector<std::uint8_t> anonymous_auth_;  // the anonymous AUTHENTICATE message
  int steps_ = 0;
};

class GssProvider final : public SecurityProvider {
 public:
  explicit GssProvider(GssProviderConfig c) : c_(std::move(c)) {}

  std::uint8_t auth_type() const noexcept override { return c_.auth_type; }
  std::string name() const override { return c_.name; }
  std::string principal() const override { return c_.principal; }

  Result<std::unique_ptr<SecurityContext>> new_acceptor() override {
    if (!c_.acceptor_cred) return fail(Errc::gss_failure, "provider has no acceptor credential");
    return wrap(GssContext::acceptor(c_.acceptor_cred), true);
  }
  Result<std::unique_ptr<SecurityContext>> new_initiator(const std::string& target,
                                                         AuthLevel level) override {
    if (!c_.initiator_cred) return fail(Errc::gss_failure, "provider has no initiator credential");
    GssContext ctx =
        RAMPART_TRY(GssContext::initiator(c_.initiator_cred, target, level == AuthLevel::privacy, c_.dce_style));
    return wrap(std::move(ctx), false);
  }

 private:
  std::unique_ptr<SecurityContext> wrap(GssContext ctx, bool acceptor) {
    return std::make_unique<GssSecurityContext>(std::move(ctx), c_, acceptor);
  }
  GssProviderConfig c_;
};

}  // namespace

bool is_anonymous_ntlm_authenticate(ByteSpan t) {
  static constexpr std::uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  // Signature, MessageType 3, and the fields up to UserNameFields.
  if (t.size() < 44 || !std::equal(std::begin(kSignature), std::end(kSignature), t.begin())) return false;
  if (le32(t, 8) != 3) return false;
  const std::uint32_t lm_len = le16(t, 12);
  const std::uint32_t lm_off = le32(t, 16);
  const std::uint32_t nt_len = le16(t, 20);
  const std::uint32_t user_len = le16(t, 36);
  if (nt_len != 0 || user_len != 0) return false;
  if (lm_len == 0) return true;
  return lm_len == 1 && lm_off < t.size() && t[lm_off] == 0;
}

Result<std::unique_ptr<PduProtection>> make_ntlm_protection(GssContext& context,
                                                            const ProtectionParams& params) {
  const Bytes16 key = RAMPART_TRY(context.session_key());
  const auto flags = context.ntlm_flags();
  if (!flags) return fail(Errc::bad_ntlm_message, "no AUTHENTICATE flags seen for the context");
  RAMPART_CHECK(check_ntlm_features(*flags, params.established.level));
  const NtlmRole role = params.role == Role::acceptor ? NtlmRole::server : NtlmRole::client;
  NtlmSealer sealer = RAMPART_TRY(NtlmSealer::create(key, *flags, role));
  sealer.continue_sequences(context.mech_list_mics_sent(), context.mech_list_mics_received());
  return std::unique_ptr<PduProtection>(new NtlmProtection(std::move(sealer), params));
}

std::shared_ptr<SecurityProvider> make_gss_provider(GssProviderConfig config) {
  return std::make_shared<GssProvider>(std::move(config));
}

std::shared_ptr<SecurityProvider> make_ntlm_provider(
    std::shared_ptr<const GssCredential> acceptor, std::shared_ptr<const GssCredential> initiator,
    std::string principal) {
  GssProviderConfig c;
  c.auth_type = auth_type::kNtlm;
  c.mech = GssMech::ntlm;
  c.name = "NTLMSSP";
  c.principal = std::move(principal);
  c.acceptor_cred = std::move(acceptor);
  c.initiator_cred = std::move(initiator);
  c.protections[GssMech::ntlm] = &make_ntlm_protection;
  return make_gss_provider(std::move(c));
}

std::shared_ptr<SecurityProvider> make_spnego_provider(
    std::shared_ptr<const GssCredential> acceptor, std::shared_ptr<const GssCredential> initiator,
    std::string principal, std::map<GssMech, ProtectionFactory> extra) {
  GssProviderConfig c;
  c.auth_type = auth_type::kSpnego;
  c.mech = GssMech::spnego;
  c.name = "SPNEGO";
  c.principal = std::move(principal);
  c.acceptor_cred = std::move(acceptor);
  c.initiator_cred = std::move(initiator);
  c.protections = std::move(extra);
  c.protections[GssMech::ntlm] = &make_ntlm_protection;
  return make_gss_provider(std::move(c));
}

void ProviderRegistry::add(std::shared_ptr<SecurityProvider> provider) {
  if (provider) providers_[provider->auth_type()] = std::move(provider);
}

std::shared_ptr<SecurityProvider> ProviderRegistry::find(std::uint8_t type) const {
  const auto it = providers_.find(type);
  return it == providers_.end() ? nullptr : it->second;
}

std::vector<std::uint8_t> ProviderRegistry::auth_types() const {
  std::vector<std::uint8_t> out;
  for (const auto& [t, p] : providers_) out.push_back(t);
  return out;
}

std::string ProviderRegistry::principal(std::uint8_t type) const {
  if (auto p = find(type); p && !p->principal().empty()) return p->principal();
  for (const auto& [t, p] : providers_) {
    if (!p->principal().empty()) return p->principal();
  }
  return {};
}

}  // namespace rampart::security
