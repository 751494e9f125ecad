// Requests: reassembly, dispatch by presentation context -> interface ->
// opnum, completion (inline or late), cancel/orphan and call time budgets.
#include "rampart/pdu/status.hpp"
#include "rampart/runtime/association.hpp"
#include "rampart/runtime/errc.hpp"
#include "rampart/runtime/frag_errc.hpp"
#include "rampart/runtime/fragmenter.hpp"
#include "rampart/pdu/verification_trailer.hpp"

namespace rampart::runtime {

namespace {

// What a later request fragment claims beyond its call_id, PTYPE and drep.
bool claims_differ(const pdu::Pdu& f, const CallIdentity& first) {
  const auto id = identity_of(f);
  if (!id) return false;
  const bool auth_differs = id->auth && first.auth && id->auth != first.auth;
  return id->context_id != first.context_id || id->opnum != first.opnum || id->object != first.object ||
         auth_differs;
}

void adopt_first_identity(pdu::Pdu& f, const CallIdentity& first) {
  auto* q = std::get_if<pdu::Request>(&f.body);
  if (!q) return;
  q->context_id = first.context_id;
  q->opnum = first.opnum;
  q->object = first.object;
  if (f.auth && first.auth) {
    f.auth->auth_type = static_cast<std::uint8_t>((*first.auth)[0]);
    f.auth->auth_level = static_cast<std::uint8_t>((*first.auth)[1]);
    f.auth->auth_context_id = (*first.auth)[2];
  }
}

}  // namespace

// [MS-RPCE] 3.3.1.5.2.2 and Windows' answers as raw_protocol records them
// (test_ntlmssp_auth_*middle*, test_ntlmssp_multi_auth_*). A first fragment
// while a call is reassembling is a protocol error, or DCERPC_FAULT_SEC_PKG_ERROR
// when it repeats that call with another security context on the same
// presentation context; without CONC_MPX the fault answers the reassembling
// call. A later fragment continues the call with its call_id; one without
// such a call is a protocol error answered for context 0 without CONC_MPX,
// and with CONC_MPX first checked for its context (unknown: nca_s_unk_if)
// and security context (invalid: access denied).
Association::FragmentRoute Association::route_fragment(const pdu::Pdu& wire) const {
  const auto& q = *wire.as<pdu::Request>();
  const auto same = reassembler_.partial_call(wire.header.call_id);
  const auto open = reassembler_.first_in_progress();
  auto refuse = [&](Error e, const std::optional<CallIdentity>& on, std::uint16_t ctx) {
    FragmentRoute r{std::nullopt, std::move(e), wire.header, ctx};
    if (on) {
      r.header.call_id = on->call_id;
      r.header.drep = on->drep;
    }
    return r;
  };
  const Error unexpected(FragErrc::unexpected_fragment, "continuation fragment with no call in progress", 3);
  if (wire.header.is_first_frag()) {
    if (!open) return {};
    Error e(FragErrc::call_in_progress, "new call while another is reassembling", 3);
    const auto named = wire.auth ? std::optional<std::uint32_t>(wire.auth->auth_context_id) : std::nullopt;
    const auto governing = same && same->auth ? std::optional<std::uint32_t>((*same->auth)[2]) : std::nullopt;
    if (same && named && named != governing && q.context_id == same->context_id)
      e = Error(Errc::first_fragment_switches_auth, "first fragment repeats a call under another security context", 10);
    if (!conc_mpx_) return refuse(std::move(e), open, open->context_id);
    return refuse(std::move(e), std::nullopt, same ? same->context_id : std::uint16_t{0});
  }
  if (same) return {same, std::nullopt, wire.header, same->context_id};
  if (!conc_mpx_) return open ? refuse(unexpected, open, open->context_id) : refuse(unexpected, std::nullopt, 0);
  if (open) return refuse(unexpected, std::nullopt, 0);
  if (!contexts_.contains(q.context_id))
    return refuse(Error(Errc::unknown_context, "request names an undefined context", 20), std::nullopt, 0);
  if (auto bad = fragment_auth_invalid(wire)) return refuse(std::move(*bad), std::nullopt, q.context_id);
  return refuse(unexpected, std::nullopt, q.context_id);
}

void Association::handle_request(const pdu::Pdu& wire, std::span<const std::uint8_t> frame, Output& out) {
  // Which call a fragment belongs to is settled before its verifier is
  // read, in the order Windows follows (Samba's dcesrv_process_ncacn_packet
  // mirrors it; raw_protocol test_ntlmssp_auth_*middle*, _multi_auth_*).
  const FragmentRoute route = route_fragment(wire);
  if (route.refusal) return apply_reaction(*route.refusal, Phase::in_call, &route.header, out, route.context_id);
  // C5: every fragment is verified (and unsealed) before anything else
  // reads it: a first fragment against the context its sec_trailer names,
  // a later one against its call's (CVE-2021-23192).
  std::vector<std::uint8_t> plain;
  auto auth_context = route.continues ? verify_continuation(frame, wire, *route.continues, plain)
                                      : verify_request(frame, wire, plain);
  if (!auth_context) {
    // A request before the exchange completed is answered for context 0
    // (test_spnego_unfinished_request); a later fragment for its call's
    // (test_ntlmssp_multi_auth_first1_lastSame2); the others name the request's.
    std::uint16_t ctx = wire.as<pdu::Request>()->context_id;
    if (auth_context.error().is(Errc::auth_unfinished)) ctx = 0;
    if (route.continues) ctx = route.continues->context_id;
    return apply_reaction(auth_context.error(), Phase::in_call, &wire.header, out, ctx);
  }
  std::optional<pdu::Pdu> unsealed;
  if (!plain.empty()) {
    auto decoded = pdu::decode(plain, framer_.limits());
    if (!decoded) return apply_reaction(decoded.error(), Phase::in_call, &wire.header, out);
    unsealed = std::move(*decoded);
  }
  if (route.continues && claims_differ(unsealed ? *unsealed : wire, *route.continues)) {
    // Windows ignores what a later fragment says of its context, opnum,
    // object and security context: the first fragment's govern the call
    // (test_ntlmssp_multi_auth_first1_lastSame111).
    if (!unsealed) unsealed = wire;
    adopt_first_identity(*unsealed, *route.continues);
  }
  const pdu::Pdu& pdu = unsealed ? *unsealed : wire;
  auto call = reassembler_.add(pdu);
  if (!call) return apply_reaction(call.error(), Phase::in_call, &pdu.header, out);
  if (*call) {
    const auto& first = (**call).identity.auth;
    const std::optional<std::uint32_t> governing = first ? std::optional<std::uint32_t>((*first)[2]) : std::nullopt;
    dispatch(std::move(**call), out, governing);
  }
}

Result<void> Association::check_dispatchable(const ReassembledCall& call) const {
  const CallIdentity& id = call.identity;
  if (pending_.size() >= limits_->max_pending_calls)
    return fail(Errc::too_many_pending_calls, "pending call cap reached", 12);
  if (pending_.contains(id.call_id)) return fail(Errc::duplicate_call_id, "call_id still pending", 12);
  auto it = contexts_.find(id.context_id);
  if (it == contexts_.end() || !it->second.iface)
    return fail(Errc::unknown_context, "request names an undefined or rejected context", 20);
  const Interface& iface = *it->second.iface;
  if (!core_.interfaces.contains(iface))
    return fail(Errc::interface_unregistered, "the context's interface is no longer registered", 20);
  if (id.opnum >= iface.operation_count()) return fail(Errc::opnum_out_of_range, "opnum out of range", 22);
  // C14: the transport and caller are checked before anything is unmarshalled.
  if (!iface.allows_peer(peer_, id.opnum))
    return fail(Errc::remote_caller_refused, "interface refuses this caller", 22);
  return {};
}

void Association::dispatch(ReassembledCall call, Output& out, std::optional<std::uint32_t> auth_context) {
  const CallIdentity& id = call.identity;
  const CallKey key{id.call_id, id.context_id, id.drep, auth_context};
  auto ok = check_dispatchable(call);
  if (ok) ok = check_policy(call, auth_context);
  if (ok && auth_context) ok = check_verification_trailer(call);
  if (!ok) {
    const Reaction r = react(ok.error(), Phase::in_call);
    core_.events->protocol_error(peer_, ok.error(), r);
    // A fault for a context the connection does not have names context 0,
    // as Windows sends it (test_assoc_group_ok1).
    const bool known = contexts_.contains(key.context_id);
    send_fault({key.call_id, known ? key.context_id : std::uint16_t{0}, key.drep}, r.fault_status,
               r.did_not_execute, out);
    if (r.close_after) close(out);
    return;
  }
  const Context& ctx = contexts_.at(id.context_id);
  core_.stats.calls_in.fetch_add(1, std::memory_order_relaxed);
  auto slot = std::make_shared<Responder::Slot>();
  const CallContext cc{peer_, *group_, id.call_id, id.context_id, id.opnum, id.object, id.drep,
                       ctx.transfer_syntax, call.stub, call_auth(auth_context)};
  try {
    ctx.iface->call(cc, Responder(slot));
  } catch (const std::exception&) {
    // A handler bug fails its call, never the server.
    const Error e(Errc::handler_failed, "handler threw", 0);
    const Reaction r = react(e, Phase::in_call);
    core_.events->protocol_error(peer_, e, r);
    Responder(slot).respond(CallOutcome::fault(r.fault_status, r.did_not_execute));
  }
  std::unique_lock lock(slot->mutex);
  slot->call_returned = true;
  if (slot->inline_outcome) {
    CallOutcome outcome = std::move(*slot->inline_outcome);
    lock.unlock();
    reply(key, outcome, out);
    return;
  }
  // Answered later: the outcome travels through the poster to this
  // connection's thread; if the association is gone by then, it is dropped.
  std::weak_ptr<Association*> weak = alive_;
  slot->deliver = [weak, poster = poster_, key](CallOutcome outcome) {
    if (!poster || weak.expired()) return;  // the connection is gone
    poster([weak, key, outcome = std::move(outcome)](Output& o) mutable {
      if (auto self = weak.lock()) (*self)->complete_late(key, std::move(outcome), o);
    });
  };
  pending_.emplace(key.call_id,
                   PendingCall{key.context_id, key.drep, Clock::now() + limits_->call_timeout, key.auth_context});
}

CallAuth Association::call_auth(std::optional<std::uint32_t> auth_context) const {
  const AuthContext* c = nullptr;
  if (auth_context) {
    if (auto it = auth_.find(*auth_context); it != auth_.end()) c = &it->second;
  } else {
    // A request without a verifier on a connect-level connection is
    // authenticated by that connection's context.
    std::uint8_t best = 1;  // a context at level none authenticates nothing
    for (const auto& [id, candidate] : auth_) {
      if (candidate.state == AuthContext::State::established && candidate.auth_level > best) {
        c = &candidate;
        best = candidate.auth_level;
      }
    }
  }
  if (c == nullptr || c->state != AuthContext::State::established) return {};
  return {c->auth_type, c->auth_level, c->principal == security::kAnonymousLogon, c->context_id, c->principal};
}

void Association::complete_late(const CallKey& key, CallOutcome outcome, Output& out) {
  auto it = pending_.find(key.call_id);
  if (it == pending_.end()) return;  // timed out or the connection moved on
  pending_.erase(it);
  if (state_ != State::closed) reply(key, outcome, out);
}

void Association::reply(const CallKey& key, const CallOutcome& outcome, Output& out) {
  core_.stats.calls_out.fetch_add(1, std::memory_order_relaxed);
  if (outcome.is_fault()) return send_fault(key, outcome.fault_status, outcome.did_not_execute, out);
  pdu::Pdu response;
  response.header.ptype = pdu::PType::response;
  response.header.call_id = key.call_id;
  response.header.drep = key.drep;
  // Windows answers with the context id truncated to its low octet
  // (raw_protocol test_orphaned_*: context 0xffff is answered as 0xff).
  response.body = pdu::Response{0, static_cast<std::uint16_t>(key.context_id & 0xff), 0, 0, outcome.stub};
  send_response(key, response, out);
}

// [MS-RPCE] 3.3.1.5.2.2: a response goes out under the context of its
// request, signed or sealed in every fragment; connect level sends it plain.
void Association::send_response(const CallKey& key, const pdu::Pdu& response, Output& out) {
  security::PduProtection* protection = nullptr;
  if (key.auth_context) {
    auto it = auth_.find(*key.auth_context);
    if (it != auth_.end()) protection = it->second.protection.get();
  }
  std::size_t fragments = 0;
  if (protection) {
    auto sent = fragment_protected(response, max_xmit_, *protection, out.send);
    if (!sent) {
      // The send side of the provider failed: nothing sane can follow.
      core_.events->protocol_error(peer_, sent.error(), Reaction{});
      return close(out);
    }
    fragments = *sent;
  } else {
    fragments = fragment(response, max_xmit_, out.send);
  }
  core_.stats.pkts_out.fetch_add(static_cast<std::uint32_t>(fragments), std::memory_order_relaxed);
}

// rampartd.toml [security]: the call's interface and opnum against how it
// is authenticated; every denial is reported with its reason.
Result<void> Association::check_policy(const ReassembledCall& call, std::optional<std::uint32_t> auth_context) const {
  const auto policy = core_.policy();
  if (!policy) return {};
  const CallAuth how = call_auth(auth_context);
  const Context& ctx = contexts_.at(call.identity.context_id);
  if (auto why = policy->check(ctx.abstract_syntax.uuid, call.identity.opnum, peer_, how)) {
    core_.events->auth_denied(peer_, *why);
    return fail(Errc::auth_policy_denied, "the authentication policy refuses the call", 0);
  }
  return {};
}

// [MS-RPCE] 2.2.2.13: when the last fragment's stub ends in a verification
// trailer, its commands must agree with the call (Samba's
// dcesrv_call_verify_trailer); the trailer is not part of the stub the
// handler sees.
Result<void> Association::check_verification_trailer(ReassembledCall& call) const {
  auto found = pdu::find_verification_trailer(call.stub, call.identity.drep);
  if (!found) return fail(Errc::verification_trailer_mismatch, "malformed verification trailer", 0);
  if (!*found) return {};
  const CallIdentity& id = call.identity;
  const Context& ctx = contexts_.at(id.context_id);
  for (const auto& cmd : (*found)->trailer.commands) {
    bool agrees = true;
    if (const auto* h = std::get_if<pdu::VtHeader2>(&cmd.body)) {
      agrees = h->ptype == static_cast<std::uint8_t>(pdu::PType::request) && h->call_id == id.call_id &&
               h->context_id == id.context_id && h->opnum == id.opnum && h->drep == id.drep.encode();
    } else if (const auto* p = std::get_if<pdu::VtPContext>(&cmd.body)) {
      agrees = p->interface_id == ctx.abstract_syntax && p->transfer_syntax == ctx.transfer_syntax;
    } else if (std::holds_alternative<pdu::VtUnknown>(cmd.body)) {
      agrees = !cmd.must_process;
    }
    if (!agrees) return fail(Errc::verification_trailer_mismatch, "verification trailer disagrees with the call", 0);
  }
  call.stub = call.stub.first((*found)->offset);
  return {};
}

void Association::send_fault(const CallKey& key, std::uint32_t status, bool did_not_execute, Output& out) {
  pdu::Pdu fault;
  fault.header.ptype = pdu::PType::fault;
  fault.header.call_id = key.call_id;
  fault.header.drep = key.drep;
  fault.header.pfc_flags = pdu::pfc::kFirstLast | (did_not_execute ? pdu::pfc::kDidNotExecute : 0);
  // [MS-RPCE] 2.2.2.8: servers send no stub data in a fault. alloc_hint is
  // 24 as Samba 4.17 sends it (tests/golden/captures/raw_epm_opnum_out_of_range).
  fault.body = pdu::Fault{24, key.context_id, 0, 0, status, 0, {}};
  send(fault, out);
}

void Association::handle_cancel(const pdu::Pdu& pdu, bool orphaned) const noexcept {
  // Windows ignores co_cancel and orphaned entirely: a call being
  // reassembled goes on taking fragments and a dispatched one is answered
  // (raw_protocol test_co_cancel_*, test_orphaned_*). Nothing is kept, so
  // a flood of them costs nothing but the framing.
  (void)pdu;
  (void)orphaned;
}

void Association::on_tick(Clock::time_point now, Output& out) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    const CallKey key{it->first, it->second.context_id, it->second.drep};
    it = pending_.erase(it);
    const Error e(Errc::call_timed_out, "handler exceeded its time budget", 0);
    const Reaction r = react(e, Phase::in_call);
    core_.events->protocol_error(peer_, e, r);
    send_fault(key, r.fault_status, r.did_not_execute, out);
  }
}

}  // namespace rampart::runtime
