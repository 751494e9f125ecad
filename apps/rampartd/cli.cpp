#include "cli.hpp"

#include <CLI/CLI.hpp>

namespace rampartd {

std::variant<CliOptions, int> parse_cli(int argc, const char* const* argv, const std::string& version) {
  CLI::App app{"rampartd: hardened Microsoft RPC endpoint mapper (RPCSS equivalent)", "rampartd"};
  std::string config_path, local_socket, log_format, log_level;
  std::vector<std::string> listen;
  std::size_t threads = 0;
  app.set_version_flag("--version", "rampartd " + version);
  auto* o_config = app.add_option("--config", config_path, "TOML configuration file")->type_name("FILE");
  app.add_option("--listen", listen, "TCP listener ADDR:PORT or [V6ADDR]:PORT; repeatable; replaces the defaults")
      ->type_name("ADDR:PORT");
  auto* o_local = app.add_option("--local-socket", local_socket, "Unix-domain socket path (\"\" disables it)")
                      ->type_name("PATH");
  auto* o_threads = app.add_option("--threads", threads, "worker threads (0: one per CPU)")
                        ->check(CLI::Range(std::size_t{0}, std::size_t{1024}));
  auto* o_format = app.add_option("--log-format", log_format, "log format")->check(CLI::IsMember({"text", "json"}));
  auto* o_level = app.add_option("--log-level", log_level, "log level")
                      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  CliOptions out;
  if (o_config->count() > 0) out.config_path = config_path;
  out.listen = listen;
  if (o_local->count() > 0) out.local_socket = local_socket;
  if (o_threads->count() > 0) out.threads = threads;
  if (o_format->count() > 0) out.log_format = log_format;
  if (o_level->count() > 0) out.log_level = log_level;
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
  if (cli.threads) config.threads = *cli.threads;
  if (cli.log_format) config.log_format = *parse_log_format(*cli.log_format);
  if (cli.log_level) config.log_level = *cli.log_level;
  return {};
}

}  // namespace rampartd
