// The COM server API; contract in com_server.hpp.
#include "rampart/dcom/com_server.hpp"

#include "rampart/dcom/fault_policy.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/object_router.hpp"

namespace rampart::dcom {

ComServer::ComServer(std::shared_ptr<ObjectExporter> exporter, Oxid oxid, runtime::InterfaceRegistry& registry,
                     std::shared_ptr<PermissionGate> permissions)
    : exporter_(std::move(exporter)),
      oxid_(oxid),
      registry_(registry),
      permissions_(permissions ? std::move(permissions) : std::make_shared<PermissionGate>()) {}

void ComServer::register_interface(const runtime::InterfaceDescriptor& descriptor) {
  {
    std::lock_guard lock(mutex_);
    routed_[descriptor.syntax.uuid] = descriptor.operation_count();
  }
  registry_.add(std::make_shared<ObjectRouter>(descriptor, exporter_, permissions_));
}

std::optional<std::uint16_t> ComServer::routed_interface(const Uuid& iid) const {
  std::lock_guard lock(mutex_);
  const auto it = routed_.find(iid);
  return it == routed_.end() ? std::nullopt : std::optional<std::uint16_t>(it->second);
}

void ComServer::register_class(const Uuid& clsid, std::string name, ClassFactory factory) {
  std::lock_guard lock(mutex_);
  classes_[clsid] = Class{std::move(name), std::move(factory)};
}

bool ComServer::has_class(const Uuid& clsid) const {
  std::lock_guard lock(mutex_);
  return classes_.contains(clsid);
}

std::vector<std::pair<Uuid, std::string>> ComServer::classes() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<Uuid, std::string>> out;
  for (const auto& [clsid, c] : classes_) out.emplace_back(clsid, c.name);
  return out;
}

std::expected<std::vector<InterfaceResult>, std::uint32_t> ComServer::create_instance(const Uuid& clsid,
                                                                                     const std::vector<Uuid>& iids,
                                                                                     Clock::time_point now,
                                                                                     bool no_ping) {
  ClassFactory factory;
  {
    std::lock_guard lock(mutex_);
    const auto it = classes_.find(clsid);
    if (it == classes_.end()) return std::unexpected(hr::kClassNotRegistered);
    factory = it->second.factory;
  }
  auto object = std::make_shared<ComObject>(factory());
  bool any = false;
  for (const auto& iid : iids) any = any || object->find(iid) != nullptr;
  if (!any) return std::unexpected(hr::kNoInterface);
  // The exporter's query hook hands out the object's other interfaces
  // (RemQueryInterface); releasing the object drops it with its IPIDs.
  auto oid = exporter_->export_object(
      oxid_, no_ping, now, {}, [object](const Uuid& iid) -> std::shared_ptr<void> { return object->find(iid); }, clsid);
  if (!oid) return std::unexpected(react(oid.error()).code);
  std::vector<InterfaceResult> out;
  for (const auto& iid : iids) {
    auto target = object->find(iid);
    if (!target) {
      out.push_back({hr::kNoInterface, {}});
      continue;
    }
    auto ipid = exporter_->add_interface(*oid, iid, std::move(target), 1);
    if (!ipid) {
      out.push_back({react(ipid.error()).code, {}});
      continue;
    }
    out.push_back({hr::kOk, StdObjRef{no_ping ? kSorfNoPing : 0u, 1, oxid_, *oid, *ipid}});
  }
  return out;
}

}  // namespace rampart::dcom
