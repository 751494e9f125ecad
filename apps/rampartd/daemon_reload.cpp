// SIGHUP: re-read the configuration file and apply what can change without
// dropping connections or registrations. A bad file is logged and the old
// configuration stays in force.
#include <string>
#include <vector>

#include "daemon.hpp"
#include "log.hpp"
#include "security_setup.hpp"

namespace rampartd {

using rampart::runtime::ServerLimits;
using spdlog::level::level_enum;

namespace {

// Every connection lives by the limits snapshot it was accepted under, so a
// reload changes them for new connections. Only the association-group
// table's caps are fixed when the server starts.
std::vector<std::string> restart_only_changes(const ServerLimits& a, const ServerLimits& b) {
  std::vector<std::string> out;
  if (a.max_association_groups != b.max_association_groups) out.emplace_back("max_association_groups");
  if (a.max_lookup_handles != b.max_lookup_handles) out.emplace_back("max_lookup_handles");
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

void Daemon::apply_limits(const Config& fresh) {
  ServerLimits next = fresh.limits;
  const ServerLimits& running = core_->limits;
  if (const auto skipped = restart_only_changes(running, next); !skipped.empty()) {
    log::event(level_enum::warn, "limits that need a restart were not changed", {{"limits", join(skipped)}});
    next.max_association_groups = running.max_association_groups;
    next.max_lookup_handles = running.max_lookup_handles;
  }
  server_->set_limits(next);
  config_.limits = next;
}

// The launch and access permissions apply to the next call, on established
// connections and to objects already exported (as the [security] policy
// does); every other [dcom] key is read once at start.
void Daemon::apply_dcom(const Config& fresh) {
  DcomConfig others = fresh.dcom;
  others.permissions = config_.dcom.permissions;
  if (others != config_.dcom) log::event(level_enum::warn, "[dcom] changes other than permissions need a restart");
  if (fresh.dcom.permissions == config_.dcom.permissions) return;
  config_.dcom.permissions = fresh.dcom.permissions;
  if (!dcom_) return;
  dcom_->set_permissions(config_.dcom.permissions);
  log::event(level_enum::info, "dcom permissions reloaded",
             {log::num("class_security", config_.dcom.permissions.classes().size())});
}

void Daemon::reload() {
  if (!cli_.config_path) {
    log::event(level_enum::info, "SIGHUP without --config: nothing to reload");
    return;
  }
  auto fresh = load_config_file(*cli_.config_path);
  if (fresh) {
    if (auto ok = apply_cli(cli_, *fresh); !ok) fresh = std::unexpected(ok.error());
  }
  if (!fresh) {
    log::event(level_enum::err, "reload failed; keeping the running configuration", {{"error", fresh.error()}});
    return;
  }
  log::configure(fresh->log_format, fresh->log_level);
  if (fresh->threads != config_.threads) {
    log::event(level_enum::warn, "a new thread count needs a restart",
               {log::num("running", server_->thread_count()), log::num("configured", fresh->threads)});
  }
  // The endpoint mapper's registration policy is fixed at start.
  if (fresh->allow_loopback_tcp != config_.allow_loopback_tcp || fresh->static_socket != config_.static_socket ||
      fresh->registration_rules != config_.registration_rules) {
    log::event(level_enum::warn, "[registration] changes need a restart");
    fresh->allow_loopback_tcp = config_.allow_loopback_tcp;
    fresh->static_socket = config_.static_socket;
    fresh->registration_rules = config_.registration_rules;
  }
  // Privileges were given up at start; only a restart can change whom to become.
  if (fresh->user != config_.user || fresh->group != config_.group || fresh->allow_root != config_.allow_root ||
      fresh->state_dir != config_.state_dir) {
    log::event(level_enum::warn, "user, group, allow_root and state_dir changes need a restart");
  }
  // Modules are loaded once, before the privilege drop, and never unloaded.
  if (fresh->service_modules != config_.service_modules)
    log::event(level_enum::warn, "[services] modules changes need a restart");
  // A new user file or service name takes effect for new exchanges;
  // established security contexts keep the credentials they were made with
  // (docs/security.md "Reload").
  if (fresh->security != config_.security) {
    auto providers = make_providers(fresh->security);
    if (providers) {
      core_->set_providers(std::move(*providers));
      config_.security = fresh->security;
      log::event(level_enum::info, "security providers reloaded");
    } else {
      log::event(level_enum::err, "security providers not reloaded; keeping the running ones",
                 {{"error", providers.error()}});
    }
  }
  // The policy applies to every later call, on established connections too.
  if (fresh->policy != config_.policy) {
    core_->set_policy(std::make_shared<const rampart::runtime::AuthPolicy>(fresh->policy.policy));
    config_.policy = fresh->policy;
    log::event(level_enum::info, "authentication policy reloaded",
               {log::num("rules", config_.policy.policy.rules.size())});
  }
  apply_dcom(*fresh);
  apply_limits(*fresh);
  if (socket_activated_) {
    // The service manager owns the sockets; rampartd.socket changes them.
    if (fresh->listeners != config_.listeners) {
      log::event(level_enum::warn, "listeners come from the service manager; change the socket unit instead");
    }
  } else {
    apply_listeners(*fresh, false);
    config_.listeners = fresh->listeners;
    config_.local_socket = fresh->local_socket;
  }
  config_.drain_timeout = fresh->drain_timeout;
  config_.log_format = fresh->log_format;
  config_.log_level = fresh->log_level;
  config_.static_endpoints = fresh->static_endpoints;
  publish_endpoints();
  log::event(level_enum::info, "configuration reloaded",
             {{"config", *cli_.config_path}, log::num("static_endpoints", config_.static_endpoints.size())});
}

}  // namespace rampartd
