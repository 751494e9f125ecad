// bind and alter_context: fragment-size negotiation, association groups,
// presentation contexts and bind-time feature negotiation (C706 12.6.4.3,
// [MS-RPCE] 3.3.1.5.2-3.3.1.5.3).
#include <algorithm>

#include "rampart/runtime/association.hpp"
#include "rampart/runtime/errc.hpp"

namespace rampart::runtime {

namespace {

using pdu::ContextResult;
using pdu::ContextResultEntry;
using pdu::ProviderReason;

// [MS-RPCE] 3.3.1.5.2.1 and what Windows answers (Samba's raw_protocol
// test_neg_xmit_*): one size for both directions, the smaller of the two
// the client offered, raised to 2048, capped at 5840, rounded down to a
// multiple of 8. A client offering 0 still gets 2048.
std::uint16_t negotiate_size(std::uint16_t xmit, std::uint16_t recv, const ServerLimits& l) {
  const auto size = std::min(std::max(l.min_frag, std::min(xmit, recv)), l.max_frag);
  return static_cast<std::uint16_t>(size & ~7u);
}

// Features Rampart implements ([MS-RPCE] 2.2.2.14): keeping the connection
// when a call is orphaned, and several security contexts on one connection
// (every context is independent here; auth contexts arrive with the
// security providers).
constexpr std::uint16_t kSupportedFeatures =
    pdu::feature::kSecurityContextMultiplexing | pdu::feature::kKeepConnectionOnOrphan;

// [MS-RPCE] 3.3.1.5.3: a context is a feature negotiation only when its
// first transfer syntax is one; any further ones are ignored.
bool is_feature_context(const pdu::PresentationContext& c) {
  return !c.transfer_syntaxes.empty() && syntax::is_bind_time_feature(c.transfer_syntaxes.front());
}

bool offers(const pdu::PresentationContext& c, const SyntaxId& s) {
  return std::ranges::find(c.transfer_syntaxes, s) != c.transfer_syntaxes.end();
}

ContextResultEntry rejection(ProviderReason why) {
  return {ContextResult::provider_rejection, static_cast<std::uint16_t>(why), SyntaxId{}};
}

// The flags of bind_ack and alter_context_resp: header signing is echoed
// when the client offers it ([MS-RPCE] 3.3.1.5.2.2; Windows does so even
// without auth), CONC_MPX when the connection negotiated it and the PDU is
// a bind: Windows' alter_context_resp never carries it (raw_protocol
// test_ntlmssp_auth_MPX_*, test_ntlmssp_multi_auth_MPX_*).
std::uint8_t reply_flags(const pdu::CommonHeader& request, bool conc_mpx) {
  return static_cast<std::uint8_t>(pdu::pfc::kFirstLast | (conc_mpx ? pdu::pfc::kConcMpx : 0) |
                                   (request.pfc_flags & pdu::pfc::kSupportHeaderSign));
}

}  // namespace

Result<void> Association::join_group(std::uint32_t assoc_group_id) {
  if (assoc_group_id == 0) {
    group_ = core_.groups.create(peer_.transport);
    if (!group_) return fail(Errc::too_many_assoc_groups, "association group cap reached", 20);
    return {};
  }
  group_ = core_.groups.join(assoc_group_id, peer_.transport);
  if (!group_) return fail(Errc::unknown_assoc_group, "unknown association group, or one of another transport", 20);
  return {};
}

// The transfer syntax a new context gets ([MS-RPCE] 3.3.1.5.6): the
// server's preferred one when offered, NDR64 for an interface whose stubs
// have NDR64 codecs (as 64-bit Windows prefers it), otherwise NDR20.
std::optional<SyntaxId> Association::choose_transfer(const pdu::PresentationContext& c, const Interface& iface) {
  if (iface.supports_transfer_syntax(syntax::kNdr64) && offers(c, syntax::kNdr64)) return syntax::kNdr64;
  if (offers(c, syntax::kNdr20)) return syntax::kNdr20;
  return std::nullopt;
}

// One context, as Windows negotiates it: an unknown abstract syntax is
// reason 1; after one context of this PDU was accepted, every further one
// is reason 2 (one new context per bind or alter_context); a context id
// already defined may be presented again only with its abstract syntax and
// its transfer syntax (C6: context ids are immutable), and offering another
// syntax Rampart knows for it is a protocol error. A context offering
// neither NDR20 nor an NDR64 the interface has is reason 2; so is one
// that `yields` to a later context of the PDU with the preferred syntax.
Result<ContextResultEntry> Association::negotiate_one(const pdu::PresentationContext& c, bool validate_only,
                                                      bool yields) {
  auto iface = core_.interfaces.find(c.abstract_syntax);
  if (!iface) return rejection(ProviderReason::abstract_syntax_not_supported);
  if (validate_only) return rejection(ProviderReason::proposed_transfer_syntaxes_not_supported);
  if (auto it = contexts_.find(c.context_id); it != contexts_.end()) {
    const Context& old = it->second;
    if (old.abstract_syntax != c.abstract_syntax)
      return fail(Errc::context_redefined, "alter_context changes a context's abstract syntax", 28);
    if (offers(c, old.transfer_syntax)) return ContextResultEntry{ContextResult::acceptance, 0, old.transfer_syntax};
    if (offers(c, syntax::kNdr20) || offers(c, syntax::kNdr64))
      return fail(Errc::context_redefined, "alter_context changes a context's transfer syntax", 28);
    return rejection(ProviderReason::proposed_transfer_syntaxes_not_supported);
  }
  const auto transfer = choose_transfer(c, *iface);
  if (!transfer || yields) return rejection(ProviderReason::proposed_transfer_syntaxes_not_supported);
  if (contexts_.size() >= limits_->max_contexts) return rejection(ProviderReason::local_limit_exceeded);
  contexts_.emplace(c.context_id, Context{std::move(iface), c.abstract_syntax, *transfer});
  return ContextResultEntry{ContextResult::acceptance, 0, *transfer};
}

// [MS-RPCE] 3.3.1.5.6: a client offering several transfer syntaxes sends
// one context per syntax for the same abstract syntax (Windows: [0] NDR20,
// [1] NDR64, [2] bind-time features), and the server accepts the one with
// its preferred syntax. So a new context that would get NDR20 yields when
// a later new context of the PDU offers the same interface over an NDR64
// the interface has; Windows answers the NDR20 one with reason 2.
bool Association::yields_to_later(const pdu::Bind& bind, std::size_t i, const std::vector<bool>& feature) const {
  const auto& c = bind.contexts[i];
  if (contexts_.contains(c.context_id)) return false;
  auto iface = core_.interfaces.find(c.abstract_syntax);
  if (!iface || !iface->supports_transfer_syntax(syntax::kNdr64)) return false;
  if (choose_transfer(c, *iface) == syntax::kNdr64) return false;
  for (std::size_t j = i + 1; j < bind.contexts.size(); ++j) {
    const auto& later = bind.contexts[j];
    if (!feature[j] && later.abstract_syntax == c.abstract_syntax && !contexts_.contains(later.context_id) &&
        later.context_id != c.context_id && offers(later, syntax::kNdr64))
      return true;
  }
  return false;
}

Result<std::vector<ContextResultEntry>> Association::negotiate_contexts(const pdu::Bind& bind, bool allow_features) {
  std::vector<ContextResultEntry> results(bind.contexts.size(),
                                          rejection(ProviderReason::abstract_syntax_not_supported));
  std::vector<bool> feature(bind.contexts.size(), false);
  bool features_seen = false;
  for (std::size_t i = 0; allow_features && i < bind.contexts.size(); ++i) {
    if (!is_feature_context(bind.contexts[i])) continue;
    // [MS-RPCE] 3.3.1.5.3: one feature-negotiation context, in the bind.
    if (features_seen) return fail(Errc::duplicate_feature_negotiation, "two bind-time feature contexts", 28);
    features_seen = feature[i] = true;
    features_ = syntax::bind_time_features(bind.contexts[i].transfer_syntaxes.front()) & kSupportedFeatures;
    results[i] = {ContextResult::negotiate_ack, features_, SyntaxId{}};
  }
  bool accepted = false;
  for (std::size_t i = 0; i < bind.contexts.size(); ++i) {
    if (feature[i]) continue;
    const bool yields = !accepted && yields_to_later(bind, i, feature);
    results[i] = RAMPART_TRY(negotiate_one(bind.contexts[i], accepted, yields));
    accepted = accepted || results[i].result == ContextResult::acceptance;
  }
  return results;
}

// [MS-RPCE] 3.3.1.5.2: without a security provider every verifier is
// refused; how depends on the level, as Windows answers it.
static Error auth_refusal(const pdu::AuthVerifier& auth) {
  if (auth.auth_level < 2 || auth.auth_level > 6)
    return Error(Errc::bad_auth_level, "auth_level is none or not a level", 9);
  return Error(Errc::auth_not_supported, "authenticated binds need a security provider", 8);
}

void Association::handle_bind(const pdu::Pdu& pdu, Output& out) {
  const auto& bind = *pdu.as<pdu::Bind>();
  // Windows' order: the association group, then the contexts, then auth.
  if (auto joined = join_group(bind.assoc_group_id); !joined)
    return apply_reaction(joined.error(), Phase::binding, &pdu.header, out);
  auto results = negotiate_contexts(bind, true);
  if (!results) return apply_reaction(results.error(), Phase::binding, &pdu.header, out);
  if (pdu.auth) {
    // A level the bind cannot mean is reason 0 whatever the type; a type no
    // provider serves is reason 8 (test_auth_none_*_bind).
    const pdu::AuthVerifier& a = *pdu.auth;
    if (a.auth_level < 2 || a.auth_level > 6 || !providers_ || !providers_->find(a.auth_type))
      return apply_reaction(auth_refusal(a), Phase::binding, &pdu.header, out);
  }

  max_xmit_ = max_recv_ = negotiate_size(bind.max_xmit_frag, bind.max_recv_frag, *limits_);
  conc_mpx_ = pdu.header.has_flag(pdu::pfc::kConcMpx);
  // Windows takes request fragments up to 5840 octets whatever was
  // negotiated (test_neg_xmit_*), and faults anything larger.
  framer_.set_max_frag_length(limits_->max_frag);
  reassembler_.set_concurrent(conc_mpx_);
  state_ = State::bound;
  if (pdu.auth) {
    // The bind_ack waits for the provider's first step (docs/association.md).
    PendingStep step{pdu::PType::bind, pdu.header, pdu.auth->auth_context_id, std::move(*results)};
    if (auto ok = begin_auth(pdu, std::move(step), out); !ok)
      apply_reaction(ok.error(), Phase::binding, &pdu.header, out);
    return;
  }

  pdu::Pdu ack;
  ack.header.ptype = pdu::PType::bind_ack;
  ack.header.call_id = pdu.header.call_id;
  ack.header.drep = pdu.header.drep;
  ack.header.pfc_flags = reply_flags(pdu.header, conc_mpx_);
  ack.body = pdu::BindAck{max_xmit_, max_recv_, group_->id(), peer_.local_endpoint, std::move(*results)};
  send(ack, out);
  core_.events->bound(peer_, group_->id(), contexts_.size());
}

void Association::handle_alter_context(const pdu::Pdu& pdu, Output& out) {
  const auto& alter = *pdu.as<pdu::AlterContext>();
  // Windows ignores the fragment sizes and the association group of an
  // alter_context (test_neg_xmit_*): they were fixed by the bind. The
  // contexts are checked before the auth verifier (test_spnego_change_abstract).
  auto results = negotiate_contexts(alter, false);
  if (!results) return apply_reaction(results.error(), Phase::altering, &pdu.header, out);
  if (pdu.auth) {
    if (auto ok = check_alter_auth(*pdu.auth); !ok)
      return apply_reaction(ok.error(), Phase::altering, &pdu.header, out);
    PendingStep step{pdu::PType::alter_context, pdu.header, pdu.auth->auth_context_id, std::move(*results)};
    auto it = auth_.find(pdu.auth->auth_context_id);
    if (it == auth_.end()) {
      if (auto ok = begin_auth(pdu, std::move(step), out); !ok)
        apply_reaction(ok.error(), Phase::altering, &pdu.header, out);
      return;
    }
    return run_step(std::move(step), it->second.security,
                    std::vector<std::uint8_t>(pdu.auth->auth_value.begin(), pdu.auth->auth_value.end()), out);
  }
  for (const auto& [id, c] : auth_) {
    // A plain alter_context in the middle of an exchange (Samba's
    // dcesrv_auth_alter: only a finished exchange allows one).
    if (c.state != AuthContext::State::established)
      return apply_reaction(Error(Errc::auth_unfinished, "alter_context without the exchange's next leg", 10),
                            Phase::altering, &pdu.header, out);
  }

  pdu::Pdu resp;
  resp.header.ptype = pdu::PType::alter_context_resp;
  resp.header.call_id = pdu.header.call_id;
  resp.header.drep = pdu.header.drep;
  resp.header.pfc_flags = reply_flags(pdu.header, false);
  // C706 12.6.4.2: the secondary address is empty in alter_context_resp.
  resp.body = pdu::AlterContextResp{{max_xmit_, max_recv_, group_->id(), {}, std::move(*results)}};
  send(resp, out);
}

}  // namespace rampart::runtime
