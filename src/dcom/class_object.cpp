// Class objects; contract in class_object.hpp.
#include "rampart/dcom/class_object.hpp"

#include <algorithm>

#include "rampart/dcom/fault_policy.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/objref.hpp"

namespace rampart::dcom {

namespace cf = spec::classfactory;

namespace {

constexpr std::int32_t hres(std::uint32_t v) noexcept { return static_cast<std::int32_t>(v); }

}  // namespace

std::expected<cf::RemoteCreateInstance_response, std::uint32_t> ClassObject::RemoteCreateInstance(
    const runtime::CallContext& ctx, cf::RemoteCreateInstance_request request) {
  cf::RemoteCreateInstance_response out;
  const auto server = server_.lock();
  const auto resolver = resolver_.lock();
  if (!server || !resolver) {
    out.return_value = hres(hr::kClassNotRegistered);
    return out;
  }
  // A new instance is a launch ([MS-DCOM] 3.1.2.5.2.3), whoever holds the
  // class object: the class's launch list as of now applies.
  if (!server->permissions()->check_launch(ctx, clsid_, "IClassFactory::CreateInstance")) {
    out.return_value = hres(hr::kAccessDenied);
    return out;
  }
  // The same factory and export as RemoteCreateInstance on port 135; the
  // caller already holds an authenticated, routed call on this exporter.
  auto made = server->create_instance(clsid_, {request.riid}, Clock::now());
  if (!made) {
    out.return_value = hres(made.error());
    return out;
  }
  const InterfaceResult& made_itf = made->front();
  if (made_itf.hresult != hr::kOk) {
    out.return_value = hres(made_itf.hresult);
    return out;
  }
  auto bytes = ObjRef{request.riid, ObjRefStandard{made_itf.std, resolver->resolver_bindings(ctx.peer)}}.encode();
  if (!bytes) {
    // Nothing can reach the new object: give its reference back.
    (void)server->exporter()->release_refs(made_itf.std.ipid, made_itf.std.public_refs);
    return std::unexpected(react(bytes.error()).code);
  }
  out.ppvObject = spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(bytes->size()), std::move(*bytes)};
  return out;
}

std::expected<cf::RemoteLockServer_response, std::uint32_t> ClassObject::RemoteLockServer(
    const runtime::CallContext&, cf::RemoteLockServer_request) {
  return cf::RemoteLockServer_response{};
}

void register_class_object_interface(ComServer& server) { server.register_interface(cf::IClassFactory_descriptor()); }

std::expected<std::vector<InterfaceResult>, std::uint32_t> export_class_object(
    const std::shared_ptr<ComServer>& server, const std::shared_ptr<OxidResolver>& resolver, const Uuid& clsid,
    const std::vector<Uuid>& iids, Clock::time_point now) {
  if (!server->has_class(clsid)) return std::unexpected(hr::kClassNotRegistered);
  const Uuid factory_iid = cf::IClassFactory_descriptor().syntax.uuid;
  if (std::ranges::find(iids, factory_iid) == iids.end()) return std::unexpected(hr::kNoInterface);
  std::shared_ptr<void> target =
      std::make_shared<cf::IClassFactory_dispatcher>(std::make_shared<ClassObject>(server, resolver, clsid));
  const auto& exporter = server->exporter();
  auto oid = exporter->export_object(
      server->oxid(), false, now, {},
      [target, factory_iid](const Uuid& iid) -> std::shared_ptr<void> { return iid == factory_iid ? target : nullptr; },
      clsid);
  if (!oid) return std::unexpected(react(oid.error()).code);
  std::vector<InterfaceResult> out;
  for (const auto& iid : iids) {
    if (iid != factory_iid) {
      out.push_back({hr::kNoInterface, {}});
      continue;
    }
    auto ipid = exporter->add_interface(*oid, iid, target, 1);
    if (!ipid) {
      out.push_back({react(ipid.error()).code, {}});
      continue;
    }
    out.push_back({hr::kOk, StdObjRef{0u, 1, server->oxid(), *oid, *ipid}});
  }
  return out;
}

}  // namespace rampart::dcom
