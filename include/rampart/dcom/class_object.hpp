// Class objects: what IRemoteSCMActivator::RemoteGetClassObject hands out
// ([MS-DCOM] 3.1.2.5.2.3.2, "an object reference for the class factory
// object"). A class object implements IClassFactory (ms-dcom/classfactory.idl):
//
//   RemoteCreateInstance(riid)  a new instance of its class, made by the
//                               class's ComServer factory exactly as
//                               RemoteCreateInstance on port 135 makes one,
//                               returned as an OBJREF_STANDARD for riid with
//                               the resolver's bindings (the caller's own
//                               view, OxidResolver::resolver_bindings);
//                               E_ACCESSDENIED when the class's launch
//                               list refuses the caller (a launch);
//                               REGDB_E_CLASSNOTREG once the class is gone,
//                               E_NOINTERFACE when it lacks riid
//   RemoteLockServer(fLock)     S_OK; rampartd serves its classes for its
//                               whole life, so there is nothing to hold
//
// A class object is exported like any object (reference counts, pings,
// RemRelease) on the ComServer's OXID. It holds its server and resolver
// weakly, so an exported class object never keeps them alive.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <vector>

#include "classfactory.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/dcom/com_server.hpp"
#include "rampart/dcom/oxid_resolver.hpp"

namespace rampart::dcom {

class ClassObject final : public spec::classfactory::IClassFactory_server {
 public:
  ClassObject(std::weak_ptr<ComServer> server, std::weak_ptr<OxidResolver> resolver, const Uuid& clsid)
      : server_(std::move(server)), resolver_(std::move(resolver)), clsid_(clsid) {}

  std::expected<spec::classfactory::RemoteCreateInstance_response, std::uint32_t> RemoteCreateInstance(
      const runtime::CallContext& ctx, spec::classfactory::RemoteCreateInstance_request request) override;
  std::expected<spec::classfactory::RemoteLockServer_response, std::uint32_t> RemoteLockServer(
      const runtime::CallContext& ctx, spec::classfactory::RemoteLockServer_request request) override;

 private:
  std::weak_ptr<ComServer> server_;
  std::weak_ptr<OxidResolver> resolver_;
  Uuid clsid_;
};

/// Makes IClassFactory callable on `server`'s registry (its ObjectRouter).
void register_class_object_interface(ComServer& server);

/// Exports a new class object of `clsid` with one public reference on each
/// of `iids` it implements (IClassFactory). REGDB_E_CLASSNOTREG when no
/// such class, E_NOINTERFACE when none of `iids` is IClassFactory,
/// E_OUTOFMEMORY at the exporter's bounds.
[[nodiscard]] std::expected<std::vector<InterfaceResult>, std::uint32_t> export_class_object(
    const std::shared_ptr<ComServer>& server, const std::shared_ptr<OxidResolver>& resolver, const Uuid& clsid,
    const std::vector<Uuid>& iids, Clock::time_point now);

}  // namespace rampart::dcom
