// ClientAssociation calls: requests fragmented to the negotiated size,
// responses reassembled under the client's caps, faults, co_cancel and
// orphaned (C706 12.6.4.6-12.6.4.10, [MS-RPCE] 3.3.3.5).
#include <algorithm>
#include <limits>

#include "rampart/runtime/client_association.hpp"
#include "rampart/runtime/fragmenter.hpp"
#include "rampart/pdu/verification_trailer.hpp"

namespace rampart::runtime {

ClientAssociation::Pending* ClientAssociation::find_pending(std::uint32_t call_id) noexcept {
  auto it = std::ranges::find(pending_, call_id, &Pending::call_id);
  return it == pending_.end() ? nullptr : &*it;
}

void ClientAssociation::forget(std::uint32_t call_id, bool remember_orphan) {
  std::erase_if(pending_, [&](const Pending& p) { return p.call_id == call_id; });
  reassembler_.abandon(call_id);
  if (!remember_orphan || limits_.orphan_memory == 0) return;
  // Bounded (docs/hardening.md C13): the oldest orphan is forgotten first.
  if (orphaned_.size() >= limits_.orphan_memory) orphaned_.pop_front();
  orphaned_.push_back(call_id);
}

bool ClientAssociation::was_orphaned(std::uint32_t call_id) const noexcept {
  return std::ranges::find(orphaned_, call_id) != orphaned_.end();
}

Result<std::uint32_t> ClientAssociation::begin_call(const ClientCall& call, Output& out) {
  if (state_ != State::bound) return fail(ClientErrc::not_connected, "calls need a bound association");
  const auto ctx = std::ranges::find_if(contexts_, [&](const Defined& d) {
    return d.offered.context_id == call.context_id && d.outcome && d.outcome->accepted();
  });
  if (ctx == contexts_.end()) return fail(ClientErrc::unknown_context, "the context is not accepted");
  if (pending_.size() >= limits_.max_pending_calls)
    return fail(ClientErrc::too_many_calls, "ClientLimits::max_pending_calls reached");
  // C706 12.4: without concurrent multiplexing one call at a time.
  if (!conc_mpx_ && !pending_.empty()) return fail(ClientErrc::too_many_calls, "a call is pending (no CONC_MPX)");
  if (call.stub.size() > std::numeric_limits<std::uint32_t>::max())
    return fail(ClientErrc::wrong_state, "stub larger than alloc_hint can describe");
  if (call.call_id && (*call.call_id == 0 || find_pending(*call.call_id) || was_orphaned(*call.call_id)))
    return fail(ClientErrc::duplicate_call_id, "call_id 0, pending or recently orphaned");
  const std::uint32_t call_id = call.call_id ? *call.call_id : allocate_call_id();
  const bool protect = security_ && security_->protection();
  std::vector<std::uint8_t> stub_vt;
  std::span<const std::uint8_t> stub = call.stub;
  if (protect && security_->auth().verification_trailer) {
    stub_vt = with_verification_trailer(call, call_id);
    stub = stub_vt;
  }
  pdu::Pdu whole;
  whole.header.ptype = pdu::PType::request;
  whole.header.drep = drep_;
  whole.header.call_id = call_id;
  whole.header.pfc_flags = call.object ? pdu::pfc::kObjectUuid : 0;
  whole.body = pdu::Request{static_cast<std::uint32_t>(stub.size()), call.context_id, call.opnum, call.object, stub};
  // C706 12.6.3.1: no fragment above the negotiated max_xmit_frag, auth
  // trailer included ([MS-RPCE] 2.2.2.11).
  if (protect) {
    RAMPART_CHECK(security_->fragment_request(whole, max_xmit_, out.send));
  } else {
    fragment(whole, max_xmit_, out.send);
  }
  pending_.push_back({call_id, call.context_id});
  return call_id;
}

std::vector<std::uint8_t> ClientAssociation::with_verification_trailer(const ClientCall& call,
                                                                       std::uint32_t call_id) const {
  // [MS-RPCE] 2.2.2.13: lets the server check what the signature may not
  // cover: whether the client asked for header signing, the presentation
  // context's syntaxes, and the header fields of the call.
  pdu::VerificationTrailer vt;
  vt.commands.reserve(3);
  const std::uint32_t header_sign_bit = security_->bind_flags() != 0 ? 1U : 0U;
  vt.commands.push_back({false, pdu::VtBitmask1{header_sign_bit}});
  for (const auto& d : contexts_) {
    if (d.offered.context_id == call.context_id && d.outcome) {
      vt.commands.push_back({false, pdu::VtPContext{d.offered.abstract_syntax, d.outcome->transfer_syntax}});
    }
  }
  pdu::VtHeader2 h2;
  h2.ptype = static_cast<std::uint8_t>(pdu::PType::request);
  h2.drep = drep_.encode();
  h2.call_id = call_id;
  h2.context_id = call.context_id;
  h2.opnum = call.opnum;
  vt.commands.push_back({false, h2});
  std::vector<std::uint8_t> out;
  // Stub, alignment, signature and at most 44 octets per command: sized once.
  out.reserve(call.stub.size() + 3 + 8 + 44 * vt.commands.size());
  ByteWriter w(out, drep_);
  w.bytes(call.stub);
  vt.encode(w);
  return out;
}

bool ClientAssociation::cancel(std::uint32_t call_id, bool orphan, Output& out) {
  if (state_ != State::bound || !find_pending(call_id)) return false;
  pdu::Pdu p;
  p.header.ptype = orphan ? pdu::PType::orphaned : pdu::PType::co_cancel;
  p.header.pfc_flags = pdu::pfc::kFirstLast;
  p.header.drep = drep_;
  p.header.call_id = call_id;
  if (orphan) {
    p.body = pdu::Orphaned{};
    forget(call_id, true);
  } else {
    p.body = pdu::CoCancel{};
  }
  pdu::encode(p, out.send);
  return true;
}

Result<void> ClientAssociation::on_response(const pdu::Pdu& p, std::vector<ClientEvent>& events) {
  const auto& resp = *p.as<pdu::Response>();
  const Pending* pending = find_pending(p.header.call_id);
  if (!pending) {
    if (was_orphaned(p.header.call_id)) return {};  // a late answer to an orphaned call
    return fail(ClientErrc::unknown_call_id, "response for no pending call", 12);
  }
  if (resp.context_id != pending->context_id)
    return fail(ClientErrc::context_mismatch, "response names another presentation context", 20);
  // C2/C3 in mirror image: identity of every fragment, stub and count caps.
  auto call = RAMPART_TRY(reassembler_.add(p));
  if (reassembler_.buffered_bytes() > limits_.max_buffered)
    return fail(ClientErrc::reassembly_too_large, "responses buffered above ClientLimits::max_buffered");
  if (!call) return {};
  client_event::CallCompleted done{call->identity.call_id, {}, call->identity.drep};
  if (!call->owned.empty()) {
    done.stub = std::move(call->owned);
    done.stub.resize(call->stub.size());
  } else {
    done.stub.assign(call->stub.begin(), call->stub.end());
  }
  forget(done.call_id, false);
  events.emplace_back(std::move(done));
  return {};
}

Result<void> ClientAssociation::on_fault(const pdu::Pdu& p, std::vector<ClientEvent>& events) {
  const auto& fault = *p.as<pdu::Fault>();
  if (!find_pending(p.header.call_id)) {
    if (was_orphaned(p.header.call_id)) return {};
    // A fault the client cannot attribute (a server that could not read
    // the call_id answers 0) fails the connection.
    return fail(ClientErrc::unknown_call_id, "fault for no pending call", 12);
  }
  // C706 12.6.4.7: a fault carries a status; zero would read as success.
  if (fault.status == 0) return fail(ClientErrc::unexpected_pdu, "fault with status 0", 24);
  // The context of a fault is not checked: servers fault with context 0
  // when the request's context was the problem (C706 12.6.4.7).
  forget(p.header.call_id, false);
  events.emplace_back(client_event::CallFaulted{p.header.call_id, fault.status,
                                                p.header.has_flag(pdu::pfc::kDidNotExecute)});
  return {};
}

}  // namespace rampart::runtime
