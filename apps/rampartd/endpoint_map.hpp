// rampartd's endpoint map: the endpoint mapper and management interfaces in
// the server's registry, and the entries the configuration owns (rampartd's
// own endpoints and every [[static_endpoint]]).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "metrics.hpp"
#include "state_store.hpp"
#include "rampart/runtime/server_core.hpp"
#include "rampart/services/endpoint_database.hpp"
#include "rampart/transport/listen_address.hpp"

namespace rampartd {

class EndpointMap {
 public:
  /// Registers the EPM and mgmt interfaces with `core`. The registration
  /// switches ([registration]) are fixed for the life of the process.
  /// Registrations over the static socket are written to `state`.
  /// With `metrics`, every call to either interface is counted and timed.
  EndpointMap(rampart::runtime::ServerCore& core, const Config& config, std::shared_ptr<StateStore> state,
              std::shared_ptr<Metrics> metrics = nullptr);

  /// Replaces the configuration's entries with those of `config` for the
  /// listeners actually running. Returns a message per entry that could not
  /// be registered (empty when all were).
  std::vector<std::string> publish(const Config& config, const std::vector<rampart::transport::ListenAddress>& listening);

  [[nodiscard]] const rampart::services::EndpointDatabase& database() const noexcept { return *db_; }

  /// An interface rampartd serves on its own endpoints besides the endpoint
  /// mapper (a service module's): publish() registers it on each of them,
  /// with `annotation`, so that ept_map finds it.
  void add_hosted(const rampart::SyntaxId& syntax, std::string annotation);

  /// Puts back the static registrations a StateStore kept; false when the
  /// map has no room for them.
  [[nodiscard]] bool restore(std::vector<rampart::services::Entry> entries);

 private:
  std::shared_ptr<rampart::services::EndpointDatabase> db_;
  /// The interfaces served on rampartd's own endpoints, with their
  /// annotations: the endpoint mapper first, then the modules' (add_hosted).
  std::vector<std::pair<rampart::SyntaxId, std::string>> hosted_;
};

/// Entries owned by the configuration carry this owner; connection ids
/// start at 1, so no connection's close ever removes them.
inline constexpr std::uint64_t kConfigurationOwner = 0;

}  // namespace rampartd
