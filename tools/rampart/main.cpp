// rampart: the command-line client; see rampart(1).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>

#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace rampart::cli;
  CLI::App app{"rampart: Microsoft RPC (DCE/RPC) client and PDU explainer", "rampart"};
  app.set_version_flag("--version", std::string("rampart ") + RAMPART_VERSION);
  app.require_subcommand(1);
  CommonOptions common;
  Action action;
  add_explain_command(app, common, action);
  add_network_commands(app, common, action);
  add_register_commands(app, common, action);
  add_dcom_commands(app, common, action);
  add_probe_command(app, common, action);
  // CLI11 handles --help before it notices that "rampart frobnicate --help"
  // names no command, and would print the main help with status 0.
  if (argc > 1 && argv[1][0] != '-') {
    try {
      (void)app.get_subcommand(argv[1]);
    } catch (const CLI::OptionNotFound&) {
      std::fprintf(stderr, "rampart: unknown command '%s'; run 'rampart --help' for the list\n", argv[1]);
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? kExitOk : kExitUsage;
  }
  // Diagnostics go to standard error so that standard output stays the
  // result (text or JSON) alone.
  auto logger = spdlog::stderr_color_st("rampart");
  logger->set_pattern("rampart: %^%l%$: %v");
  logger->set_level(common.verbose >= 2 ? spdlog::level::trace
                    : common.verbose == 1 ? spdlog::level::debug
                                          : spdlog::level::warn);
  spdlog::set_default_logger(logger);
  try {
    return action ? action() : kExitUsage;
  } catch (const std::exception& e) {
    // Broken invariants only; the data path reports errors as values.
    std::fprintf(stderr, "rampart: %s\n", e.what());
    return kExitFailure;
  }
}
