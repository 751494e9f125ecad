// ClientAssociation: state, framing, the PDU-by-state table, bind and
// alter_context (C706 12.6.4.1-12.6.4.5, [MS-RPCE] 3.3.1.5.2-3.3.1.5.3).
// Calls live in client_association_call.cpp.
#include <algorithm>

#include "rampart/runtime/client_association.hpp"

namespace rampart::runtime {

ClientAssociation::ClientAssociation(ClientLimits limits, Drep drep)
    : limits_(limits), drep_(drep), reassembler_(limits.fragments, false) {
  // Until bind_ack, no response may arrive; cap frames at what we offer.
  framer_.set_max_frag_length(limits_.max_recv_frag);
}

void ClientAssociation::close() noexcept {
  state_ = State::closed;
  pending_.clear();
  bind_.reset();
  alter_.reset();
}

std::vector<std::uint32_t> ClientAssociation::pending_call_ids() const {
  std::vector<std::uint32_t> ids;
  ids.reserve(pending_.size());
  for (const auto& p : pending_) ids.push_back(p.call_id);
  return ids;
}

std::optional<std::uint16_t> ClientAssociation::context_for(const SyntaxId& abstract_syntax) const noexcept {
  for (const auto& d : contexts_)
    if (d.offered.abstract_syntax == abstract_syntax && d.outcome && d.outcome->accepted()) return d.offered.context_id;
  return std::nullopt;
}

std::optional<SyntaxId> ClientAssociation::transfer_syntax_for(const SyntaxId& abstract_syntax) const noexcept {
  for (const auto& d : contexts_)
    if (d.offered.abstract_syntax == abstract_syntax && d.outcome && d.outcome->accepted()) return d.outcome->transfer_syntax;
  return std::nullopt;
}

std::uint16_t ClientAssociation::next_context_id() const noexcept {
  std::uint16_t id = 0;
  for (const auto& d : contexts_) id = std::max<std::uint16_t>(id, static_cast<std::uint16_t>(d.offered.context_id + 1));
  return id;
}

std::uint32_t ClientAssociation::allocate_call_id() noexcept {
  for (;;) {
    const std::uint32_t id = next_call_id_++;
    if (id != 0 && !find_pending(id)) return id;
  }
}

Result<void> ClientAssociation::check_offer(std::span<const ClientContext> contexts) const {
  // C706 12.6.4.3 / docs/hardening.md C6 in mirror image: at least one context,
  // each with at least one transfer syntax, ids distinct and immutable.
  if (contexts.empty()) return fail(ClientErrc::wrong_state, "no presentation context offered");
  if (contexts_.size() + contexts.size() > limits_.max_contexts)
    return fail(ClientErrc::wrong_state, "ClientLimits::max_contexts reached");
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    const auto& c = contexts[i];
    if (c.transfer_syntaxes.empty() || c.transfer_syntaxes.size() > 255)
      return fail(ClientErrc::wrong_state, "a context needs 1..255 transfer syntaxes");
    const auto same_id = [&](std::uint16_t id) { return id == c.context_id; };
    if (std::ranges::any_of(contexts_, [&](const Defined& d) { return same_id(d.offered.context_id); }) ||
        std::ranges::any_of(contexts.subspan(i + 1), [&](const ClientContext& o) { return same_id(o.context_id); }))
      return fail(ClientErrc::wrong_state, "context id already offered (ids are immutable)");
  }
  return {};
}

void ClientAssociation::send_bind_family(pdu::PType type, const Offer& offer, std::uint8_t flags, std::uint32_t group,
                                         std::vector<std::uint8_t>& out) {
  pdu::Bind body{limits_.max_xmit_frag, limits_.max_recv_frag, group, {}};
  for (const auto& c : offer.contexts) body.contexts.push_back({c.context_id, c.abstract_syntax, c.transfer_syntaxes});
  pdu::Pdu p;
  p.header.ptype = type;
  p.header.pfc_flags = pdu::pfc::kFirstLast | flags;
  p.header.drep = drep_;
  p.header.call_id = offer.call_id;
  if (type == pdu::PType::bind) {
    p.body = std::move(body);
  } else {
    p.body = pdu::AlterContext{std::move(body)};
  }
  // [MS-RPCE] 3.3.1.5.2: the bind and any alter_context before the context
  // is established carry the provider's next token, and so does SPNEGO's
  // closing alter_context (the initiator's mechListMIC); a later
  // alter_context that only adds presentation contexts carries none.
  if (security_ && security_->token_pending()) p.auth = security_->verifier();
  pdu::encode(p, out);
}

