// COM modules: shared objects that add classes to rampartd's class registry
// ([MS-DCOM] 3.1.2.5.2: the activator maps a CLSID to the code that makes
// its instances). rampartd loads each module named in `[dcom] modules` at
// start, before it serves anything, and never unloads it.
//
// A module is written with the COM server API (com_server.hpp): it
// implements the generated `I_server` skeletons of its interfaces and
// hands rampartd their descriptors and one factory per class:
//
//   #include "rampart/dcom/com_module.hpp"
//
//   static void add_classes(rampart::dcom::ComModuleRegistrar& r) {
//     r.add_interface(spec::my::IMine_descriptor());
//     r.add_class(kMyClsid, "my-class", [] { ComObject o; o.add(...); return o; });
//   }
//   RAMPART_COM_MODULE_V1(add_classes)
//
// The module is built as a position-independent shared object against the
// same Rampart version and compiler as rampartd: it calls the Rampart
// runtime that rampartd carries (rampartd exports its symbols), and
// exchanges C++ objects with it. The macro exports two symbols:
//  - `rampart_com_module_build`, a string naming the module interface
//    version (v1), the Rampart version and the compiler; rampartd refuses
//    a module whose string differs from its own before calling anything;
//  - `rampart_com_module_v1`, the entry point, called once with a
//    registrar. It must not throw; if it does, the module is refused.
// rampartd refuses a module that registers no class, a CLSID already
// served (built-in or by another module), or an interface without
// methods beyond IUnknown's.
#pragma once

#include <string>
#include <vector>

#include "rampart/dcom/com_server.hpp"

#ifndef RAMPART_LIBRARY_VERSION
#define RAMPART_LIBRARY_VERSION "unknown"
#endif

/// What a module and rampartd must agree on exactly.
#define RAMPART_COM_MODULE_BUILD "rampart-com-module-v1 rampart-" RAMPART_LIBRARY_VERSION " cxx-" __VERSION__

namespace rampart::dcom {

/// One class a module serves.
struct ModuleClass {
  Uuid clsid;
  std::string name;
  ClassFactory factory;
};

/// What a module's entry point fills.
class ComModuleRegistrar {
 public:
  /// An object interface the module's classes implement; the descriptor
  /// must live as long as the process (generated descriptors do).
  void add_interface(const runtime::InterfaceDescriptor& descriptor) { interfaces_.push_back(&descriptor); }
  void add_class(const Uuid& clsid, std::string name, ClassFactory factory) {
    classes_.push_back({clsid, std::move(name), std::move(factory)});
  }
  [[nodiscard]] const std::vector<const runtime::InterfaceDescriptor*>& interfaces() const noexcept {
    return interfaces_;
  }
  [[nodiscard]] std::vector<ModuleClass>& classes() noexcept { return classes_; }

 private:
  std::vector<const runtime::InterfaceDescriptor*> interfaces_;
  std::vector<ModuleClass> classes_;
};

using ComModuleEntryV1 = void (*)(ComModuleRegistrar&);

}  // namespace rampart::dcom

/// Defines the module's exported symbols; `fn` is a
/// `void(rampart::dcom::ComModuleRegistrar&)`.
#define RAMPART_COM_MODULE_V1(fn)                                                                        \
  extern "C" __attribute__((visibility("default"))) const char rampart_com_module_build[] =             \
      RAMPART_COM_MODULE_BUILD;                                                                          \
  extern "C" __attribute__((visibility("default"))) void rampart_com_module_v1(                         \
      ::rampart::dcom::ComModuleRegistrar& registrar) {                                                  \
    fn(registrar);                                                                                       \
  }
