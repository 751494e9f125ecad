// Service modules: shared objects that add RPC interfaces to rampartd, the
// way Windows' RPCSS hosts interfaces beside its endpoint mapper. rampartd
// loads each module named in `[services] modules` at start, before it
// serves anything, serves the module's interfaces on all of its endpoints,
// and registers them with its endpoint mapper so that ept_map finds them.
//
// A module implements the generated `<interface>_server` skeletons of its
// interfaces (rampart-idl) and hands rampartd their dispatchers:
//
//   #include "rampart/runtime/service_module.hpp"
//
//   static void add_services(rampart::runtime::ServiceModuleRegistrar& r) {
//     r.add_service(std::make_shared<spec::my::mine_dispatcher>(std::make_shared<Mine>()), "my service");
//   }
//   RAMPART_SERVICE_MODULE_V1(add_services)
//
// The module is built as a position-independent shared object against the
// same Rampart version and compiler as rampartd: it calls the Rampart
// runtime that rampartd carries (rampartd exports its symbols) and
// exchanges C++ objects with it. The macro exports two symbols:
//  - `rampart_service_module_build`, a string naming the module interface
//    version (v1), the Rampart version and the compiler; rampartd refuses
//    a module whose string differs from its own before calling anything;
//  - `rampart_service_module_v1`, the entry point, called once with a
//    registrar. If it throws, the module is refused.
// The loading rules are in service_module_loader.hpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rampart/runtime/interface.hpp"

#ifndef RAMPART_LIBRARY_VERSION
#define RAMPART_LIBRARY_VERSION "unknown"
#endif

/// What a module and rampartd must agree on exactly.
#define RAMPART_SERVICE_MODULE_BUILD \
  "rampart-service-module-v1 rampart-" RAMPART_LIBRARY_VERSION " cxx-" __VERSION__

namespace rampart::runtime {

/// One interface a module serves, with the annotation its endpoint-map
/// entries carry (C706 2.12.5, at most 64 octets with the terminator).
struct ModuleService {
  std::shared_ptr<Interface> interface;
  std::string annotation;
};

/// What a module's entry point fills.
class ServiceModuleRegistrar {
 public:
  void add_service(std::shared_ptr<Interface> interface, std::string annotation) {
    services_.push_back({std::move(interface), std::move(annotation)});
  }
  [[nodiscard]] std::vector<ModuleService>& services() noexcept { return services_; }

 private:
  std::vector<ModuleService> services_;
};

using ServiceModuleEntryV1 = void (*)(ServiceModuleRegistrar&);

}  // namespace rampart::runtime

/// Defines the module's exported symbols; `fn` is a
/// `void(rampart::runtime::ServiceModuleRegistrar&)`.
#define RAMPART_SERVICE_MODULE_V1(fn)                                                               \
  extern "C" __attribute__((visibility("default"))) const char rampart_service_module_build[] =     \
      RAMPART_SERVICE_MODULE_BUILD;                                                                 \
  extern "C" __attribute__((visibility("default"))) void rampart_service_module_v1(                 \
      ::rampart::runtime::ServiceModuleRegistrar& registrar) {                                      \
    fn(registrar);                                                                                  \
  }
