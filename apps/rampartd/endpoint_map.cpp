#include "endpoint_map.hpp"

#include <fmt/format.h>

#include <set>

#include "rampart/binding/tower.hpp"
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

struct Wanted {
  binding::TowerBinding tower;
  rampart::Uuid object;
  std::string annotation;
};

// rampartd's own endpoint mapper on each TCP port it listens on (with the
// listener's address, or 0.0.0.0 for a wildcard or IPv6 listener: towers
// carry IPv4 only, and replies put in the address the client reached) and
// on its local socket.
std::vector<Wanted> own_endpoints(const Config& c, const std::vector<rampart::transport::ListenAddress>& listening) {
  std::vector<Wanted> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& l : listening) {
    binding::TowerBinding b{kEpm, rampart::syntax::kNdr20, binding::Protseq::ncacn_ip_tcp, 0, {}, {}};
    if (l.kind == rampart::transport::ListenAddress::Kind::tcp) {
      b.endpoint = std::to_string(l.tcp.port());
      if (l.tcp.address().is_v4()) b.address = l.tcp.address().to_string();
    } else if (l.path == c.local_socket) {
      b = {kEpm, rampart::syntax::kNdr20, binding::Protseq::ncalrpc, 0, l.path, {}};
    } else {
      continue;
    }
    if (seen.insert({b.endpoint, b.address}).second) out.push_back({b, {}, "rampartd endpoint mapper"});
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

EndpointMap::EndpointMap(rampart::runtime::ServerCore& core, const Config& config)
    : db_(std::make_shared<EndpointDatabase>(services_config(config))) {
  core.interfaces.add(std::make_shared<rampart::services::EndpointMapper>(db_));
  core.interfaces.add(std::make_shared<rampart::services::Management>(core));
}

std::vector<std::string> EndpointMap::publish(const Config& config,
                                              const std::vector<rampart::transport::ListenAddress>& listening) {
  std::vector<std::string> problems;
  std::vector<Entry> entries;
  for (const auto& w : own_endpoints(config, listening)) {
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
