// rampartd's command line (CLI11). Options override the configuration file;
// --listen replaces the configured TCP listeners rather than adding to them.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config.hpp"

namespace rampartd {

struct CliOptions {
  std::optional<std::string> config_path;
  std::vector<std::string> listen;
  std::optional<std::string> local_socket;
  std::optional<std::string> static_socket;
  std::optional<std::string> user;
  std::optional<std::string> group;
  bool allow_root = false;
  std::optional<std::string> state_dir;
  std::optional<std::string> metrics;
  std::optional<std::size_t> threads;
  std::optional<std::string> log_format;
  std::optional<std::string> log_level;
  std::optional<bool> dcom;  // --dcom / --no-dcom
};

/// The options, or the exit status when the program should stop here:
/// 0 for --help and --version, 2 for a usage error (already printed), as
/// rampartd(8) documents.
[[nodiscard]] std::variant<CliOptions, int> parse_cli(int argc, const char* const* argv, const std::string& version);

/// Applies the command-line overrides to `config`.
[[nodiscard]] std::expected<void, std::string> apply_cli(const CliOptions& cli, Config& config);

}  // namespace rampartd