Result<void> ClientAssociation::use_auth(ClientAuth auth) {
  if (state_ != State::idle) return fail(ClientErrc::wrong_state, "authentication is chosen before the bind");
  security_ = RAMPART_TRY(ClientSecurity::start(std::move(auth)));
  return {};
}

Result<void> ClientAssociation::begin_bind(std::span<const ClientContext> contexts, Output& out, bool conc_mpx,
                                           std::uint32_t assoc_group_id) {
  if (state_ != State::idle) return fail(ClientErrc::wrong_state, "one bind per connection");
  RAMPART_CHECK(check_offer(contexts));
  if (limits_.max_recv_frag < kMustRecvFragSize || limits_.max_xmit_frag < kMustRecvFragSize)
    return fail(ClientErrc::bad_negotiated_size, "ClientLimits offer fragments below 1432 octets");
  bind_ = Offer{allocate_call_id(), {contexts.begin(), contexts.end()}};
  for (const auto& c : contexts) contexts_.push_back({c, std::nullopt});
  conc_mpx_requested_ = conc_mpx;
  group_ = assoc_group_id;
  const std::uint8_t flags = (conc_mpx ? pdu::pfc::kConcMpx : 0) | (security_ ? security_->bind_flags() : 0);
  send_bind_family(pdu::PType::bind, *bind_, flags, assoc_group_id, out.send);
  state_ = State::binding;
  return {};
}

Result<void> ClientAssociation::begin_alter(std::span<const ClientContext> contexts, Output& out) {
  if (state_ != State::bound) return fail(ClientErrc::wrong_state, "alter_context needs a bound association");
  if (alter_) return fail(ClientErrc::wrong_state, "an alter_context is already pending");
  RAMPART_CHECK(check_offer(contexts));
  alter_ = Offer{allocate_call_id(), {contexts.begin(), contexts.end()}};
  for (const auto& c : contexts) contexts_.push_back({c, std::nullopt});
  send_bind_family(pdu::PType::alter_context, *alter_, conc_mpx_ ? pdu::pfc::kConcMpx : 0, group_, out.send);
  return {};
}

void ClientAssociation::on_bytes(std::span<const std::uint8_t> input, std::vector<ClientEvent>& events) {
  while (!input.empty() && state_ != State::closed) {
    auto progress = framer_.feed(input);
    if (!progress) {
      // C1: a header that breaks a framing rule ends the stream; the
      // framer never resynchronises.
      close();
      events.emplace_back(client_event::ProtocolError{progress.error()});
      return;
    }
    input = input.subspan(progress->consumed);
    if (!progress->frame_ready) continue;
    handle_frame(framer_.frame(), events);
    framer_.pop();
  }
}

Result<pdu::Pdu> ClientAssociation::unprotect_frame(std::span<const std::uint8_t> frame,
                                                    std::vector<std::uint8_t>& plain) {
  auto* prot = security_ ? security_->protection() : nullptr;
  if (prot == nullptr || state_ != State::bound) return pdu::decode(frame, framer_.limits());
  const auto h = RAMPART_TRY(pdu::CommonHeader::decode(frame, framer_.limits()));
  if (h.ptype != pdu::PType::response && h.ptype != pdu::PType::fault) return pdu::decode(frame, framer_.limits());
  if (h.auth_length == 0) {
    // [MS-RPCE] 3.3.1.5.2.2: every response of a protected context is
    // protected; one in clear is a downgrade. A fault may be in clear: a
    // server faults a call it could not verify before it could sign.
    if (h.ptype == pdu::PType::response)
      return fail(ClientErrc::auth_downgrade, "a response without a verifier on a protected association", 10);
    return pdu::decode(frame, framer_.limits());
  }
  // Verified (and unsealed) in a copy before anything in it is believed.
  plain.assign(frame.begin(), frame.end());
  RAMPART_CHECK(security_->verify(plain));
  return pdu::decode(plain, framer_.limits());
}

void ClientAssociation::handle_frame(std::span<const std::uint8_t> frame, std::vector<ClientEvent>& events) {
  std::vector<std::uint8_t> plain;  // the verified copy; the decoded PDU points into it
  auto p = unprotect_frame(frame, plain);
  Result<void> ok = p ? handle_pdu(*p, events) : std::unexpected(p.error());
  if (!ok) {
    close();
    events.emplace_back(client_event::ProtocolError{ok.error()});
  }
}

