// Daemon: rampartd's life cycle. Builds the ServerCore and the transport,
// starts the listeners, then waits for signals on the main thread:
// SIGTERM/SIGINT drain and exit 0; SIGHUP reloads the configuration file
// without dropping connections or registrations.
#pragma once

#include <memory>

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include "cli.hpp"
#include "config.hpp"
#include "dcom_host.hpp"
#include "endpoint_map.hpp"
#include "log_events.hpp"
#include "metrics.hpp"
#include "privileges.hpp"
#include "rampart/runtime/server_core.hpp"
#include "rampart/transport/server.hpp"

namespace rampartd {

class Daemon {
 public:
  /// `identity`: whom to become once the listeners are bound (privileges.hpp).
  Daemon(Config config, CliOptions cli, std::optional<Identity> identity = std::nullopt);
  ~Daemon();

  /// Runs until SIGTERM or SIGINT; returns the process exit status.
  int run();
  /// The configuration in force (the endpoint mapper reads static
  /// endpoints and the registration policy from it).
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  void wait_for_signal();
  void on_signal(int signal);
  void reload();
  void apply_dcom(const Config& fresh);
  /// Starts and stops listeners until the running set is `config`'s.
  /// Returns false when a listener that must exist could not be started.
  bool apply_listeners(const Config& config, bool startup);
  /// Serves the sockets a service manager passed instead of the configured
  /// listeners (socket activation). False when one cannot be used.
  bool adopt_listeners(const std::vector<int>& fds);
  void apply_limits(const Config& fresh);
  void publish_endpoints();
  /// Becomes identity_ (if any); false when that fails.
  bool drop_privileges();
  /// Starts the Prometheus endpoint when configured; false when it cannot.
  bool serve_metrics();
  bool prepare_security();
  /// Loads [services] modules and serves their interfaces; false when one
  /// is refused (rampart/runtime/service_module_loader.hpp).
  bool load_service_modules();
  /// Creates the state directory (owned by the user rampartd switches to).
  bool prepare_state();
  /// Puts back the static registrations the state directory kept.
  void restore_state();

  Config config_;
  CliOptions cli_;
  std::optional<Identity> identity_;
  /// The listeners came from the service manager: a reload leaves them be.
  bool socket_activated_ = false;
  std::shared_ptr<LogEvents> events_;
  std::shared_ptr<Metrics> metrics_;  // null unless [metrics] listen is set
  std::shared_ptr<MeteredEvents> metered_;
  std::shared_ptr<StateStore> state_;
  std::unique_ptr<rampart::runtime::ServerCore> core_;
  std::unique_ptr<EndpointMap> endpoints_;
  std::unique_ptr<DcomHost> dcom_;  // null when [dcom] enabled = false
  std::unique_ptr<rampart::transport::Server> server_;
  asio::io_context signal_context_{1};
  asio::signal_set signals_;
};

}  // namespace rampartd
