// Loading COM modules; the rules are in com_module_loader.hpp.
#include "rampart/dcom/com_module_loader.hpp"

#include "rampart/base/trusted_module.hpp"

namespace rampart::dcom {

namespace {

using Status = std::expected<void, std::string>;

// The registrar's contents, checked before anything reaches the server.
Status check_registration(ComModuleRegistrar& r, const ComServer& server, const std::string& path) {
  if (r.classes().empty()) return std::unexpected(path + ": the module registers no class");
  for (const auto* d : r.interfaces()) {
    if (d == nullptr || d->operation_count() <= 3)
      return std::unexpected(path + ": an interface without methods beyond IUnknown's");
    // An IID rampartd already serves as a service (IObjectExporter,
    // IRemUnknown, the activators, the endpoint mapper) is never taken
    // over; one another class routes already must have the same methods.
    const auto routed = server.routed_interface(d->syntax.uuid);
    if (routed ? *routed != d->operation_count() : server.interface_registered(d->syntax))
      return std::unexpected(path + ": interface " + d->syntax.uuid.to_string() + " is already served otherwise");
  }
  for (std::size_t i = 0; i < r.classes().size(); ++i) {
    const auto& c = r.classes()[i];
    if (c.name.empty() || c.name.size() > 64 || !c.factory)
      return std::unexpected(path + ": a class without a name (1..64 characters) or a factory");
    if (server.has_class(c.clsid)) return std::unexpected(path + ": class " + c.clsid.to_string() + " is already served");
    for (std::size_t j = 0; j < i; ++j)
      if (r.classes()[j].clsid == c.clsid)
        return std::unexpected(path + ": class " + c.clsid.to_string() + " registered twice");
  }
  return {};
}

}  // namespace

std::expected<std::vector<std::string>, std::string> load_com_module(const std::string& path, ComServer& server) {
  ComModuleRegistrar registrar;
  if (auto ran = base::run_trusted_module(path, "rampart_com_module_build", RAMPART_COM_MODULE_BUILD,
                                          "rampart_com_module_v1", registrar);
      !ran)
    return std::unexpected(ran.error());
  if (auto ok = check_registration(registrar, server, path); !ok) return std::unexpected(ok.error());
  for (const auto* d : registrar.interfaces())
    if (!server.routed_interface(d->syntax.uuid)) server.register_interface(*d);
  std::vector<std::string> names;
  for (auto& c : registrar.classes()) {
    names.push_back(c.name);
    server.register_class(c.clsid, c.name, std::move(c.factory));
  }
  return names;
}

}  // namespace rampart::dcom
