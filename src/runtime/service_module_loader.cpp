// Loading service modules; the rules are in service_module_loader.hpp.
#include "rampart/runtime/service_module_loader.hpp"

#include "rampart/base/trusted_module.hpp"

namespace rampart::runtime {

namespace {

// C706 2.12.5: an annotation is at most 64 octets with its terminator.
constexpr std::size_t kMaxAnnotation = 63;

// One interface per UUID and major version: bind matches on those two
// (C706 12.6.3.1), whatever the minor versions.
bool same_interface(const SyntaxId& a, const SyntaxId& b) noexcept { return a.uuid == b.uuid && a.major == b.major; }

bool already_served(const InterfaceRegistry& served, const SyntaxId& syntax) {
  for (const auto& itf : *served.snapshot())
    if (same_interface(itf->syntax(), syntax)) return true;
  return false;
}

std::expected<void, std::string> check_services(const std::vector<ModuleService>& services,
                                                const InterfaceRegistry& served, const std::string& path) {
  if (services.empty()) return std::unexpected(path + ": the module registers no service");
  for (std::size_t i = 0; i < services.size(); ++i) {
    const auto& s = services[i];
    if (!s.interface || s.interface->name().empty() || s.interface->operation_count() == 0)
      return std::unexpected(path + ": a service without an interface, a name or operations");
    const auto uuid = s.interface->syntax().uuid.to_string();
    if (s.annotation.size() > kMaxAnnotation)
      return std::unexpected(path + ": the annotation of " + uuid + " is longer than 63 octets");
    if (already_served(served, s.interface->syntax()))
      return std::unexpected(path + ": interface " + uuid + " is already served");
    for (std::size_t j = 0; j < i; ++j) {
      if (same_interface(services[j].interface->syntax(), s.interface->syntax()))
        return std::unexpected(path + ": interface " + uuid + " registered twice");
    }
  }
  return {};
}

}  // namespace

std::expected<std::vector<ModuleService>, std::string> load_service_module(const std::string& path,
                                                                           const InterfaceRegistry& served) {
  ServiceModuleRegistrar registrar;
  if (auto ran = base::run_trusted_module(path, "rampart_service_module_build", RAMPART_SERVICE_MODULE_BUILD,
                                          "rampart_service_module_v1", registrar);
      !ran)
    return std::unexpected(ran.error());
  if (auto ok = check_services(registrar.services(), served, path); !ok) return std::unexpected(ok.error());
  return std::move(registrar.services());
}

}  // namespace rampart::runtime
