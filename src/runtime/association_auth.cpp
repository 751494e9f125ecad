// Security contexts on a connection ([MS-RPCE] 3.3.1.5.2, C706 13.2): the
// legs carried by bind, alter_context and auth3, the pause while a provider
// steps, request verification and response protection. The reactions are the
// fault policy's (react_auth); the rules they follow are Windows' as recorded
// by Samba's raw_protocol suite, cited per rule.
#include "rampart/pdu/status.hpp"
#include "rampart/runtime/association.hpp"
#include "rampart/runtime/errc.hpp"
#include "rampart/runtime/fragmenter.hpp"
#include "rampart/security/errc.hpp"

namespace rampart::runtime {

namespace {

using security::AuthLevel;

// Levels whose PDUs carry a signature: call (3, handled as packet), packet,
// integrity, privacy. Connect (2) authenticates the bind only.
bool protects_pdus(std::uint8_t level) { return level >= static_cast<std::uint8_t>(AuthLevel::call); }

Phase phase_of(pdu::PType t) {
  switch (t) {
    case pdu::PType::bind: return Phase::binding;
    case pdu::PType::alter_context: return Phase::altering;
    default: return Phase::bound;
  }
}

// Where the stub starts in a request fragment ([MS-RPCE] 2.2.2.11).
std::size_t request_stub_offset(const pdu::Pdu& pdu) {
  const auto* q = pdu.as<pdu::Request>();
  return pdu::kHeaderSize + 8 + (q && q->object ? 16 : 0);
}

}  // namespace

bool Association::any_protected_context() const noexcept {
  for (const auto& [id, c] : auth_) {
    if (c.state == AuthContext::State::established && protects_pdus(c.auth_level)) return true;
  }
  return false;
}

// First leg: a new context for the PDU's auth_context_id, then the step.
Result<void> Association::begin_auth(const pdu::Pdu& pdu, PendingStep step, Output& out) {
  const pdu::AuthVerifier& a = *pdu.auth;
  if (auth_.size() >= limits_->max_auth_contexts)
    return fail(Errc::too_many_auth_contexts, "security context cap reached", 10);
  auto provider = providers_ ? providers_->find(a.auth_type) : nullptr;
  if (!provider) return fail(Errc::auth_not_supported, "no security provider serves this auth_type", 10);
  if (a.auth_type == security::auth_type::kSpnego && a.auth_level == static_cast<std::uint8_t>(AuthLevel::call))
    return fail(Errc::auth_level_unsupported, "SPNEGO does not offer the call level", 9);
  auto made = provider->new_acceptor();
  if (!made) return fail(Errc::auth_step_failed, "the security provider cannot accept", 10);
  AuthContext ctx;
  ctx.auth_type = a.auth_type;
  ctx.auth_level = a.auth_level;
  ctx.context_id = a.auth_context_id;
  ctx.header_sign = pdu.header.has_flag(pdu::pfc::kSupportHeaderSign);
  ctx.security = std::shared_ptr<security::SecurityContext>(std::move(*made));
  auto token = std::vector<std::uint8_t>(a.auth_value.begin(), a.auth_value.end());
  auto shared = ctx.security;
  auth_.emplace(a.auth_context_id, std::move(ctx));
  run_step(std::move(step), std::move(shared), std::move(token), out);
  return {};
}

// C16: the step runs on the core's auth runner when there is one, and the
// connection holds its input until the result is posted back.
void Association::run_step(PendingStep step, std::shared_ptr<security::SecurityContext> ctx,
                           std::vector<std::uint8_t> token, Output& out) {
  if (!core_.auth_runner || !poster_) {
    auto result = ctx->step(token);
    finish_step(step, std::move(result), out);
    return;
  }
  step_outstanding_ = true;
  std::weak_ptr<Association*> weak = alive_;
  const pdu::CommonHeader header = step.header;
  const pdu::PType ptype = step.ptype;
  const bool queued = core_.auth_runner([weak, poster = poster_, ctx, token = std::move(token),
                                         step = std::move(step)]() mutable {
    auto result = ctx->step(token);
    poster([weak, step = std::move(step), result = std::move(result)](Output& o) mutable {
      auto self = weak.lock();
      if (!self) return;  // the connection closed while the provider worked
      Association& a = **self;
      a.step_outstanding_ = false;
      if (a.state_ == State::closed) return;
      a.finish_step(step, std::move(result), o);
      a.resume_held(o);
    });
  });
  if (!queued) {
    step_outstanding_ = false;
    apply_reaction(Error(Errc::auth_busy, "security provider queue full", 10), phase_of(ptype), &header, out);
  }
}

void Association::resume_held(Output& out) {
  if (held_.empty() || state_ == State::closed) return;
  std::vector<std::uint8_t> input = std::move(held_);
  held_.clear();
  on_bytes(input, out);
}

Result<void> Association::establish(AuthContext& ctx) {
  ctx.state = AuthContext::State::established;
  ctx.principal = ctx.security->peer_name();
  if (protects_pdus(ctx.auth_level)) {
    const security::ProtectionParams params{
        {ctx.auth_type, static_cast<AuthLevel>(ctx.auth_level), ctx.context_id}, ctx.header_sign,
        security::Role::acceptor};
    ctx.protection = RAMPART_TRY(ctx.security->protection(params));
  }
  core_.events->authenticated(peer_, ctx.auth_type, ctx.auth_level, ctx.context_id, ctx.principal);
  return {};
}

void Association::finish_step(const PendingStep& step, Result<security::StepResult> result, Output& out) {
  auto it = auth_.find(step.auth_context_id);
  if (it == auth_.end()) return;
  AuthContext& ctx = it->second;
  const bool auth3 = step.ptype == pdu::PType::auth3;
  if (result && result->status == security::StepStatus::complete) {
    // test_spnego_auth3: a token the peer can never receive (auth3 has no
    // reply) leaves the exchange unusable; requests are then refused.
    if (auth3 && !result->output.empty()) result = fail(Errc::auth_step_failed, "token left over at auth3", 10);
    else if (auto ok = establish(ctx); !ok) result = std::unexpected(ok.error());
  } else if (result && auth3) {
    result = fail(Errc::auth_step_failed, "auth3 cannot continue an exchange", 10);
  }
  if (!result) {
    core_.events->auth_denied(peer_, ctx.security->last_status().empty() ? std::string(result.error().detail())
                                                                        : ctx.security->last_status());
    if (auth3) {
      auth_invalid_ = true;  // auth3 is never answered (Samba's dcesrv_auth3)
      return;
    }
    auth_.erase(it);
    // An exchange that completed without the SEAL the privacy level needs
    // has its own reaction (DCERPC_FAULT_SEC_PKG_ERROR); every other
    // refusal is the provider's.
    const bool missing_feature = result.error().domain() == ErrorDomain::security &&
                                 result.error().code_as<security::Errc>() == security::Errc::feature_not_negotiated;
    return apply_reaction(missing_feature ? result.error()
                                          : Error(Errc::auth_step_failed, "the security provider refused the token", 10),
                          phase_of(step.ptype), &step.header, out);
  }
  if (!auth3) finish_bind_family(step, ctx, std::move(result->output), out);
}

void Association::finish_bind_family(const PendingStep& step, AuthContext& ctx, std::vector<std::uint8_t> token,
                                     Output& out) {
  pdu::Pdu reply;
  reply.header.call_id = step.header.call_id;
  reply.header.drep = step.header.drep;
  // CONC_MPX only in a bind_ack, as in association_bind.cpp's reply_flags.
  const bool mpx = conc_mpx_ && step.ptype == pdu::PType::bind;
  reply.header.pfc_flags = static_cast<std::uint8_t>(pdu::pfc::kFirstLast | (mpx ? pdu::pfc::kConcMpx : 0) |
                                                     (step.header.pfc_flags & pdu::pfc::kSupportHeaderSign));
  if (step.ptype == pdu::PType::bind) {
    reply.header.ptype = pdu::PType::bind_ack;
    reply.body = pdu::BindAck{max_xmit_, max_recv_, group_->id(), peer_.local_endpoint, step.results};
  } else {
    reply.header.ptype = pdu::PType::alter_context_resp;
    reply.body = pdu::AlterContextResp{{max_xmit_, max_recv_, group_->id(), {}, step.results}};
  }
  send_with_auth(std::move(reply), ctx, std::move(token), out);
  if (step.ptype == pdu::PType::bind) core_.events->bound(peer_, group_->id(), contexts_.size());
}

// bind_ack and alter_context_resp carry the provider's token after the
// body, the sec_trailer 4-octet aligned (C706 13.2.6.1); Windows and Samba
// send no auth pad there because the body already ends aligned.
void Association::send_with_auth(pdu::Pdu pdu, const AuthContext& ctx, std::vector<std::uint8_t> token,
                                 Output& out) {
  std::vector<std::uint8_t> plain;
  pdu::encode(pdu, plain);
  static constexpr std::uint8_t kZeros[4] = {0, 0, 0, 0};
  const std::size_t pad = (4 - plain.size() % 4) % 4;
  pdu.auth = pdu::AuthVerifier{ctx.auth_type, ctx.auth_level, static_cast<std::uint8_t>(pad), 0, ctx.context_id,
                               pdu::Bytes(kZeros, pad), pdu::Bytes(token)};
  send(pdu, out);
}

// alter_context legs ([MS-RPCE] 3.3.1.5.2.2; Samba's dcesrv_auth_alter).
Result<void> Association::check_alter_auth(const pdu::AuthVerifier& a) {
  // test_spnego_change_auth_type3.
  if (a.auth_type == security::auth_type::kNone) return fail(Errc::auth_type_none, "alter_context with auth_type none", 10);
  auto it = auth_.find(a.auth_context_id);
  if (it == auth_.end()) {
    if (a.auth_level < 2 || a.auth_level > 6) return fail(Errc::bad_auth_level, "auth_level is none or not a level", 9);
    return {};  // a new context ([MS-RPCE] 3.3.1.5.2.2 security context multiplexing)
  }
  const AuthContext& c = it->second;
  // test_spnego_connect_reauth_alter: an established context is never restarted.
  if (c.state == AuthContext::State::established)
    return fail(Errc::auth_reauth_alter, "alter_context restarts an established security context", 10);
  if (a.auth_type != c.auth_type)  // test_spnego_change_auth_type1
    return fail(Errc::auth_type_mismatch, "auth_type changed during the exchange", 10);
  if (a.auth_level != c.auth_level)  // test_spnego_change_auth_level
    return fail(Errc::auth_level_mismatch, "auth_level changed during the exchange", 10);
  return {};
}

void Association::handle_auth3(const pdu::Pdu& pdu, Output& out) {
  const pdu::AuthVerifier& a = *pdu.auth;
  // No security context at all: the bind had none, so authentication is
  // finished (Samba's dcesrv_auth_prepare_auth3), a protocol error.
  if (auth_.empty())
    return apply_reaction(Error(Errc::auth_reauth_auth3, "auth3 without a security exchange", 10), Phase::bound,
                          &pdu.header, out);
  auto it = auth_.find(a.auth_context_id);
  if (it == auth_.end()) {
    auth_invalid_ = true;  // never answered; requests are refused from now on
    core_.events->auth_denied(peer_, "auth3 names no security context");
    return;
  }
  AuthContext& c = it->second;
  // test_spnego_connect_reauth_auth3: a finished context, or a second auth3.
  if (c.state == AuthContext::State::established || c.auth3_seen)
    return apply_reaction(Error(Errc::auth_reauth_auth3, "auth3 for an established context", 10), Phase::bound,
                          &pdu.header, out);
  c.auth3_seen = true;
  if (a.auth_type != c.auth_type || a.auth_level != c.auth_level) {
    auth_invalid_ = true;  // Samba's dcesrv_auth3: silently invalid
    core_.events->auth_denied(peer_, "auth3 changes auth_type or auth_level");
    return;
  }
  PendingStep step{pdu::PType::auth3, pdu.header, a.auth_context_id, {}};
  run_step(std::move(step), c.security, std::vector<std::uint8_t>(a.auth_value.begin(), a.auth_value.end()), out);
}

// A verifier naming no security context of the connection, or one of
// another auth_type or auth_level (Samba's dcesrv_auth_pkt_pull marks such
// a state invalid): access denied.
std::optional<Error> Association::fragment_auth_invalid(const pdu::Pdu& pdu) const {
  if (!pdu.auth) return std::nullopt;
  auto it = auth_.find(pdu.auth->auth_context_id);
  if (it == auth_.end()) return Error(security::Errc::auth_context_changed, "verifier names no security context", 10);
  if (pdu.auth->auth_type != it->second.auth_type) return Error(security::Errc::auth_type_changed, "auth_type differs", 10);
  if (pdu.auth->auth_level != it->second.auth_level)
    return Error(security::Errc::auth_level_changed, "auth_level differs", 10);
  return std::nullopt;
}

// A later fragment is verified under the context of its call's first
// fragment, whatever its own sec_trailer names (CVE-2021-23192; Windows
// ignores those fields there). A context that protects PDUs needs a
// verifier in every fragment.
Result<std::optional<std::uint32_t>> Association::verify_continuation(std::span<const std::uint8_t> frame,
                                                                      const pdu::Pdu& pdu, const CallIdentity& first,
                                                                      std::vector<std::uint8_t>& plain) {
  if (auth_invalid_) return fail(Errc::auth_invalid, "the security exchange failed", 10);
  if (!first.auth) {
    if (pdu.auth) return fail(Errc::auth_without_context, "later fragment adds a verifier its call lacks", 10);
    return std::optional<std::uint32_t>{};
  }
  const std::uint32_t id = (*first.auth)[2];
  auto it = auth_.find(id);
  if (it == auth_.end()) return fail(Errc::auth_without_context, "the call's security context is gone", 10);
  if (!it->second.protection) return std::optional<std::uint32_t>{id};
  if (!pdu.auth) return fail(Errc::fragment_verifier_missing, "later fragment without a verifier", 10);
  plain.assign(frame.begin(), frame.end());
  RAMPART_CHECK(it->second.protection->unprotect_continuation(plain, request_stub_offset(pdu)));
  return std::optional<std::uint32_t>{id};
}

// Which context a request fragment belongs to, and its verification
// ([MS-RPCE] 3.3.1.5.2.2; Samba's dcesrv_auth_pkt_pull). `plain` receives
// the unsealed copy when the level protects PDUs.
Result<std::optional<std::uint32_t>> Association::verify_request(std::span<const std::uint8_t> frame,
                                                                 const pdu::Pdu& pdu,
                                                                 std::vector<std::uint8_t>& plain) {
  // test_spnego_auth3: after a failed auth3 every request is refused.
  if (auth_invalid_) return fail(Errc::auth_invalid, "the security exchange failed", 10);
  if (!pdu.auth) {
    if (auth_.empty()) return std::optional<std::uint32_t>{};
    bool established = false;
    for (const auto& [id, c] : auth_) established = established || c.state == AuthContext::State::established;
    if (!established) return fail(Errc::auth_unfinished, "request before the security context completed", 10);
    // Connect level authenticates the bind only: plain requests are fine
    // (test_spnego_connect_*); a context that protects PDUs requires them.
    if (any_protected_context()) return fail(Errc::auth_required, "request without verifier", 10);
    return std::optional<std::uint32_t>{};
  }
  const pdu::AuthVerifier& a = *pdu.auth;
  if (auth_.empty()) return fail(Errc::auth_without_context, "request verifier without a security context", 10);
  auto it = auth_.find(a.auth_context_id);
  if (it == auth_.end()) return fail(Errc::auth_without_context, "request names an unknown auth_context_id", 10);
  AuthContext& c = it->second;
  // test_spnego_unfinished_request.
  if (c.state != AuthContext::State::established)
    return fail(Errc::auth_unfinished, "request before the security context completed", 10);
  if (a.auth_type != c.auth_type) return fail(security::Errc::auth_type_changed, "auth_type differs", 10);
  // test_spnego_connect_*_upgrade, test_spnego_*_downgrade_connect.
  if (a.auth_level != c.auth_level) return fail(Errc::auth_level_mismatch, "auth_level differs from the bind's", 10);
  // Connect level: the verifier is not checked, as Windows does not.
  if (!c.protection) return std::optional<std::uint32_t>{a.auth_context_id};
  plain.assign(frame.begin(), frame.end());
  RAMPART_CHECK(c.protection->unprotect(plain, request_stub_offset(pdu)));
  return std::optional<std::uint32_t>{a.auth_context_id};
}

}  // namespace rampart::runtime