Result<void> ClientAssociation::handle_pdu(const pdu::Pdu& p, std::vector<ClientEvent>& events) {
  using pdu::PType;
  // Without a security context a verifier can only be a lie; with one,
  // responses were verified in unprotect_frame and tokens go to the provider.
  if (p.auth && !security_)
    return fail(ClientErrc::auth_not_supported, "auth verifier on an unauthenticated association", 10);
  if (p.auth && security_ && !security_->protection() && state_ == State::bound)
    return fail(ClientErrc::auth_downgrade, "auth verifier at connect level", 10);
  if (state_ == State::authenticating) {
    if (p.ptype() == PType::alter_context_resp) return on_auth_alter_resp(p, events);
    return fail(ClientErrc::unexpected_pdu, "only alter_context_resp may answer an authentication leg", 2);
  }
  if (state_ == State::binding) {
    if (p.ptype() == PType::bind_ack) return on_bind_ack(p, events);
    if (p.ptype() == PType::bind_nak) {
      // C706 12.6.4.5; a server that could not read the bind answers call_id 0.
      if (p.header.call_id != bind_->call_id && p.header.call_id != 0)
        return fail(ClientErrc::bind_call_id_mismatch, "bind_nak for another call_id", 12);
      const auto reason = p.as<pdu::BindNak>()->reason;
      close();
      events.emplace_back(client_event::BindRefused{reason});
      return {};
    }
    return fail(ClientErrc::unexpected_pdu, "only bind_ack or bind_nak may answer a bind", 2);
  }
  if (state_ != State::bound) return fail(ClientErrc::unexpected_pdu, "the server spoke before the bind", 2);
  switch (p.ptype()) {
    case PType::response: return on_response(p, events);
    case PType::fault: return on_fault(p, events);
    case PType::alter_context_resp:
      if (!alter_) return fail(ClientErrc::unexpected_pdu, "alter_context_resp without an alter_context", 2);
      return on_alter_resp(p, events);
    case PType::shutdown:
      events.emplace_back(client_event::ShutdownRequested{});
      return {};
    default: return fail(ClientErrc::unexpected_pdu, "a PTYPE a server does not send here", 2);
  }
}

Result<std::vector<ContextOutcome>> ClientAssociation::check_results(const pdu::BindAck& ack,
                                                                      const Offer& offer) const {
  // C706 12.6.4.4: one p_result_t per offered context, in order.
  if (ack.results.size() != offer.contexts.size())
    return fail(ClientErrc::result_count_mismatch, "result count differs from the contexts offered");
  std::vector<ContextOutcome> out;
  out.reserve(ack.results.size());
  for (std::size_t i = 0; i < ack.results.size(); ++i) {
    const auto& r = ack.results[i];
    const auto& c = offer.contexts[i];
    const auto offered = [&](const SyntaxId& s) { return std::ranges::find(c.transfer_syntaxes, s) != c.transfer_syntaxes.end(); };
    switch (r.result) {
      case pdu::ContextResult::acceptance:
        if (!offered(r.transfer_syntax) || syntax::is_bind_time_feature(r.transfer_syntax))
          return fail(ClientErrc::bad_context_result, "acceptance of a transfer syntax not offered");
        break;
      case pdu::ContextResult::negotiate_ack:
        // [MS-RPCE] 3.3.1.5.3: only for a bind-time feature context we offered.
        if (!std::ranges::any_of(c.transfer_syntaxes, syntax::is_bind_time_feature))
          return fail(ClientErrc::bad_context_result, "negotiate_ack for a context that offered no features");
        break;
      case pdu::ContextResult::user_rejection:
      case pdu::ContextResult::provider_rejection: break;
      default: return fail(ClientErrc::bad_context_result, "unknown p_cont_def_result_t");
    }
    out.push_back({c.context_id, c.abstract_syntax, r.result, r.reason, r.transfer_syntax});
  }
  return out;
}

