// IRemUnknown and IRemUnknown2 ([MS-DCOM] 3.1.1.5.6, 3.1.1.5.7): the remote
// unknown of each object exporter, reached through the OXID's
// ipidRemUnknown as the request's object UUID.
//
//  - RemQueryInterface: per IID, an IPID on the object `ripid` names (made
//    through the object's query hook when it has none yet), holding cRefs
//    more references, as a STDOBJREF (SORF_NOPING when the object was
//    exported so); E_NOINTERFACE for an IID the object does not implement.
//    An IPID of another exporter, or none at all, is E_INVALIDARG for the
//    call ([MS-DCOM] 3.1.1.5.6.1.1).
//  - RemAddRef / RemRelease: per entry, public references; a release of
//    more than are held is E_INVALIDARG for that entry and changes nothing.
//    cPrivateRefs are counted as public ones (Rampart grants none apart).
//  - RemQueryInterface2: as RemQueryInterface with one reference each,
//    returned as OBJREF_STANDARD interface pointers whose resolver address
//    is the exporter's own (oxid_resolver.hpp).
// Every call first passes the router's checks (object UUID is this
// exporter's ipidRemUnknown, the exporter's authentication level, ORPCTHIS
// COMVERSION; object_router.hpp). The objects a call names are known only
// once its arguments are decoded: a call naming an object (ripid, or any
// IPID of RemAddRef / RemRelease) whose class's access list does not admit
// the caller faults E_ACCESSDENIED as a whole, and changes nothing
// (class_permissions.hpp).
#pragma once

#include <memory>

#include "rampart/dcom/class_permissions.hpp"
#include "rampart/dcom/object_exporter.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "remunknown.hpp"

namespace rampart::dcom {

class RemUnknown final : public spec::remunknown::IRemUnknown_server, public spec::remunknown::IRemUnknown2_server {
 public:
  RemUnknown(std::shared_ptr<ObjectExporter> exporter, std::shared_ptr<OxidResolver> resolver,
             std::shared_ptr<const PermissionGate> permissions = nullptr);

  std::expected<spec::remunknown::RemQueryInterface_response, std::uint32_t> RemQueryInterface(
      const runtime::CallContext& ctx, spec::remunknown::RemQueryInterface_request request) override;
  std::expected<spec::remunknown::RemAddRef_response, std::uint32_t> RemAddRef(
      const runtime::CallContext& ctx, spec::remunknown::RemAddRef_request request) override;
  std::expected<spec::remunknown::RemRelease_response, std::uint32_t> RemRelease(
      const runtime::CallContext& ctx, spec::remunknown::RemRelease_request request) override;
  std::expected<spec::remunknown::RemQueryInterface2_response, std::uint32_t> RemQueryInterface2(
      const runtime::CallContext& ctx, spec::remunknown::RemQueryInterface2_request request) override;

 private:
  /// The IPID of `ripid`'s object for `iid` with `refs` references, if the
  /// object is this call's exporter's and implements it.
  Result<std::optional<IpidEntry>> query(const runtime::CallContext& ctx, const Uuid& ripid, const Uuid& iid,
                                         std::uint32_t refs, std::string_view operation);
  /// E_ACCESSDENIED when an object `refs` name is of a class whose access
  /// list refuses the caller.
  template <typename Refs>
  std::optional<std::uint32_t> refs_access_fault(const runtime::CallContext& ctx, const Refs& refs,
                                                 std::string_view operation) const;

  std::shared_ptr<ObjectExporter> exporter_;
  std::shared_ptr<OxidResolver> resolver_;
  std::shared_ptr<const PermissionGate> permissions_;
};

/// IRemUnknown (00000131) and IRemUnknown2 (00000143), each a
/// runtime::Interface that checks the object UUID and ORPCTHIS, then
/// dispatches; IRemUnknown2's context serves opnums 3..6.
struct RemUnknownInterfaces {
  std::shared_ptr<runtime::Interface> rem_unknown;
  std::shared_ptr<runtime::Interface> rem_unknown2;
};
[[nodiscard]] RemUnknownInterfaces make_rem_unknown_interfaces(std::shared_ptr<RemUnknown> impl,
                                                              std::shared_ptr<ObjectExporter> exporter);

}  // namespace rampart::dcom
