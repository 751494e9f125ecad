// From what a host did to a verdict (docs/probe.md, "Verdicts"), and from
// the octets it sent to a Reaction.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "probe.hpp"

namespace rampart::probe {

struct Classification {
  Verdict verdict = Verdict::inconclusive;
  std::string reason;
};

/// `alive_after` is the result of the liveness check run after a close or
/// silence (a fresh connection and bind), empty when none was needed.
[[nodiscard]] Classification classify(const Probe& p, const Reaction& r, std::optional<bool> alive_after);

/// The reaction a whole PDU represents: its kind and code (bind_nak reason,
/// fault status, first context result, or the last four stub octets of a
/// response, the status of every endpoint-mapper operation).
[[nodiscard]] Reaction reaction_from_pdu(std::span<const std::uint8_t> pdu_octets);

}  // namespace rampart::probe
