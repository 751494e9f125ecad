#include "dcom_host.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "log.hpp"
#include "echo_class.hpp"
#include "rampart/dcom/activator.hpp"
#include "rampart/dcom/com_module_loader.hpp"
#include "rampart/dcom/legacy_activator.hpp"
#include "rampart/dcom/rem_unknown.hpp"

namespace rampartd {

using spdlog::level::level_enum;

namespace {

rampart::dcom::ExporterLimits exporter_limits(const DcomConfig& c) {
  rampart::dcom::ExporterLimits l;
  l.ping_period = c.ping_period;
  l.max_sets = c.max_sets;
  l.max_sets_per_client = c.max_sets_per_client;
  l.max_oids_per_set = c.max_oids_per_set;
  return l;
}

rampart::dcom::AuthnLevel activation_floor(const DcomConfig& c) {
  if (c.activation_floor == "none") return rampart::dcom::AuthnLevel::none;
  if (c.activation_floor == "privacy") return rampart::dcom::AuthnLevel::pkt_privacy;
  return rampart::dcom::AuthnLevel::pkt_integrity;
}

rampart::dcom::ResolverPolicy resolver_policy(const Config& config) {
  rampart::dcom::ResolverPolicy p;
  p.authn_hint = activation_floor(config.dcom);
  p.disclosure = config.dcom.disclosure == "connection" ? rampart::dcom::Disclosure::connection
                                                        : rampart::dcom::Disclosure::listening;
  p.principal = config.dcom.principal;
  for (const auto& l : config.listeners) {
    // Numeric IPv4 listeners only: the bindings name addresses a client can
    // reach; "0.0.0.0" is skipped by the resolver.
    const std::string text = l.to_string();
    const auto colon = text.rfind(':');
    if (text.starts_with("[") || colon == std::string::npos) continue;
    p.listening_addresses.push_back(text.substr(0, colon));
  }
  return p;
}

// Every refusal by a launch or access list is one structured warning, with
// what the [security] policy's denials carry (peer, principal) plus the
// class and the check; counted in metrics when they are on.
rampart::dcom::PermissionGate::DenialFn denial_reporter(std::shared_ptr<Metrics> metrics) {
  auto limit = std::make_shared<LogRateLimit>(50);
  return [metrics = std::move(metrics), limit](const rampart::dcom::PermissionDenial& d) {
    if (metrics) metrics->dcom_denial(d.check);
    const auto dropped = limit->admit();
    if (!dropped) return;
    log::event(level_enum::warn, "dcom permission denied",
               {{"check", std::string(d.check)}, {"operation", std::string(d.operation)},
                {"clsid", d.clsid.to_string()}, {"principal", d.principal.empty() ? "(anonymous)" : d.principal},
                {"peer", d.peer}, log::num("suppressed", *dropped)});
  };
}

}  // namespace

DcomHost::DcomHost(rampart::runtime::ServerCore& core, const Config& config, std::shared_ptr<Metrics> metrics)
    : exporter_(std::make_shared<rampart::dcom::ObjectExporter>(exporter_limits(config.dcom))),
      resolver_(std::make_shared<rampart::dcom::OxidResolver>(exporter_, resolver_policy(config))),
      oxid_(exporter_->add_oxid(activation_floor(config.dcom))) {
  permissions_ = std::make_shared<rampart::dcom::PermissionGate>(config.dcom.permissions, denial_reporter(metrics));
  auto rem = rampart::dcom::make_rem_unknown_interfaces(
      std::make_shared<rampart::dcom::RemUnknown>(exporter_, resolver_, permissions_), exporter_);
  server_ = std::make_shared<rampart::dcom::ComServer>(exporter_, oxid_.oxid, core.interfaces, permissions_);
  for (const auto& name : config.dcom.classes)
    if (name == "rampart-echo") rampart::echo::register_echo_class(*server_);
  load_modules(config.dcom.modules);
  auto activator_impl = std::make_shared<rampart::dcom::Activator>(
      server_, resolver_, rampart::dcom::ActivationPolicy{activation_floor(config.dcom)});
  auto legacy_impl = std::make_shared<rampart::dcom::LegacyActivator>(
      server_, resolver_, rampart::dcom::ActivationPolicy{activation_floor(config.dcom)});
  if (!config.dcom.servers.empty()) {
    setup_class_servers(core, config);
    // Both activation interfaces serve the class servers' classes.
    activator_impl->set_forwarder(class_servers_);
    legacy_impl->set_forwarder(class_servers_);
  }
  warn_unserved(config.dcom.permissions);
  auto activator = rampart::dcom::make_activator_interface(activator_impl);
  auto legacy = rampart::dcom::make_legacy_activator_interface(legacy_impl);
  for (auto itf : {rampart::dcom::make_oxid_resolver_interface(resolver_, exporter_->limits()), rem.rem_unknown,
                   rem.rem_unknown2, activator, legacy}) {
    if (metrics) itf = std::make_shared<MeteredInterface>(std::move(itf), metrics);
    core.interfaces.add(std::move(itf));
  }
  collector_ = std::jthread([this](std::stop_token stop) { collect_loop(stop); });
  log::event(level_enum::info, "dcom object resolver serving",
             {{"oxid", fmt::format("0x{:016x}", oxid_.oxid)},
              {"ipid_rem_unknown", oxid_.ipid_rem_unknown.to_string()},
              log::num("ping_period_ms", static_cast<std::uint64_t>(config.dcom.ping_period.count())),
              {"disclosure", config.dcom.disclosure}, {"activation_floor", config.dcom.activation_floor},
              log::num("classes", server_->classes().size()),
              log::num("class_security", config.dcom.permissions.classes().size()),
              log::num("class_servers", config.dcom.servers.size())});
}

void DcomHost::warn_unserved(const rampart::dcom::ClassPermissions& permissions) const {
  // Allowed: a server may register the class later; but a typo in a CLSID
  // would silently leave the real class on the defaults.
  for (const auto& [clsid, security] : permissions.classes())
    if (!server_->has_class(clsid) && !(class_servers_ && class_servers_->forwards(clsid)))
      log::event(level_enum::warn, "dcom class_security names a class rampartd does not serve",
                 {{"clsid", clsid.to_string()}});
}

void DcomHost::set_permissions(const rampart::dcom::ClassPermissions& permissions) {
  permissions_->set(permissions);
  warn_unserved(permissions);
}

void DcomHost::setup_class_servers(rampart::runtime::ServerCore& core, const Config& config) {
  auto servers = ClassServerRegistry::from_config(config.dcom);
  // A CLSID is served in-process or by a class server, never both.
  for (const auto& s : servers)
    for (const auto& c : s.clsids)
      if (server_->has_class(c))
        throw std::runtime_error("[[dcom.server]] " + s.name + ": CLSID " + c.to_string() +
                                 " is served by a built-in class or a module");
  class_servers_ = std::make_shared<ClassServerRegistry>(std::move(servers), exporter_, config.dcom.forward_timeout);
  core.interfaces.add(make_class_registry_interface(class_servers_));
  // Class servers register over the local socket only (C14, C18).
  if (config.local_socket.empty())
    log::event(level_enum::warn, "dcom class servers cannot register",
               {{"reason", "[server] local_socket is empty"}, log::num("class_servers", config.dcom.servers.size())});
}

void DcomHost::load_modules(const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    auto loaded = rampart::dcom::load_com_module(path, *server_);
    // A module that cannot be loaded stops start-up (exit status 1).
    if (!loaded) throw std::runtime_error("[dcom] modules: " + loaded.error());
    std::string names;
    for (const auto& n : *loaded) names += (names.empty() ? "" : ",") + n;
    log::event(level_enum::info, "dcom module loaded", {{"path", path}, {"classes", names}});
  }
}

DcomHost::~DcomHost() {
  collector_.request_stop();
  wake_.notify_all();
}

void DcomHost::collect_loop(std::stop_token stop) {
  // A quarter period: an object goes at most a quarter period after its
  // three periods without a ping ([MS-DCOM] 3.1.2.5.1.2).
  const auto every = exporter_->limits().ping_period / 4;
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    wake_.wait_for(lock, stop, every, [] { return false; });
    if (stop.stop_requested()) break;
    if (const auto released = resolver_->collect(); released > 0)
      log::event(level_enum::info, "dcom objects released", {log::num("objects", released), {"reason", "not pinged"}});
  }
}

}  // namespace rampartd
