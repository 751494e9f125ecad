// The rampart-echo class as a COM module (com_module.hpp): the same
// implementation as the built-in class, loaded by rampartd from
// `[dcom] modules = ["/path/to/rampart_echo_module.so"]`. Serve it instead
// of the built-in class (`classes` without "rampart-echo"): one CLSID is
// served once.
#include "echo_class.hpp"
#include "rampart/dcom/com_module.hpp"

namespace {

void add_classes(rampart::dcom::ComModuleRegistrar& registrar) {
  registrar.add_interface(rampart::spec::rampart_echo::IRampartEcho_descriptor());
  registrar.add_class(rampart::echo::kClsid, "rampart-echo-module", rampart::echo::make_echo_object);
}

}  // namespace

RAMPART_COM_MODULE_V1(add_classes)
