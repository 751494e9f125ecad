// Naming the implementation behind an endpoint mapper from what it did
// (docs/probe.md, "Fingerprint"): only what the evidence allows.
#pragma once

#include <vector>

#include "report_types.hpp"

namespace rampart::probe {

[[nodiscard]] Fingerprint fingerprint(const Baseline& b, const std::vector<ProbeResult>& results);

}  // namespace rampart::probe
