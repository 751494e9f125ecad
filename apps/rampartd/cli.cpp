#include "cli.hpp"

#include <CLI/CLI.hpp>

namespace rampartd {

std::variant<CliOptions, int> parse_cli(int argc, const char* const* argv, const std::string& version) {
  CLI::App app{"rampartd: hardened Microsoft RPC endpoint mapper (RPCSS equivalent)", "rampartd"};
  std::string config_path, local_socket, static_socket, user, group, log_format, log_level;
  bool allow_root = false;
  std::string state_dir, metrics;
  std::vector<std::string> listen;
  std::size_t threads = 0;
  app.set_version_flag("--version", "rampartd " + version);
  auto* o_config = app.add_option("--config", config_path, "TOML configuration file")->type_name("FILE");
  app.add_option("--listen", listen, "TCP listener ADDR:PORT or [V6ADDR]:PORT; repeatable; replaces the defaults")
      ->type_name("ADDR:PORT");
  auto* o_local = app.add_option("--local-socket", local_socket, "Unix-domain socket path (\"\" disables it)")
                      ->type_name("PATH");
  auto* o_static = app.add_option("--static-socket", static_socket,
                                  "root-only registration socket path (\"\" disables it)")
                       ->type_name("PATH");
  auto* o_user = app.add_option("--user", user, "user to run as once the listeners are bound")->type_name("NAME");
  auto* o_group = app.add_option("--group", group, "group to run as (default: the user's primary group)")
                      ->type_name("NAME");
  app.add_flag("--allow-root", allow_root, "keep running as root when no user is given");
  auto* o_state = app.add_option("--state-dir", state_dir,
                                 "directory where static registrations are kept across restarts (\"\": none)")
                      ->type_name("DIR");
  auto* o_metrics = app.add_option("--metrics", metrics, "serve Prometheus metrics on ADDR:PORT (\"\": off)")
                        ->type_name("ADDR:PORT");
  auto* o_threads = app.add_option("--threads", threads, "worker threads (0: one per CPU)")
                        ->check(CLI::Range(std::size_t{0}, std::size_t{1024}));
  auto* o_format = app.add_option("--log-format", log_format, "log format")->check(CLI::IsMember({"text", "json"}));
  auto* o_level = app.add_option("--log-level", log_level, "log level")
                      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  bool dcom = false;
  auto* o_dcom = app.add_flag("--dcom{true},--no-dcom{false}", dcom,
                              "serve (or not) the DCOM object resolver, overriding [dcom] enabled");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (105, 109, ...) are not rampartd's: every parse
    // error is a usage error, status 2; --help and --version are 0.
    return app.exit(e) == 0 ? 0 : 2;
  }
  CliOptions out;
  if (o_config->count() > 0) out.config_path = config_path;
  out.listen = listen;
  if (o_local->count() > 0) out.local_socket = local_socket;
  if (o_static->count() > 0) out.static_socket = static_socket;
  if (o_user->count() > 0) out.user = user;
  if (o_group->count() > 0) out.group = group;
  out.allow_root = allow_root;
  if (o_state->count() > 0) out.state_dir = state_dir;
  if (o_metrics->count() > 0) out.metrics = metrics;
  if (o_threads->count() > 0) out.threads = threads;
  if (o_format->count() > 0) out.log_format = log_format;
  if (o_level->count() > 0) out.log_level = log_level;
  if (o_dcom->count() > 0) out.dcom = dcom;
  return out;
}

std::expected<void, std::string> apply_cli(const CliOptions& cli, Config& config) {
  if (!cli.listen.empty()) {
    config.listeners.clear();
    for (const auto& text : cli.listen) {
      auto address = rampart::transport::parse_tcp_address(text);
      if (!address) return std::unexpected("--listen " + text + ": " + address.error().to_string());
      config.listeners.push_back(*address);
    }
  }
  if (cli.local_socket) {
    if (!cli.local_socket->empty()) {
      if (auto a = rampart::transport::local_address(*cli.local_socket); !a) {
        return std::unexpected("--local-socket " + *cli.local_socket + ": " + a.error().to_string());
      }
    }
    config.local_socket = *cli.local_socket;
  }
  if (cli.static_socket) {
    if (!cli.static_socket->empty()) {
      if (auto a = rampart::transport::local_address(*cli.static_socket); !a) {
        return std::unexpected("--static-socket " + *cli.static_socket + ": " + a.error().to_string());
      }
    }
    config.static_socket = *cli.static_socket;
  }
  if (cli.user) config.user = *cli.user;
  if (cli.group) config.group = *cli.group;
  if (cli.allow_root) config.allow_root = true;
  if (cli.metrics) {
    if (!cli.metrics->empty() && !rampart::transport::parse_tcp_address(*cli.metrics))
      return std::unexpected("--metrics " + *cli.metrics + ": must be ADDR:PORT or [V6ADDR]:PORT");
    config.metrics_listen = *cli.metrics;
  }
  if (cli.state_dir) {
    if (!cli.state_dir->empty() && cli.state_dir->front() != '/')
      return std::unexpected("--state-dir " + *cli.state_dir + ": must be an absolute path");
    config.state_dir = *cli.state_dir;
  }
  if (cli.threads) config.threads = *cli.threads;
  if (cli.log_format) config.log_format = *parse_log_format(*cli.log_format);
  if (cli.log_level) config.log_level = *cli.log_level;
  if (cli.dcom) config.dcom.enabled = *cli.dcom;
  return {};
}

}  // namespace rampartd
