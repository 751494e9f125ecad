// The conformance interface's reference server (conformance_echo.hpp) as a
// service module (rampart/runtime/service_module.hpp): rampartd loads it
// from `[services] modules` and serves it on its own endpoints, where
// conformance_remote_test.cpp calls it (tests/interop/service_module_test.sh).
#include "unit/gen/conformance_echo.hpp"
#include "rampart/runtime/service_module.hpp"

namespace {

void add_services(rampart::runtime::ServiceModuleRegistrar& registrar) {
  registrar.add_service(
      std::make_shared<rampart::conformance::conformance_dispatcher>(std::make_shared<rampart::conformance::Echo>()),
      "rampart conformance server");
}

}  // namespace

RAMPART_SERVICE_MODULE_V1(add_services)
