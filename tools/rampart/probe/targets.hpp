// Expanding `rampart probe` targets: host names and addresses as given,
// IPv4 CIDR ranges, and files of either (one per line, '#' comments).
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::probe {

struct TargetLimits {
  /// Hosts allowed without --force: a /20. A typo such as 10.0.0.0/8 must
  /// not start a 16-million-host scan.
  std::size_t max_hosts = 4096;
  /// The hard ceiling even with --force (a /12).
  static constexpr std::size_t kForcedMax = std::size_t{1} << 20;
};

/// Appends the hosts `spec` names to `out`. For CIDR prefixes up to /30 the
/// network and broadcast addresses are left out (they are not hosts). Fails
/// with a message for a malformed range, or one that would exceed `max_hosts`
/// in total.
[[nodiscard]] std::expected<void, std::string> expand_target(std::string_view spec, std::size_t max_hosts,
                                                             std::vector<std::string>& out);
/// Reads a file of targets (blank lines and '#' comments skipped).
[[nodiscard]] std::expected<void, std::string> read_targets_file(const std::string& path, std::size_t max_hosts,
                                                                 std::vector<std::string>& out);

}  // namespace rampart::probe
