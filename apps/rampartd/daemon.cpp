#include "daemon.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include "log.hpp"

namespace rampartd {

using rampart::transport::ListenAddress;
using spdlog::level::level_enum;

namespace {

std::vector<ListenAddress> wanted_listeners(const Config& c) {
  std::vector<ListenAddress> out = c.listeners;
  if (!c.local_socket.empty()) out.push_back(*rampart::transport::local_address(c.local_socket));
  if (!c.static_socket.empty()) out.push_back(*rampart::transport::local_address(c.static_socket));
  return out;
}

// The local socket lives in a directory of its own (/run/rampart), created
// on demand so a fresh tmpfs /run works.
std::error_code ensure_parent_directory(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (std::filesystem::create_directories(parent, ec) && !ec) {
    ::chmod(parent.c_str(), 0755);
  }
  return ec;
}

// A host without IPv6 cannot bind [::]:135; that is not worth refusing to
// start over when the other listeners work.
bool tolerable(const ListenAddress& a, const std::error_code& ec) {
  return a.kind == ListenAddress::Kind::tcp && a.tcp.address().is_v6() &&
         (ec == std::errc::address_family_not_supported || ec == std::errc::address_not_available);
}

rampart::transport::ServerOptions server_options(const Config& c) {
  rampart::transport::ServerOptions o;
  o.threads = c.threads;
  return o;
}

}  // namespace

Daemon::Daemon(Config config, CliOptions cli)
    : config_(std::move(config)),
      cli_(std::move(cli)),
      events_(std::make_shared<LogEvents>()),
      core_(std::make_unique<rampart::runtime::ServerCore>(config_.limits, events_)),
      endpoints_(std::make_unique<EndpointMap>(*core_, config_)),
      server_(std::make_unique<rampart::transport::Server>(*core_, server_options(config_), events_)),
      signals_(signal_context_, SIGINT, SIGTERM, SIGHUP) {}

Daemon::~Daemon() {
  if (server_) server_->stop();
}

int Daemon::run() {
  // Writes to a vanished peer must fail with EPIPE, not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);
  if (!apply_listeners(config_, true)) {
    server_->stop();
    return 1;
  }
  publish_endpoints();
  log::event(level_enum::info, "rampartd started",
             {{"version", RAMPART_VERSION}, log::num("threads", server_->thread_count()),
              log::num("static_endpoints", config_.static_endpoints.size()),
              {"config", config_.source.empty() ? "(defaults)" : config_.source}});
  wait_for_signal();
  signal_context_.run();
  return 0;
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const std::error_code& ec, int signal) {
    if (ec) return;
    on_signal(signal);
  });
}

void Daemon::on_signal(int signal) {
  if (signal == SIGHUP) {
    reload();
    return wait_for_signal();
  }
  log::event(level_enum::info, "draining", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"},
                                            log::num("connections", server_->connection_count()),
                                            log::num("drain_timeout_ms", config_.drain_timeout.count())});
  server_->stop(config_.drain_timeout);
  log::event(level_enum::info, "rampartd stopped");
  signal_context_.stop();
}

bool Daemon::apply_listeners(const Config& config, bool startup) {
  const auto wanted = wanted_listeners(config);
  for (const auto& running : server_->listeners()) {
    if (std::find(wanted.begin(), wanted.end(), running) != wanted.end()) continue;
    server_->unlisten(running);
    log::event(level_enum::info, "listener stopped", {{"address", running.to_string()}});
  }
  const auto running = server_->listeners();
  bool ok = true;
  for (const auto& address : wanted) {
    if (std::find(running.begin(), running.end(), address) != running.end()) continue;
    std::error_code ec;
    if (address.kind == ListenAddress::Kind::local) ec = ensure_parent_directory(address.path);
    auto bound = ec ? std::expected<ListenAddress, std::error_code>(std::unexpected(ec)) : server_->listen(address);
    if (bound) {
      // Only root may make static registrations (docs/hardening.md C14).
      if (address.kind == ListenAddress::Kind::local && address.path == config.static_socket)
        ::chmod(address.path.c_str(), 0600);
      log::event(level_enum::info, "listening", {{"address", bound->to_string()}});
      continue;
    }
    const bool fatal = startup && !tolerable(address, bound.error());
    log::event(fatal ? level_enum::err : level_enum::warn, "cannot listen",
               {{"address", address.to_string()}, {"error", bound.error().message()}});
    ok = ok && !fatal;
  }
  if (server_->listeners().empty()) {
    log::event(level_enum::err, "no listener is running");
    return !startup;
  }
  return ok;
}

void Daemon::publish_endpoints() {
  for (const auto& problem : endpoints_->publish(config_, server_->listeners()))
    log::event(level_enum::warn, "endpoint not registered", {{"entry", problem}});
  log::event(level_enum::info, "endpoint map", {log::num("entries", endpoints_->database().size())});
}

}  // namespace rampartd
