// Association: framing, the per-state PDU table, and reactions.
// Binding lives in association_bind.cpp, calls in association_call.cpp.
#include "rampart/runtime/association.hpp"

#include <algorithm>

#include "rampart/base/byte_reader.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/runtime/errc.hpp"

namespace rampart::runtime {

Association::Association(ServerCore& core, PeerInfo peer, Poster poster, std::shared_ptr<const ServerLimits> limits)
    : core_(core),
      limits_(limits ? std::move(limits) : std::make_shared<const ServerLimits>(core.limits)),
      peer_(std::move(peer)),
      poster_(std::move(poster)),
      alive_(std::make_shared<Association*>(this)),
      reassembler_(limits_->fragments, false),
      providers_(core.providers()) {}

Association::~Association() { on_closed(); }

std::uint32_t Association::assoc_group_id() const noexcept { return group_ ? group_->id() : 0; }

void Association::on_closed() noexcept {
  if (state_ == State::closed) return;
  state_ = State::closed;
  pending_.clear();
  alive_.reset();  // late completions find nothing and are dropped
  // Each interface hears once, however many contexts named it.
  std::vector<Interface*> told;
  for (auto& [id, ctx] : contexts_) {
    if (!ctx.iface || std::ranges::find(told, ctx.iface.get()) != told.end()) continue;
    told.push_back(ctx.iface.get());
    ctx.iface->connection_closed(peer_);
  }
}

void Association::close(Output& out) noexcept {
  out.close = true;
  on_closed();
}

namespace {

// The PTYPE, call_id and drep of a header that failed validation, when they
// are still legible, so the reaction can name the call it answers.
std::optional<pdu::CommonHeader> salvage_header(std::span<const std::uint8_t> raw) {
  if (raw.size() < pdu::kHeaderSize || !pdu::is_connection_oriented(raw[2])) return std::nullopt;
  auto drep = Drep::decode({raw[4], raw[5], raw[6], raw[7]});
  if (!drep) return std::nullopt;
  pdu::CommonHeader h;
  h.ptype = static_cast<pdu::PType>(raw[2]);
  h.drep = *drep;
  ByteReader r(raw.subspan(12, 4), *drep);
  h.call_id = *r.u32();
  return h;
}

Phase phase_for(pdu::PType t, Association::State s) {
  if (s == Association::State::awaiting_bind) return t == pdu::PType::bind ? Phase::binding : Phase::awaiting_bind;
  if (t == pdu::PType::request) return Phase::in_call;
  if (t == pdu::PType::alter_context) return Phase::altering;
  return Phase::bound;
}
}  // namespace

void Association::on_bytes(std::span<const std::uint8_t> input, Output& out) {
  while (!input.empty() && state_ != State::closed) {
    if (step_outstanding_) {
      // A provider step is running: hold what arrives, within a bound.
      if (held_.size() + input.size() > limits_->max_held_input) {
        core_.events->protocol_error(peer_, Error(Errc::auth_busy, "input while authenticating exceeds the hold", 0),
                                     Reaction{});
        close(out);
        return;
      }
      held_.insert(held_.end(), input.begin(), input.end());
      return;
    }
    auto progress = framer_.feed(input);
    if (!progress) {
      // C1: a header that breaks a framing rule ends the stream; the framer
      // never resynchronises. A bind, alter_context or request whose call_id
      // can still be read is answered (bind_nak or fault) before the close.
      const auto salvaged = salvage_header(framer_.frame());
      const Phase phase = salvaged ? phase_for(salvaged->ptype, state_)
                          : state_ == State::awaiting_bind ? Phase::awaiting_bind
                                                           : Phase::bound;
      apply_reaction(progress.error(), phase, salvaged ? &*salvaged : nullptr, out);
      return;
    }
    input = input.subspan(progress->consumed);
    if (!progress->frame_ready) continue;
    core_.stats.pkts_in.fetch_add(1, std::memory_order_relaxed);
    handle_pdu(framer_.frame(), out);
    framer_.pop();
  }
}


void Association::handle_pdu(std::span<const std::uint8_t> frame, Output& out) {
  const pdu::CommonHeader& header = framer_.header();
  auto pdu = pdu::decode(frame, framer_.limits());
  if (!pdu) {
    apply_reaction(pdu.error(), phase_for(header.ptype, state_), &header, out);
    return;
  }
  using pdu::PType;
  if (state_ == State::awaiting_bind) {
    if (pdu->ptype() == PType::bind) {
      handle_bind(*pdu, out);
    } else {
      // Samba 4.17 and Windows answer a request before bind with bind_nak 4.
      const auto code = pdu->ptype() == PType::request ? Errc::request_before_bind : Errc::unexpected_pdu;
      apply_reaction(Error(code, "the first PDU on a connection must be a bind", 2), Phase::awaiting_bind, &header,
                     out);
    }
    return;
  }
  switch (pdu->ptype()) {
    case PType::request: return handle_request(*pdu, frame, out);
    case PType::auth3: return handle_auth3(*pdu, out);
    case PType::alter_context: return handle_alter_context(*pdu, out);
    case PType::co_cancel: return handle_cancel(*pdu, false);
    case PType::orphaned: return handle_cancel(*pdu, true);
    case PType::bind:
      return apply_reaction(Error(Errc::second_bind, "a connection has exactly one bind", 2), Phase::binding,
                            &header, out);
    default:
      // auth3 without a security context, shutdown (server to client only,
      // C706 12.6.4.11), and every server-to-client PTYPE.
      return apply_reaction(Error(Errc::unexpected_pdu, "a PTYPE a client does not send here", 2), Phase::bound,
                            &header, out);
  }
}

void Association::apply_reaction(const Error& error, Phase phase, const pdu::CommonHeader* header, Output& out,
                                 std::uint16_t context_id) {
  const Reaction r = react(error, phase);
  core_.events->protocol_error(peer_, error, r);
  const std::uint32_t call_id = header ? header->call_id : 0;
  const Drep drep = header ? header->drep : Drep::little();
  if (r.kind == Reaction::Kind::bind_nak) {
    // C706 12.6.4.5: the reason and the protocol versions the server
    // supports (5.0), padded to 24 octets as Windows sends it.
    static constexpr std::uint8_t kPad[3] = {0, 0, 0};
    pdu::Pdu nak;
    nak.header.ptype = pdu::PType::bind_nak;
    nak.header.call_id = call_id;
    nak.header.drep = drep;
    nak.body = pdu::BindNak{r.nak_reason, {{5, 0}}, kPad};
    send(nak, out);
  } else if (r.kind == Reaction::Kind::fault) {
    send_fault({call_id, context_id, drep}, r.fault_status, r.did_not_execute, out);
  }
  if (r.close_after) close(out);
}

void Association::send(const pdu::Pdu& pdu, Output& out) {
  pdu::encode(pdu, out.send);
  core_.stats.pkts_out.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace rampart::runtime
