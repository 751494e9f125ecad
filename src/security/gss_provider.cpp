// GSSAPI-backed SecurityProvider: NTLMSSP (10), SPNEGO (9) and, through a
// ProtectionFactory, Kerberos (16). See security_provider.hpp.
#include <utility>

#include "rampart/security/errc.hpp"
#include "rampart/security/ntlm_sealer.hpp"
#include "rampart/security/security_provider.hpp"

namespace rampart::security {
namespace {

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

 private:
  NtlmSealer sealer_;
  ProtectionParams params_;
};

class GssSecurityContext final : public SecurityContext {
 public:
  GssSecurityContext(GssContext ctx, std::map<GssMech, ProtectionFactory> protections)
      : ctx_(std::move(ctx)), protections_(std::move(protections)) {}

  Result<StepResult> step(ByteSpan input) override {
    GssStep s = RAMPART_TRY(ctx_.step(input));
    return StepResult{s.complete ? StepStatus::complete : StepStatus::continue_needed,
                      std::move(s.output)};
  }
  bool complete() const noexcept override { return ctx_.complete(); }
  std::string peer_name() const override { return ctx_.source_name(); }
  GssMech mech() const noexcept override { return ctx_.actual_mech(); }
  std::string last_status() const override { return ctx_.last_status(); }

  Result<std::unique_ptr<PduProtection>> protection(const ProtectionParams& params) override {
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
  GssContext ctx_;
  // A copy: a context may outlive its provider across a configuration reload.
  std::map<GssMech, ProtectionFactory> protections_;
};

class GssProvider final : public SecurityProvider {
 public:
  explicit GssProvider(GssProviderConfig c) : c_(std::move(c)) {}

  std::uint8_t auth_type() const noexcept override { return c_.auth_type; }
  std::string name() const override { return c_.name; }
  std::string principal() const override { return c_.principal; }

  Result<std::unique_ptr<SecurityContext>> new_acceptor() override {
    if (!c_.acceptor_cred) return fail(Errc::gss_failure, "provider has no acceptor credential");
    return wrap(GssContext::acceptor(c_.acceptor_cred));
  }
  Result<std::unique_ptr<SecurityContext>> new_initiator(const std::string& target,
                                                         AuthLevel level) override {
    if (!c_.initiator_cred) return fail(Errc::gss_failure, "provider has no initiator credential");
    GssContext ctx =
        RAMPART_TRY(GssContext::initiator(c_.initiator_cred, target, level == AuthLevel::privacy, c_.dce_style));
    return wrap(std::move(ctx));
  }

 private:
  std::unique_ptr<SecurityContext> wrap(GssContext ctx) {
    return std::make_unique<GssSecurityContext>(std::move(ctx), c_.protections);
  }
  GssProviderConfig c_;
};

}  // namespace

Result<std::unique_ptr<PduProtection>> make_ntlm_protection(GssContext& context,
                                                            const ProtectionParams& params) {
  const Bytes16 key = RAMPART_TRY(context.session_key());
  const auto flags = context.ntlm_flags();
  if (!flags) return fail(Errc::bad_ntlm_message, "no AUTHENTICATE flags seen for the context");
  const NtlmRole role = params.role == Role::acceptor ? NtlmRole::server : NtlmRole::client;
  NtlmSealer sealer = RAMPART_TRY(NtlmSealer::create(key, *flags, role));
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
