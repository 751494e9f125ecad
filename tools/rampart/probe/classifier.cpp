// The verdict rules (docs/probe.md, "Verdicts"): evidence first, so a host
// that stops serving is reported even when its last answer looked right.
#include "classifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "rampart/pdu/pdu.hpp"
#include "wire.hpp"

namespace rampart::probe {

namespace {

// [MS-RPCE] 2.2.1.1.2: 90740320-fad0-11d3-82d7-009027b130ab, as a
// little-endian GUID on the wire (the only drep Windows sends).
constexpr std::array<std::uint8_t, 16> kExtendedErrorSignature{0x20, 0x03, 0x74, 0x90, 0xd0, 0xfa, 0xd3, 0x11,
                                                               0x82, 0xd7, 0x00, 0x90, 0x27, 0xb1, 0x30, 0xab};

bool has_extended_error_signature(std::span<const std::uint8_t> tail) {
  return std::search(tail.begin(), tail.end(), kExtendedErrorSignature.begin(), kExtendedErrorSignature.end()) !=
         tail.end();
}

std::string expected_list(const Probe& p) {
  std::string s;
  for (const auto& e : p.expected) s += (s.empty() ? "" : " or ") + e.describe();
  return s;
}

}  // namespace

Classification classify(const Probe& p, const Reaction& r, std::optional<bool> alive_after) {
  if (r.kind == ReactionKind::connect_failed)
    return {Verdict::inconclusive, "not run: " + r.detail};
  if (alive_after && !*alive_after)
    return {Verdict::vulnerable_pattern,
            fmt::format("after {} the host no longer accepted a connection and bind", r.describe())};
  if (r.kind == ReactionKind::response && !r.flaw.empty())
    return {Verdict::lenient, fmt::format("accepted: {}: {} (expected {})", r.describe(), r.flaw, expected_list(p))};
  const Expected* kind_match = nullptr;
  for (const auto& e : p.expected) {
    if (!e.matches_kind_and_code(r)) continue;
    if (!e.close_after || *e.close_after == r.closed_after) return {Verdict::correct, e.describe()};
    kind_match = &e;
  }
  for (const auto& a : p.accepting)
    if (a.matches_kind_and_code(r))
      return {Verdict::lenient, fmt::format("accepted: {} (expected {})", r.describe(), expected_list(p))};
  if (kind_match)
    return {Verdict::divergent, fmt::format("{} but the connection was {} (expected {})", to_string(r.kind),
                                            r.closed_after ? "closed" : "kept", kind_match->describe())};
  return {Verdict::divergent, fmt::format("{} (expected {})", r.describe(), expected_list(p))};
}

Reaction reaction_from_pdu(std::span<const std::uint8_t> octets) {
  Reaction out;
  auto decoded = pdu::decode(octets);
  if (!decoded) {
    out.kind = ReactionKind::malformed;
    out.detail = decoded.error().to_string();
    return out;
  }
  const auto& p = *decoded;
  if (const auto* ack = p.as<pdu::BindAck>()) {
    out.kind = ReactionKind::bind_ack;
    out.code = ack->results.empty() ? 0xffff : static_cast<std::uint32_t>(ack->results[0].result);
  } else if (const auto* alt = p.as<pdu::AlterContextResp>()) {
    out.kind = ReactionKind::alter_context_resp;
    out.code = alt->results.empty() ? 0xffff : static_cast<std::uint32_t>(alt->results[0].result);
  } else if (const auto* nak = p.as<pdu::BindNak>()) {
    out.kind = ReactionKind::bind_nak;
    out.code = static_cast<std::uint32_t>(nak->reason);
    out.extended_error = has_extended_error_signature(nak->tail);
  } else if (const auto* f = p.as<pdu::Fault>()) {
    out.kind = ReactionKind::fault;
    out.code = f->status;
    out.did_not_execute = p.header.has_flag(pdu::pfc::kDidNotExecute);
  } else if (const auto* resp = p.as<pdu::Response>()) {
    out.kind = ReactionKind::response;
    if (resp->stub.size() >= 4) {
      // The status is written in the responder's drep (C706 14.1).
      auto tail = resp->stub.subspan(resp->stub.size() - 4);
      out.code = p.header.drep.is_little()
                     ? wire::get_u32(tail, 0)
                     : (std::uint32_t{tail[0]} << 24 | std::uint32_t{tail[1]} << 16 | std::uint32_t{tail[2]} << 8 | tail[3]);
    }
  } else {
    out.kind = ReactionKind::malformed;
    out.detail = fmt::format("unexpected {}", pdu::to_string(p.ptype()));
  }
  return out;
}

}  // namespace rampart::probe
