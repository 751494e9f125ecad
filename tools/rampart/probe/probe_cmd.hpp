// The `probe` subcommand (probe_cmd.cpp).
#pragma once

#include "cli_common.hpp"

namespace rampart::cli {

/// Exit codes of `rampart probe` beyond the common ones (rampart(1), EXIT STATUS).
inline constexpr int kExitProbeFinding = 4;     // a host had a lenient or divergent result
inline constexpr int kExitProbeVulnerable = 5;  // a host stopped serving after a probe

void add_probe_command(CLI::App& app, CommonOptions& common, Action& action);

}  // namespace rampart::cli
