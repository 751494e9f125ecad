// The subcommands: each adds itself to the CLI11 app and, when chosen,
// leaves the work to run in `action`.
#pragma once

#include "cli_common.hpp"
#include "probe/probe_cmd.hpp"

namespace rampart::cli {

void add_explain_command(CLI::App& app, CommonOptions& common, Action& action);
/// dump, map, ping, ifids, princ.
void add_network_commands(CLI::App& app, CommonOptions& common, Action& action);
/// register, unregister: ept_insert / ept_delete over rampartd's local sockets.
void add_register_commands(CLI::App& app, CommonOptions& common, Action& action);
/// dcom activate, oxid: remote activation and the OXID resolver (dcom_cmds.hpp).
void add_dcom_commands(CLI::App& app, CommonOptions& common, Action& action);

}  // namespace rampart::cli
