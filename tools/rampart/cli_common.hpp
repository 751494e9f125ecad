// What every rampart subcommand shares: exit codes, the global options,
// and printing results and errors as text or as one JSON object.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth_options.hpp"
#include "rampart/base/error.hpp"

namespace CLI {
class App;
}

namespace rampart::cli {

/// Exit codes (documented in rampart(1), EXIT STATUS).
enum ExitCode : int {
  kExitOk = 0,        // done; for ping, the server is listening
  kExitFailure = 1,   // the operation failed: connection, timeout, refusal, error status, unreadable file
  kExitUsage = 2,     // bad command line (CLI11 parse error, bad UUID or binding)
  kExitProtocol = 3,  // a peer or an input broke a protocol rule (explain: any PDU rejected)
};

struct CommonOptions {
  bool json = false;
  int verbose = 0;
  std::uint16_t port = 135;
  double timeout_seconds = 5.0;
  AuthOptions auth;  // network commands only

  [[nodiscard]] std::chrono::milliseconds timeout() const noexcept;
};

/// A subcommand's work, run after the command line parsed.
using Action = std::function<int()>;

/// Adds --json, --timeout, --port and -v to a subcommand (so they may
/// follow it). `network` adds --port and --timeout.
/// `authenticate`: also -U, -k, --auth-level and the rest (add_auth_options).
void add_common_options(CLI::App& sub, CommonOptions& common, bool network, bool authenticate = true);

/// Prints a JSON value (pretty, one object) to standard output.
void print_json(const nlohmann::json& j);

/// The exit code for an error: protocol violations by the peer (pdu, ndr,
/// binding, frag domains and the client errors that mean the server broke
/// a rule) are 3, anything else 1.
[[nodiscard]] int exit_code_for(const Error& e) noexcept;

/// Reports a failed command: to stderr as "rampart CMD: what: error", or with
/// --json as {"command", "ok": false, "error", "rule", "exit_code"} on stdout.
/// Returns the exit code.
int report_error(const CommonOptions& common, std::string_view command, std::string_view what, const Error& e);
int report_failure(const CommonOptions& common, std::string_view command, std::string_view message, int code);

/// "12.345 ms"
[[nodiscard]] std::string format_ms(std::chrono::nanoseconds d);

}  // namespace rampart::cli
