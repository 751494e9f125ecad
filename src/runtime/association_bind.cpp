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

// [MS-RPCE] 3.3.1.5.2.1: the server answers with sizes no larger than the
// client offered; Samba and Windows keep them in 2048..5840 and round down
// to a multiple of 8.
std::uint16_t negotiate_size(std::uint16_t offered, const ServerLimits& l) {
  const auto clamped = std::clamp(offered, l.min_frag, l.max_frag);
  return static_cast<std::uint16_t>(clamped & ~7u);
}

// Features Rampart implements ([MS-RPCE] 2.2.2.14): keeping the connection
// when a call is orphaned, and several security contexts on one connection
// (every context is independent here; auth contexts arrive with the
// security providers).
constexpr std::uint16_t kSupportedFeatures =
    pdu::feature::kSecurityContextMultiplexing | pdu::feature::kKeepConnectionOnOrphan;

bool offers_features(const pdu::PresentationContext& c) {
  return std::ranges::any_of(c.transfer_syntaxes, syntax::is_bind_time_feature);
}

ContextResultEntry rejection(ProviderReason why) {
  return {ContextResult::provider_rejection, static_cast<std::uint16_t>(why), SyntaxId{}};
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

ContextResultEntry Association::negotiate_one(const pdu::PresentationContext& c) {
  if (auto it = contexts_.find(c.context_id); it != contexts_.end()) {
    // C6: a context id is immutable. Presenting it again with the same
    // syntaxes repeats the earlier answer; anything else is refused.
    const Context& old = it->second;
    const bool same = old.abstract_syntax == c.abstract_syntax &&
                      std::ranges::find(c.transfer_syntaxes, old.transfer_syntax) != c.transfer_syntaxes.end();
    if (same && old.iface) return {ContextResult::acceptance, 0, old.transfer_syntax};
    return rejection(ProviderReason::reason_not_specified);
  }
  if (contexts_.size() >= limits_->max_contexts) return rejection(ProviderReason::local_limit_exceeded);
  auto iface = core_.interfaces.find(c.abstract_syntax);
  ContextResultEntry result;
  if (!iface) {
    result = rejection(ProviderReason::abstract_syntax_not_supported);
  } else if (std::ranges::find(c.transfer_syntaxes, syntax::kNdr20) != c.transfer_syntaxes.end()) {
    result = {ContextResult::acceptance, 0, syntax::kNdr20};
  } else {
    // NDR64 ([MS-RPCE] 2.2.5) is not implemented yet: refuse it by name so
    // the client falls back to NDR20 on another context.
    result = rejection(ProviderReason::proposed_transfer_syntaxes_not_supported);
    iface = nullptr;
  }
  contexts_.emplace(c.context_id, Context{iface, c.abstract_syntax, result.transfer_syntax});
  return result;
}

Result<std::vector<ContextResultEntry>> Association::negotiate_contexts(const pdu::Bind& bind, bool allow_features) {
  std::vector<ContextResultEntry> results;
  results.reserve(bind.contexts.size());
  bool features_seen = false;
  for (const auto& c : bind.contexts) {
    if (!offers_features(c)) {
      results.push_back(negotiate_one(c));
      continue;
    }
    // [MS-RPCE] 3.3.1.5.3: one feature-negotiation context, in the bind.
    if (features_seen) return fail(Errc::duplicate_feature_negotiation, "two bind-time feature contexts", 28);
    features_seen = true;
    if (!allow_features) {
      results.push_back(rejection(ProviderReason::proposed_transfer_syntaxes_not_supported));
      continue;
    }
    std::uint16_t offered = 0;
    for (const auto& t : c.transfer_syntaxes)
      if (syntax::is_bind_time_feature(t)) offered |= syntax::bind_time_features(t);
    features_ = offered & kSupportedFeatures;
    results.push_back({ContextResult::negotiate_ack, features_, SyntaxId{}});
  }
  return results;
}

void Association::handle_bind(const pdu::Pdu& pdu, Output& out) {
  const auto& bind = *pdu.as<pdu::Bind>();
  if (pdu.auth)
    return apply_reaction(Error(Errc::auth_not_supported, "authenticated binds need a security provider", 10),
                          Phase::binding, &pdu.header, out);
  if (auto joined = join_group(bind.assoc_group_id); !joined)
    return apply_reaction(joined.error(), Phase::binding, &pdu.header, out);
  auto results = negotiate_contexts(bind, true);
  if (!results) return apply_reaction(results.error(), Phase::binding, &pdu.header, out);

  max_xmit_ = negotiate_size(bind.max_recv_frag, *limits_);
  max_recv_ = negotiate_size(bind.max_xmit_frag, *limits_);
  conc_mpx_ = pdu.header.has_flag(pdu::pfc::kConcMpx);
  framer_.set_max_frag_length(max_recv_);
  reassembler_.set_concurrent(conc_mpx_);
  state_ = State::bound;

  pdu::Pdu ack;
  ack.header.ptype = pdu::PType::bind_ack;
  ack.header.call_id = pdu.header.call_id;
  ack.header.drep = pdu.header.drep;
  ack.header.pfc_flags = pdu::pfc::kFirstLast | (conc_mpx_ ? pdu::pfc::kConcMpx : 0);
  ack.body = pdu::BindAck{max_xmit_, max_recv_, group_->id(), peer_.local_endpoint, std::move(*results)};
  send(ack, out);
  core_.events->bound(peer_, group_->id(), contexts_.size());
}

void Association::handle_alter_context(const pdu::Pdu& pdu, Output& out) {
  const auto& alter = *pdu.as<pdu::AlterContext>();
  if (pdu.auth)
    return apply_reaction(Error(Errc::auth_not_supported, "authenticated alter_context needs a security provider", 10),
                          Phase::bound, &pdu.header, out);
  if (alter.assoc_group_id != 0 && alter.assoc_group_id != group_->id())
    return apply_reaction(Error(Errc::assoc_group_mismatch, "alter_context names another association group", 20),
                          Phase::bound, &pdu.header, out);
  auto results = negotiate_contexts(alter, false);
  if (!results) return apply_reaction(results.error(), Phase::bound, &pdu.header, out);

  pdu::Pdu resp;
  resp.header.ptype = pdu::PType::alter_context_resp;
  resp.header.call_id = pdu.header.call_id;
  resp.header.drep = pdu.header.drep;
  resp.header.pfc_flags = pdu::pfc::kFirstLast | (conc_mpx_ ? pdu::pfc::kConcMpx : 0);
  // C706 12.6.4.2: the secondary address is empty in alter_context_resp.
  resp.body = pdu::AlterContextResp{{max_xmit_, max_recv_, group_->id(), {}, std::move(*results)}};
  send(resp, out);
}

}  // namespace rampart::runtime
