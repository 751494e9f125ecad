// Fingerprint rules (docs/probe.md, "Fingerprint").
#include "fingerprint.hpp"

namespace rampart::probe {

Fingerprint fingerprint(const Baseline& b, const std::vector<ProbeResult>&) {
  Fingerprint f{"unknown", "", "none", {}};
  if (!b.reachable) f.evidence.push_back("no connection");
  return f;
}

}  // namespace rampart::probe
