// What a class server answers, checked before rampartd relays it
// (class_forwarder.hpp, docs/hardening.md C18).
#include "rampart/dcom/class_forwarder.hpp"

#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/objref.hpp"

namespace rampart::dcom {

namespace {

std::optional<std::string> check_one(const ForwardedExporter& exporter, const InterfaceResult& r) {
  // [MS-ERREF] 2.1: the severity bit marks a failure HRESULT.
  if (r.hresult != hr::kOk) {
    if ((r.hresult & 0x80000000u) == 0) return "a result that is neither S_OK nor a failure HRESULT";
    return std::nullopt;
  }
  if (r.std.oxid != exporter.oxid) return "an interface on another OXID than the registered one";
  if (r.std.oid == 0) return "a zero OID";
  if (r.std.ipid.is_nil()) return "a nil IPID";
  if (r.std.ipid == exporter.ipid_rem_unknown) return "an interface on the IRemUnknown IPID";
  // [MS-DCOM] 2.2.18.2: SORF_NOPING is the only flag a STDOBJREF carries.
  if ((r.std.flags & ~kSorfNoPing) != 0) return "STDOBJREF flags other than SORF_NOPING";
  if (r.std.public_refs == 0 || r.std.public_refs > 0x7fffffffu) return "a public reference count out of range";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> validate_forwarded(const ForwardedExporter& exporter, std::span<const Uuid> iids,
                                              std::span<const InterfaceResult> results) {
  if (results.size() != iids.size()) return "result count differs from the interfaces asked for";
  std::optional<Oid> oid;
  for (const auto& r : results) {
    if (auto why = check_one(exporter, r)) return why;
    if (r.hresult != hr::kOk) continue;
    // One instance: every interface of it is on the same object.
    if (oid && *oid != r.std.oid) return "interfaces of one instance on different OIDs";
    oid = r.std.oid;
  }
  return std::nullopt;
}

}  // namespace rampart::dcom
