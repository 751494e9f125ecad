// Object calls ([MS-DCOM] 3.1.1.5.1, 3.2.4.2): DCOM calls an interface of an
// object by binding to the interface's IID (version 0.0) on the object
// exporter's endpoint and naming the IPID in the request's object UUID
// (PFC_OBJECT_UUID). An interface registry keyed by interface alone cannot
// tell two objects apart, so each IID is registered once as a router that
// looks the IPID up in the ObjectExporter and hands the call to the
// target that IPID was exported with.
//
// Before the target runs, the router checks (reactions from dcom::react):
//  - an object UUID is present and names an IPID of this interface:
//    otherwise fault RPC_E_INVALID_IPID;
//  - the call's authentication level is at least the object exporter's
//    (OxidEntry::authn_level, [MS-DCOM] 3.1.1.5.4), and the access list of
//    the object's class (class_permissions.hpp, IpidEntry::clsid) admits
//    the caller: otherwise fault E_ACCESSDENIED. Both are checked before
//    anything of the stub is read;
//    the spec lists version negotiation first, but a caller below the
//    level learns nothing from the order, and no ORPCTHIS of an
//    unauthenticated caller is parsed;
//  - ORPCTHIS.version ([MS-DCOM] 2.2.13.3, the first [in] value of every
//    ORPC call) negotiates (com_version.hpp): otherwise fault
//    RPC_E_VERSION_MISMATCH. An ORPCTHIS that does not decode is left to
//    the target's generated stub, which faults rpc_x_bad_stub_data.
#pragma once

#include <memory>
#include <optional>

#include "rampart/dcom/class_permissions.hpp"
#include "rampart/dcom/object_exporter.hpp"
#include "rampart/runtime/interface.hpp"
#include "rampart/runtime/interface_descriptor.hpp"

namespace rampart::dcom {

/// The fault status for an ORPC call below the authentication level of the
/// object exporter `oxid` (E_ACCESSDENIED), or nullopt when it may go on.
[[nodiscard]] std::optional<std::uint32_t> orpc_security_fault(const runtime::CallContext& ctx,
                                                               const ObjectExporter& exporter, Oxid oxid);

/// The fault status for an ORPC call on an object of class `clsid` whose
/// access list does not admit the caller (E_ACCESSDENIED, reported to the
/// gate's DenialFn), or nullopt when it may go on or `gate` is null.
[[nodiscard]] std::optional<std::uint32_t> orpc_access_fault(const runtime::CallContext& ctx,
                                                             const PermissionGate* gate, const Uuid& clsid,
                                                             std::string_view operation);

/// The fault status for an ORPC call whose ORPCTHIS names an unusable
/// COMVERSION, or nullopt when the call may go on.
[[nodiscard]] std::optional<std::uint32_t> orpc_version_fault(const runtime::CallContext& ctx);

class ObjectRouter final : public runtime::Interface {
 public:
  /// `descriptor`: the generated descriptor of the object interface (its
  /// syntax is the IID, version 0.0). Targets stored in the exporter for
  /// IPIDs of this IID must be runtime::Interface objects.
  ObjectRouter(const runtime::InterfaceDescriptor& descriptor, std::shared_ptr<ObjectExporter> exporter,
               std::shared_ptr<const PermissionGate> permissions = nullptr);

  [[nodiscard]] const SyntaxId& syntax() const noexcept override { return descriptor_.syntax; }
  [[nodiscard]] std::string_view name() const noexcept override { return descriptor_.name; }
  [[nodiscard]] std::uint16_t operation_count() const noexcept override { return descriptor_.operation_count(); }
  void call(const runtime::CallContext& ctx, runtime::Responder responder) override;

 private:
  const runtime::InterfaceDescriptor& descriptor_;
  std::shared_ptr<ObjectExporter> exporter_;
  std::shared_ptr<const PermissionGate> permissions_;
};

}  // namespace rampart::dcom
