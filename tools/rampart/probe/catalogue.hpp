// The named probes of `rampart probe` (docs/probe.md lists the same set;
// tools/rampart/probe/tests/catalogue_test.cpp keeps the two in step).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "probe.hpp"

namespace rampart::probe {

/// Every probe, in the order they run and are reported.
[[nodiscard]] const std::vector<Probe>& catalogue();

/// The probe named `id`, or null.
[[nodiscard]] const Probe* find_probe(std::string_view id);

/// The probes to run: the safe ones, plus the unsafe ones with `unsafe`;
/// `only` (ids or class names such as "C6"), when not empty, narrows the
/// set. Unknown names are returned in `unknown`.
[[nodiscard]] std::vector<const Probe*> select_probes(bool unsafe, std::span<const std::string> only,
                                                      std::vector<std::string>& unknown);

}  // namespace rampart::probe
