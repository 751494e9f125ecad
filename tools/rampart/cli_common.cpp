#include "cli_common.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "rampart/dcom/errc.hpp"
#include "rampart/runtime/client_errc.hpp"

namespace rampart::cli {

std::chrono::milliseconds CommonOptions::timeout() const noexcept {
  return std::chrono::milliseconds(static_cast<std::int64_t>(timeout_seconds * 1000.0));
}

void add_common_options(CLI::App& sub, CommonOptions& common, bool network, bool authenticate) {
  sub.add_flag("--json", common.json, "print one JSON object instead of text");
  sub.add_flag("-v,--verbose", common.verbose, "log progress to standard error (repeat for more)");
  if (!network) return;
  sub.add_option("--port", common.port, "TCP port of the endpoint mapper, and of a binding given without one")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  sub.add_option("--timeout", common.timeout_seconds, "seconds allowed for connecting and for each call")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 3600.0));
  if (authenticate) add_auth_options(sub, common.auth);
}

void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << '\n'; }

int exit_code_for(const Error& e) noexcept {
  switch (e.domain()) {
    case ErrorDomain::pdu:
    case ErrorDomain::frag:
    case ErrorDomain::ndr:
    case ErrorDomain::binding:
      return kExitProtocol;
    case ErrorDomain::client: {
      using C = runtime::ClientErrc;
      // ClientErrc lists the server's rule violations first (client_errc.hpp).
      if (e.code() == static_cast<std::uint16_t>(C::auth_downgrade)) return kExitProtocol;
      return e.code() <= static_cast<std::uint16_t>(C::auth_not_supported) ? kExitProtocol : kExitFailure;
    }
    case ErrorDomain::dcom: {
      // A reply that breaks [MS-DCOM]'s rules is the server's violation; a
      // failure status or a binding that names another host is a refusal.
      using D = dcom::Errc;
      const auto c = e.code();
      return c == static_cast<std::uint16_t>(D::call_failed) || c == static_cast<std::uint16_t>(D::unusable_binding)
                 ? kExitFailure
                 : kExitProtocol;
    }
    default: return kExitFailure;
  }
}

int report_failure(const CommonOptions& common, std::string_view command, std::string_view message, int code) {
  if (common.json) {
    print_json({{"command", command}, {"ok", false}, {"error", message}, {"exit_code", code}});
  } else {
    std::fprintf(stderr, "rampart %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
                 static_cast<int>(message.size()), message.data());
  }
  return code;
}

int report_error(const CommonOptions& common, std::string_view command, std::string_view what, const Error& e) {
  const int code = exit_code_for(e);
  const std::string message = what.empty() ? e.to_string() : fmt::format("{}: {}", what, e.to_string());
  if (!common.json) return report_failure(common, command, message, code);
  print_json({{"command", command},
              {"ok", false},
              {"error", message},
              {"rule", fmt::format("{}.{}", to_string(e.domain()), e.code_name())},
              {"exit_code", code}});
  return code;
}

std::string format_ms(std::chrono::nanoseconds d) {
  return fmt::format("{:.3f} ms", static_cast<double>(d.count()) / 1e6);
}

}  // namespace rampart::cli
