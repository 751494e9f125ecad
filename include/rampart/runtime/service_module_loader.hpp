// Loading service modules (service_module.hpp) for rampartd's
// `[services] modules`. The file must pass the trust rules of
// base/trusted_module.hpp and carry RAMPART_SERVICE_MODULE_BUILD; then its
// entry point runs, and what it registered is checked before anything is
// served:
//  - at least one service;
//  - every interface has a name and at least one operation, and its
//    annotation fits an endpoint-map entry (at most 63 octets);
//  - no interface (UUID and major version) is already served, by rampartd
//    itself or by an earlier module, nor registered twice by this one.
// A refused module is an error naming the path and the reason; nothing of
// it is served.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "rampart/runtime/interface_registry.hpp"
#include "rampart/runtime/service_module.hpp"

namespace rampart::runtime {

/// Loads the module at `path` and returns its services, checked against
/// the interfaces `served` already has. The caller adds them to its
/// registry (wrapped as it likes: metrics, logging).
[[nodiscard]] std::expected<std::vector<ModuleService>, std::string> load_service_module(
    const std::string& path, const InterfaceRegistry& served);

}  // namespace rampart::runtime
