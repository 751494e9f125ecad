#include "daemon.hpp"
#include "security_setup.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>

#include "log.hpp"
#include "rampart/runtime/service_module_loader.hpp"
#include "service_manager.hpp"

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

// What to change when a listener cannot be started, named by the option
// and the configuration key that choose it.
std::string fix_hint(const ListenAddress& a, const Config& c) {
  if (a.kind == ListenAddress::Kind::tcp)
    return "choose other listeners with --listen or [server] listeners (ports below 1024 need root or "
           "CAP_NET_BIND_SERVICE)";
  if (a.path == c.static_socket)
    return "choose another path with --static-socket PATH or [registration] static_socket, or disable it with "
           "--static-socket \"\"";
  return "choose another path with --local-socket PATH or [server] local_socket, or disable it with "
         "--local-socket \"\"";
}

rampart::transport::ServerOptions server_options(const Config& c) {
  rampart::transport::ServerOptions o;
  o.threads = c.threads;
  return o;
}

}  // namespace

Daemon::Daemon(Config config, CliOptions cli, std::optional<Identity> identity)
    : config_(std::move(config)),
      cli_(std::move(cli)),
      identity_(std::move(identity)),
      events_(std::make_shared<LogEvents>()),
      metrics_(config_.metrics_listen.empty() ? nullptr : std::make_shared<Metrics>()),
      metered_(metrics_ ? std::make_shared<MeteredEvents>(events_, metrics_) : nullptr),
      state_(std::make_shared<StateStore>(config_.state_dir)),
      core_(std::make_unique<rampart::runtime::ServerCore>(
          config_.limits, metered_ ? std::shared_ptr<rampart::runtime::ServerEvents>(metered_) : events_)),
      endpoints_(std::make_unique<EndpointMap>(*core_, config_, state_, metrics_)),
      dcom_(config_.dcom.enabled ? std::make_unique<DcomHost>(*core_, config_, metrics_) : nullptr),
      server_(std::make_unique<rampart::transport::Server>(
          *core_, server_options(config_),
          metered_ ? std::shared_ptr<rampart::transport::TransportEvents>(metered_) : events_)),
      signals_(signal_context_, SIGINT, SIGTERM, SIGHUP) {}

Daemon::~Daemon() {
  if (server_) server_->stop();
}

int Daemon::run() {
  // Writes to a vanished peer must fail with EPIPE, not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);
  // A state directory that cannot be used stops rampartd before it binds.
  if (!prepare_state()) return 1;
  if (!prepare_security()) return 1;
  if (!load_service_modules()) return 1;
  // Nothing is served before the switch of user and the restored state.
  server_->hold_accepting();
  const auto passed = service_manager::listen_fds();
  const bool listening = passed.empty() ? apply_listeners(config_, true) : adopt_listeners(passed);
  if (!listening || !serve_metrics() || !drop_privileges()) {
    server_->stop();
    return 1;
  }
  publish_endpoints();
  restore_state();
  server_->release_accepting();
  log::event(level_enum::info, "rampartd started",
             {{"version", RAMPART_VERSION}, log::num("threads", server_->thread_count()),
              log::num("static_endpoints", config_.static_endpoints.size()),
              {"config", config_.source.empty() ? "(defaults)" : config_.source}});
  service_manager::ready("serving the endpoint mapper");
  wait_for_signal();
  signal_context_.run();
  return 0;
}

bool Daemon::prepare_security() {
  auto providers = make_providers(config_.security);
  if (!providers) {
    log::event(level_enum::err, "cannot set up the security providers",
               {{"error", providers.error()}, {"fix", "check [security] ntlm_user_file, keytab and service"}});
    return false;
  }
  core_->set_providers(std::move(*providers));
  core_->set_policy(std::make_shared<const rampart::runtime::AuthPolicy>(config_.policy.policy));
  log::event(level_enum::info, "security providers ready",
             {{"service", service_name(config_.security)},
              {"ntlm_user_file", config_.security.ntlm_user_file.empty() ? "(none: anonymous only)"
                                                                          : config_.security.ntlm_user_file},
              {"keytab", config_.security.keytab.empty() ? "(none: no Kerberos)" : config_.security.keytab}});
  return true;
}

bool Daemon::load_service_modules() {
  for (const auto& path : config_.service_modules) {
    auto services = rampart::runtime::load_service_module(path, core_->interfaces);
    if (!services) {
      log::event(level_enum::err, "service module refused",
                 {{"module", path}, {"error", services.error()},
                  {"fix", "correct or remove the path in [services] modules (rampartd(8), SERVICE MODULES)"}});
      return false;
    }
    for (auto& s : *services) {
      log::event(level_enum::info, "service module loaded",
                 {{"module", path}, {"interface", s.interface->syntax().to_string()},
                  {"name", std::string(s.interface->name())}, {"annotation", s.annotation}});
      endpoints_->add_hosted(s.interface->syntax(), s.annotation);
      if (metrics_) s.interface = std::make_shared<MeteredInterface>(std::move(s.interface), metrics_);
      core_->interfaces.add(std::move(s.interface));
    }
  }
  return true;
}