Result<void> ClientAssociation::on_bind_ack(const pdu::Pdu& p, std::vector<ClientEvent>& events) {
  const auto& ack = *p.as<pdu::BindAck>();
  if (p.header.call_id != bind_->call_id) return fail(ClientErrc::bind_call_id_mismatch, "bind_ack for another call_id", 12);
  // [MS-RPCE] 3.3.1.5.2.1: the server may only lower the sizes offered, and
  // every implementation must handle 1432-octet fragments.
  if (ack.max_xmit_frag > limits_.max_recv_frag || ack.max_recv_frag > limits_.max_xmit_frag)
    return fail(ClientErrc::bad_negotiated_size, "bind_ack sizes above what the client offered", 16);
  if (ack.max_xmit_frag < kMustRecvFragSize || ack.max_recv_frag < kMustRecvFragSize)
    return fail(ClientErrc::bad_negotiated_size, "bind_ack sizes below 1432 octets", 16);
  if (group_ != 0 && ack.assoc_group_id != group_)
    return fail(ClientErrc::assoc_group_mismatch, "bind_ack names another association group", 20);
  auto results = RAMPART_TRY(check_results(ack, *bind_));
  for (const auto& r : results)
    for (auto& d : contexts_)
      if (d.offered.context_id == r.context_id) d.outcome = r;
  max_xmit_ = ack.max_recv_frag;
  max_recv_ = ack.max_xmit_frag;
  group_ = ack.assoc_group_id;
  // C706 12.6.3.1: concurrent multiplexing only if both sides set the flag.
  conc_mpx_ = conc_mpx_requested_ && p.header.has_flag(pdu::pfc::kConcMpx);
  framer_.set_max_frag_length(max_recv_);
  reassembler_.set_concurrent(conc_mpx_);
  client_event::Bound bound{std::move(results), group_, max_xmit_, max_recv_, conc_mpx_, ack.secondary_address};
  if (!security_) {
    bind_.reset();
    state_ = State::bound;
    events.emplace_back(std::move(bound));
    return {};
  }
  bound_later_ = std::move(bound);
  return next_auth_leg(p, events);
}

Result<void> ClientAssociation::next_auth_leg(const pdu::Pdu& p, std::vector<ClientEvent>& events) {
  const auto next = RAMPART_TRY(security_->on_server_token(p));
  if (next == ClientSecurity::Next::alter) {
    // [MS-RPCE] 3.3.1.5.3: the next leg rides an alter_context that
    // re-offers the bind's contexts with the same ids.
    const Offer& from = bind_ ? *bind_ : *auth_alter_;
    Offer again{allocate_call_id(), from.contexts};
    client_event::Send send;
    send_bind_family(pdu::PType::alter_context, again, conc_mpx_ ? pdu::pfc::kConcMpx : 0, group_, send.bytes);
    auth_alter_ = std::move(again);
    bind_.reset();
    state_ = State::authenticating;
    events.emplace_back(std::move(send));
    return {};
  }
  if (next == ClientSecurity::Next::auth3) {
    // [MS-RPCE] 2.2.2.10: rpc_auth_3 goes on the bind's call_id; nothing answers it.
    pdu::Pdu a;
    a.header.ptype = pdu::PType::auth3;
    a.header.pfc_flags = pdu::pfc::kFirstLast;
    a.header.drep = drep_;
    a.header.call_id = p.header.call_id;
    a.body = pdu::Auth3{};
    a.auth = security_->verifier();
    client_event::Send send;
    pdu::encode(a, send.bytes);
    events.emplace_back(std::move(send));
  }
  bind_.reset();
  auth_alter_.reset();
  state_ = State::bound;
  events.emplace_back(std::move(*bound_later_));
  bound_later_.reset();
  return {};
}

Result<void> ClientAssociation::on_auth_alter_resp(const pdu::Pdu& p, std::vector<ClientEvent>& events) {
  const auto& resp = *p.as<pdu::AlterContextResp>();
  if (p.header.call_id != auth_alter_->call_id)
    return fail(ClientErrc::bind_call_id_mismatch, "alter_context_resp for another call_id", 12);
  if (resp.assoc_group_id != 0 && resp.assoc_group_id != group_)
    return fail(ClientErrc::assoc_group_mismatch, "alter_context_resp names another association group", 20);
  (void)RAMPART_TRY(check_results(resp, *auth_alter_));
  return next_auth_leg(p, events);
}

Result<void> ClientAssociation::on_alter_resp(const pdu::Pdu& p, std::vector<ClientEvent>& events) {
  const auto& resp = *p.as<pdu::AlterContextResp>();
  if (p.header.call_id != alter_->call_id)
    return fail(ClientErrc::bind_call_id_mismatch, "alter_context_resp for another call_id", 12);
  if (resp.assoc_group_id != 0 && resp.assoc_group_id != group_)
    return fail(ClientErrc::assoc_group_mismatch, "alter_context_resp names another association group", 20);
  auto results = RAMPART_TRY(check_results(resp, *alter_));
  for (const auto& r : results)
    for (auto& d : contexts_)
      if (d.offered.context_id == r.context_id) d.outcome = r;
  alter_.reset();
  events.emplace_back(client_event::Altered{std::move(results)});
  return {};
}

}  // namespace rampart::runtime
