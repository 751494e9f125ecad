// rampartd: see rampartd(8).
#include <unistd.h>

#include <cstdio>
#include <exception>

#include "cli.hpp"
#include "config.hpp"
#include "daemon.hpp"
#include "heap_policy.hpp"
#include "log.hpp"
#include "privileges.hpp"

int main(int argc, char** argv) {
  using namespace rampartd;
  auto parsed = parse_cli(argc, argv, RAMPART_VERSION);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const auto& cli = std::get<CliOptions>(parsed);

  auto config = cli.config_path ? load_config_file(*cli.config_path) : std::expected<Config, std::string>(Config::defaults());
  if (config) {
    if (auto ok = apply_cli(cli, *config); !ok) config = std::unexpected(ok.error());
  }
  if (!config) {
    std::fprintf(stderr, "rampartd: %s\n", config.error().c_str());
    return 2;
  }
  auto identity = plan_identity(*config, ::geteuid());
  if (!identity) {
    std::fprintf(stderr, "rampartd: %s\n", identity.error().c_str());
    return 2;
  }
  // Before the Daemon starts its worker threads, which inherit it.
  restrict_process();
  try {
    log::configure(config->log_format, config->log_level);
    // Before any worker thread: reassembly buffers stay in the heap (heap_policy.hpp).
    if (!apply_heap_thresholds(config->limits.fragments.max_stub)) {
      log::event(spdlog::level::debug, "heap thresholds left to the allocator");
    }
    Daemon daemon(std::move(*config), cli, *identity);
    return daemon.run();
  } catch (const std::exception& e) {
    // Start-up failures only (threads, signal handlers): the data path does
    // not throw (docs/design.md).
    std::fprintf(stderr, "rampartd: %s\n", e.what());
    return 1;
  }
}