bool Daemon::serve_metrics() {
  if (!metrics_) return true;
  metrics_->attach(*core_);
  try {
    metrics_->serve(config_.metrics_listen);
  } catch (const std::exception& e) {
    log::event(level_enum::err, "cannot serve metrics",
               {{"address", config_.metrics_listen}, {"error", e.what()},
                {"fix", "choose another address with --metrics ADDR:PORT or [metrics] listen"}});
    return false;
  }
  log::event(level_enum::info, "serving metrics", {{"address", config_.metrics_listen}, {"path", "/metrics"}});
  return true;
}

bool Daemon::prepare_state() {
  if (!state_->enabled()) return true;
  if (auto ok = state_->prepare(); !ok) {
    log::event(level_enum::err, "cannot keep state", {{"error", ok.error()}});
    return false;
  }
  // Written after the switch, so the user rampartd becomes must own it.
  if (identity_ && ::chown(config_.state_dir.c_str(), identity_->uid, identity_->gid) != 0) {
    log::event(level_enum::err, "cannot keep state",
               {{"error", "chown " + config_.state_dir + ": " + std::error_code(errno, std::generic_category()).message()}});
    return false;
  }
  if (identity_) {
    // A file written before (by root, or by another user) must stay writable.
    const std::string file = state_->path();
    if (::chown(file.c_str(), identity_->uid, identity_->gid) != 0 && errno != ENOENT) {
      log::event(level_enum::err, "cannot keep state", {{"error", "chown " + file + ": " + std::error_code(errno, std::generic_category()).message()}});
      return false;
    }
  }
  return true;
}

void Daemon::restore_state() {
  if (!state_->enabled()) return;
  std::size_t skipped = 0;
  auto entries = state_->load(skipped);
  const std::size_t count = entries.size();
  const bool ok = endpoints_->restore(std::move(entries));
  log::event(ok && skipped == 0 ? level_enum::info : level_enum::warn, "registrations restored",
             {{"file", state_->path()}, log::num("entries", ok ? count : 0), log::num("skipped", skipped)});
}

bool Daemon::drop_privileges() {
  if (!identity_) {
    if (::geteuid() == 0) log::event(level_enum::warn, "running as root", {{"reason", "allow_root"}});
    return true;
  }
  if (auto ok = drop_to(*identity_); !ok) {
    log::event(level_enum::err, "cannot switch user", {{"user", identity_->user}, {"error", ok.error()}});
    return false;
  }
  const auto caps = current_capabilities();
  log::event(level_enum::info, "switched user",
             {{"user", identity_->user}, log::num("uid", identity_->uid), log::num("gid", identity_->gid),
              log::num("cap_eff", caps.effective), log::num("cap_prm", caps.permitted)});
  return true;
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const std::error_code& ec, int signal) {
    if (ec) return;
    on_signal(signal);
  });
}

void Daemon::on_signal(int signal) {
  if (signal == SIGHUP) {
    service_manager::reloading();
    reload();
    service_manager::ready("serving the endpoint mapper");
    return wait_for_signal();
  }
  service_manager::stopping();
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
               {{"address", address.to_string()}, {"error", bound.error().message()}, {"fix", fix_hint(address, config)}});
    ok = ok && !fatal;
  }
  if (server_->listeners().empty()) {
    log::event(level_enum::err, "no listener is running");
    return !startup;
  }
  return ok;
}

bool Daemon::adopt_listeners(const std::vector<int>& fds) {
  socket_activated_ = true;
  bool have_local = false;
  for (const int fd : fds) {
    auto bound = server_->adopt(fd);
    if (!bound) {
      log::event(level_enum::err, "cannot use a passed socket",
                 {log::num("fd", static_cast<std::uint64_t>(fd)), {"error", bound.error().message()},
                  {"fix", "pass listening stream sockets only (ListenStream= in rampartd.socket)"}});
      return false;
    }
    // A Unix-domain socket is the static one if its path is static_socket's
    // (the endpoint mapper tells them apart by path); any other is the
    // local socket, whatever path the socket unit gave it.
    if (bound->kind == ListenAddress::Kind::local && bound->path != config_.static_socket && !have_local) {
      config_.local_socket = bound->path;
      have_local = true;
    }
    log::event(level_enum::info, "listening", {{"address", bound->to_string()}, {"from", "sd_listen_fds"}});
  }
  if (!have_local) config_.local_socket.clear();
  return true;
}

void Daemon::publish_endpoints() {
  for (const auto& problem : endpoints_->publish(config_, server_->listeners()))
    log::event(level_enum::warn, "endpoint not registered", {{"entry", problem}});
  log::event(level_enum::info, "endpoint map", {log::num("entries", endpoints_->database().size())});
}

}  // namespace rampartd
