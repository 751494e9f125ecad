// The network subcommands' results and how they are printed (net_render.cpp);
// the calls themselves are in net_cmds.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "rampart/base/uuid.hpp"

namespace rampart::cli {

/// Why a command failed: the message, its exit code and, for a rule a peer
/// broke, the rule ("ndr.truncated").
struct Failure {
  std::string message;
  int code = kExitFailure;
  std::string rule;
};
template <class T>
using Outcome = std::expected<T, Failure>;

[[nodiscard]] Failure failure_from(const Error& e, std::string_view what);

/// IFUUID[:MAJ.MIN] or a well-known name or alias ("lsarpc", "epmapper").
[[nodiscard]] Outcome<SyntaxId> parse_interface(const std::string& text);

/// One endpoint mapper entry as dump shows it.
struct DumpEntry {
  Uuid object;
  std::optional<SyntaxId> interface;  // floor 1 of the tower
  std::string annotation;
  std::string binding;      // the string binding of the tower, "" when it does not decode
  std::string tower_error;  // why it does not
};

struct DumpResult {
  std::string host;
  std::uint16_t port = 0;
  std::vector<DumpEntry> entries;
  std::size_t pages = 0;
  std::uint32_t final_status = 0;  // 0 or ept_s_not_registered
  bool truncated = false;          // stopped at the page limit
};

struct PingResult {
  std::string binding;
  std::vector<std::chrono::nanoseconds> round_trips;
  std::chrono::nanoseconds connect_and_bind{0};
  std::uint32_t status = 0;
  bool listening = false;
};

struct IfIdsResult {
  std::string binding;
  std::vector<SyntaxId> ids;
  std::size_t null_ids = 0;
  std::uint32_t status = 0;
};

struct PrincResult {
  std::string binding;
  std::uint32_t authn_proto = 0;
  std::string princ_name;
  std::uint32_t status = 0;
};

/// mgmt inq_stats: C706 Appendix Q's rpc_c_stats_* order.
struct StatsResult {
  std::string binding;
  std::vector<std::uint32_t> values;
  std::uint32_t status = 0;
};

struct MapResult {
  std::string host;
  SyntaxId interface;
  std::string protseq;
  std::string binding;
  std::string endpoint;
  std::string address;
};

/// Printers: text to stdout or one JSON object. Each returns the exit code.
int render_dump(const CommonOptions& common, const DumpResult& r);
int render_map(const CommonOptions& common, const MapResult& r);
int render_ping(const CommonOptions& common, const PingResult& r);
int render_ifids(const CommonOptions& common, const IfIdsResult& r);
int render_princ(const CommonOptions& common, const PrincResult& r);
int render_stats(const CommonOptions& common, const StatsResult& r);
int render_failure(const CommonOptions& common, std::string_view command, const Failure& f);

/// "ok (0x00000000)", "ept_s_not_registered (0x16c9a0d6)", "0x000006d1".
[[nodiscard]] std::string status_text(std::uint32_t status);

}  // namespace rampart::cli
