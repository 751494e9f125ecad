#include "conversation.hpp"

#include <fmt/format.h>

#include "rampart/runtime/errc.hpp"
#include "stub_decoder.hpp"

namespace rampart::cli {

namespace {

using pdu::PType;
using runtime::Phase;

std::string_view phase_name(Phase p) noexcept {
  switch (p) {
    case Phase::awaiting_bind: return "awaiting_bind";
    case Phase::binding: return "binding";
    case Phase::altering: return "altering";
    case Phase::in_call: return "in_call";
    case Phase::bound: return "bound";
  }
  return "?";
}

bool is_bind_family(std::uint8_t t) noexcept {
  return t == static_cast<std::uint8_t>(PType::bind) || t == static_cast<std::uint8_t>(PType::alter_context);
}

}  // namespace

Direction direction_of_ptype(std::uint8_t ptype) noexcept {
  switch (static_cast<PType>(ptype)) {
    case PType::response:
    case PType::fault:
    case PType::bind_ack:
    case PType::bind_nak:
    case PType::alter_context_resp:
    case PType::shutdown: return Direction::server_to_client;
    default: return Direction::client_to_server;
  }
}

// The fault policy's phase for a PDU with this PTYPE octet, from the
// server's side: before bind everything is awaiting_bind but the bind
// itself; after it, alter_context is altering, a second bind binding and
// requests in_call.
Phase Conversation::phase_for(std::uint8_t ptype, Direction d) const noexcept {
  if (d == Direction::server_to_client) return bound_ ? Phase::bound : Phase::awaiting_bind;
  if (ptype == static_cast<std::uint8_t>(PType::bind)) return Phase::binding;
  if (!bound_) return Phase::awaiting_bind;
  if (ptype == static_cast<std::uint8_t>(PType::alter_context)) return Phase::altering;
  if (is_bind_family(ptype)) return Phase::binding;
  if (ptype == static_cast<std::uint8_t>(PType::request)) return Phase::in_call;
  return Phase::bound;
}

void Conversation::reject(const Error& e, std::uint8_t ptype, Direction d, PduReport& report) const {
  reject_in(e, phase_for(ptype, d), d, report);
}

void Conversation::reject_in(const Error& e, Phase phase, Direction d, PduReport& report) const {
  Violation v;
  v.rule = fmt::format("{}.{}", to_string(e.domain()), e.code_name());
  v.message = e.to_string();
  v.phase = phase_name(phase);
  // Rampart's fault policy answers clients; as a client it drops a server
  // that breaks a rule (runtime/client_association.hpp).
  v.reaction = d == Direction::server_to_client ? "close" : runtime::react(e, phase).describe();
  report.violation = std::move(v);
}

void Conversation::explain(std::span<const std::uint8_t> bytes, Direction direction, PduReport& report) {
  const std::uint8_t ptype = bytes.size() > 2 ? bytes[2] : 0xff;
  auto decoded = pdu::decode(bytes);
  if (!decoded) {
    if (pdu::is_connection_oriented(ptype)) report.ptype = std::string(pdu::to_string(static_cast<PType>(ptype)));
    return reject(decoded.error(), ptype, direction, report);
  }
  report.ptype = std::string(pdu::to_string(decoded->ptype()));
  report.describe = pdu::describe(*decoded);
  if (direction == Direction::server_to_client)
    from_server(*decoded, report);
  else
    from_client(*decoded, report);
}

// The association's rules on PDU order (runtime/association.cpp): a bind
// first and only once, and nothing a server sends.
Result<void> Conversation::check_order(const pdu::Pdu& p) const {
  using E = runtime::Errc;
  if (direction_of_ptype(static_cast<std::uint8_t>(p.ptype())) == Direction::server_to_client)
    return fail(E::unexpected_pdu, "a PTYPE only a server sends");
  if (!bound_ && p.ptype() != PType::bind) return fail(E::request_before_bind, "the first PDU must be a bind");
  if (bound_ && p.ptype() == PType::bind) return fail(E::second_bind, "one bind per connection");
  return {};
}

void Conversation::from_client(const pdu::Pdu& p, PduReport& report) {
  if (auto ok = check_order(p); !ok) return reject(ok.error(), static_cast<std::uint8_t>(p.ptype()), Direction::client_to_server, report);
  if (const auto* b = p.as<pdu::Bind>()) {
    bound_ = true;
    requests_.set_concurrent(p.header.has_flag(pdu::pfc::kConcMpx));
    return on_bind(p, *b, report);
  }
  if (const auto* a = p.as<pdu::AlterContext>()) return on_bind(p, *a, report);
  if (const auto* r = p.as<pdu::Request>()) return on_request(p, *r, report);
  if (p.ptype() == PType::co_cancel || p.ptype() == PType::orphaned) requests_.abandon(p.header.call_id);
}

void Conversation::on_bind(const pdu::Pdu& p, const pdu::Bind& b, PduReport& report) {
  auto& offer = offers_[p.header.call_id];
  offer.clear();
  for (const auto& c : b.contexts) {
    contexts_[c.context_id] = Context{c.abstract_syntax, true};
    offer.push_back(c.context_id);
    report.interface += fmt::format("{}[{}] {}", report.interface.empty() ? "" : ", ", c.context_id,
                                    interface_label(c.abstract_syntax));
  }
}

Result<void> Conversation::check_call(const pdu::Request& r) const {
  using E = runtime::Errc;
  const auto it = contexts_.find(r.context_id);
  if (it == contexts_.end() || !it->second.accepted)
    return fail(E::unknown_context, "the request names a context that was not accepted");
  const auto count = operation_count(it->second.abstract_syntax);
  if (count && r.opnum >= *count) return fail(E::opnum_out_of_range, "opnum beyond the interface's operations");
  return {};
}

void Conversation::on_request(const pdu::Pdu& p, const pdu::Request& r, PduReport& report) {
  if (auto ok = check_call(r); !ok) return reject_in(ok.error(), Phase::in_call, Direction::client_to_server, report);
  const SyntaxId& iface = contexts_.at(r.context_id).abstract_syntax;
  report.interface = interface_label(iface);
  if (const auto name = operation_name(iface, r.opnum); !name.empty()) report.operation = name + " request";
  if (p.header.is_first_frag()) calls_[p.header.call_id] = Call{r.context_id, r.opnum, iface};
  auto whole = requests_.add(p);
  if (!whole) return reject_in(whole.error(), Phase::in_call, Direction::client_to_server, report);
  if (!*whole) {
    report.notes.push_back("fragment; the stub is decoded at the last fragment");
    return;
  }
  if ((*whole)->fragments > 1) report.notes.push_back(fmt::format("last of {} fragments", (*whole)->fragments));
  decode_stub(calls_[p.header.call_id], true, **whole, report, Phase::in_call);
}

void Conversation::decode_stub(const Call& call, bool request, const runtime::ReassembledCall& whole,
                               PduReport& report, Phase phase) {
  if (!call.interface) return;
  auto text = describe_stub(*call.interface, call.opnum, request, whole.stub, whole.identity.drep);
  if (!text) return;
  if (!*text)
    return reject_in(text->error(), phase,
                     request ? Direction::client_to_server : Direction::server_to_client, report);
  report.stub = std::move(**text);
}

void Conversation::from_server(const pdu::Pdu& p, PduReport& report) {
  if (const auto* a = p.as<pdu::BindAck>()) {
    bound_ = true;
    return on_bind_result(p, *a);
  }
  if (const auto* a = p.as<pdu::AlterContextResp>()) return on_bind_result(p, *a);
  if (p.ptype() == PType::bind_nak) {
    bound_ = false;
    contexts_.clear();
    return;
  }
  if (p.ptype() == PType::response) return on_response(p, report);
  if (p.ptype() == PType::fault) {
    responses_.abandon(p.header.call_id);
    calls_.erase(p.header.call_id);
  }
}

// Marks each offered context with the server's answer, in offer order
// (C706 12.6.4.4: p_result_list follows p_context_elem).
void Conversation::on_bind_result(const pdu::Pdu& p, const pdu::BindAck& ack) {
  const auto it = offers_.find(p.header.call_id);
  if (it == offers_.end()) return;
  for (std::size_t i = 0; i < it->second.size() && i < ack.results.size(); ++i) {
    auto c = contexts_.find(it->second[i]);
    if (c != contexts_.end()) c->second.accepted = ack.results[i].result == pdu::ContextResult::acceptance;
  }
  offers_.erase(it);
}

void Conversation::on_response(const pdu::Pdu& p, PduReport& report) {
  const auto call = calls_.find(p.header.call_id);
  if (call != calls_.end() && call->second.interface) {
    report.interface = interface_label(*call->second.interface);
    if (const auto name = operation_name(*call->second.interface, call->second.opnum); !name.empty())
      report.operation = name + " response";
  }
  responses_.set_concurrent(true);
  auto whole = responses_.add(p);
  if (!whole) return reject_in(whole.error(), phase_for(0, Direction::server_to_client), Direction::server_to_client, report);
  if (!*whole) {
    report.notes.push_back("fragment; the stub is decoded at the last fragment");
    return;
  }
  if ((*whole)->fragments > 1) report.notes.push_back(fmt::format("last of {} fragments", (*whole)->fragments));
  if (call == calls_.end()) return report.notes.push_back("no request with this call_id was seen");
  decode_stub(call->second, false, **whole, report, Phase::bound);
  calls_.erase(call);
}

}  // namespace rampart::cli
