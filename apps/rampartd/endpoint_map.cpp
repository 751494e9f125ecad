#include "endpoint_map.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

#include "rampart/binding/tower.hpp"
#include "registration_log.hpp"
#include "rampart/services/epm_service.hpp"
#include "rampart/services/mgmt_service.hpp"

namespace rampartd {

using rampart::services::EndpointDatabase;
using rampart::services::Entry;
namespace binding = rampart::binding;

namespace {

const rampart::SyntaxId kEpm{rampart::Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

rampart::services::Config services_config(const Config& c) {
  rampart::services::Config s;
  s.allow_loopback_tcp_registration = c.allow_loopback_tcp;
  s.static_socket_path = c.static_socket;
  return s;
}

constexpr const char* kAnnotation = "rampartd endpoint mapper";

struct Wanted {
  binding::TowerBinding tower;
  rampart::Uuid object;
  std::string annotation;
};

// rampartd's own endpoints: one entry per TCP port it listens on and one
// for its local socket, for the endpoint mapper and for each interface a
// service module added (`hosted`, each with its annotation). A port bound on
// exactly one IPv4 address gets that address; any other (a wildcard, IPv6,
// or several addresses) gets 0.0.0.0, which replies turn into the address
// each client reached (towers carry IPv4 only, C706 Appendix L), so that
// 127.0.0.1:135 plus [::1]:135 is one entry, not 127.0.0.1[135] twice.
std::vector<Wanted> own_endpoints(const Config& c, const std::vector<rampart::transport::ListenAddress>& listening,
                                  const std::vector<std::pair<rampart::SyntaxId, std::string>>& hosted) {
  std::vector<Wanted> out;
  std::map<std::uint16_t, std::set<std::string>> ports;  // port -> addresses ("" for not one IPv4 address)
  bool local = false;
  for (const auto& l : listening) {
    if (l.kind == rampart::transport::ListenAddress::Kind::tcp) {
      const auto& a = l.tcp.address();
      ports[l.tcp.port()].insert(a.is_v4() && !a.is_unspecified() ? a.to_string() : std::string());
    } else if (l.path == c.local_socket) {
      local = true;
    }
  }
  for (const auto& [syntax, annotation] : hosted) {
    if (local)
      out.push_back({{syntax, rampart::syntax::kNdr20, binding::Protseq::ncalrpc, 0, c.local_socket, {}}, {}, annotation});
    for (const auto& [port, addresses] : ports) {
      const std::string address = addresses.size() == 1 ? *addresses.begin() : std::string();
      out.push_back({{syntax, rampart::syntax::kNdr20, binding::Protseq::ncacn_ip_tcp, 0, std::to_string(port), address},
                     {},
                     annotation});
    }
  }
  for (const auto& s : c.static_endpoints) {
    // No address: the tower says 0.0.0.0, which replies turn into the
    // address each client reached.
    const binding::TowerBinding b{s.interface, rampart::syntax::kNdr20, s.protseq, 0, s.endpoint, {}};
    out.push_back({b, s.object.value_or(rampart::Uuid{}), s.annotation});
  }
  return out;
}

}  // namespace

EndpointMap::EndpointMap(rampart::runtime::ServerCore& core, const Config& config, std::shared_ptr<StateStore> state,
                         std::shared_ptr<Metrics> metrics)
    : db_(std::make_shared<EndpointDatabase>(services_config(config))), hosted_{{kEpm, kAnnotation}} {
  // Registrations are logged with the caller's pid and uid (registration_log.hpp).
  std::shared_ptr<rampart::runtime::Interface> epm = std::make_shared<RegistrationLog>(
      std::make_shared<rampart::services::EndpointMapper>(db_),
      rampart::services::epm_decode_limits(services_config(config)), std::move(state), config.registration_rules);
  std::shared_ptr<rampart::runtime::Interface> mgmt = std::make_shared<rampart::services::Management>(core);
  if (metrics) {
    epm = std::make_shared<MeteredInterface>(std::move(epm), metrics);
    mgmt = std::make_shared<MeteredInterface>(std::move(mgmt), metrics);
  }
  core.interfaces.add(std::move(epm));
  core.interfaces.add(std::move(mgmt));
}

void EndpointMap::add_hosted(const rampart::SyntaxId& syntax, std::string annotation) {
  hosted_.emplace_back(syntax, std::move(annotation));
}

bool EndpointMap::restore(std::vector<Entry> entries) {
  if (entries.empty()) return true;
  return db_->insert(std::move(entries), false) == rampart::services::DbStatus::ok;
}

std::vector<std::string> EndpointMap::publish(const Config& config,
                                              const std::vector<rampart::transport::ListenAddress>& listening) {
  std::vector<std::string> problems;
  std::vector<Entry> entries;
  for (const auto& w : own_endpoints(config, listening, hosted_)) {
    auto tower = binding::Tower::build(w.tower);
    auto entry = tower ? EndpointDatabase::make_entry(w.object, tower->encode(), w.annotation, kConfigurationOwner)
                       : std::nullopt;
    if (!entry) {
      problems.push_back(fmt::format("{} {}[{}]: not a valid endpoint", w.tower.interface.to_string(),
                                     binding::protseq_info(w.tower.protseq).name, w.tower.endpoint));
      continue;
    }
    entries.push_back(std::move(*entry));
  }
  db_->remove_all_owned_by(kConfigurationOwner);
  if (db_->insert(std::move(entries), false) != rampart::services::DbStatus::ok)
    problems.emplace_back("the endpoint map is full");
  return problems;
}

}  // namespace rampartd
