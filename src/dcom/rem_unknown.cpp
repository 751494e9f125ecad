// IRemUnknown(2); rules in rem_unknown.hpp.
#include "rampart/dcom/rem_unknown.hpp"

#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/fault_policy.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/object_router.hpp"
#include "rampart/dcom/objref.hpp"

namespace rampart::dcom {

namespace ru = spec::remunknown;
using runtime::CallContext;

namespace {

constexpr std::int32_t hres(std::uint32_t v) noexcept { return static_cast<std::int32_t>(v); }

spec::orpc::STDOBJREF std_objref(const IpidEntry& e, std::uint32_t refs) {
  return {e.no_ping ? kSorfNoPing : 0u, refs, e.oxid, e.oid, to_wire(e.ipid)};
}

// Dispatches by opnum: IRemUnknown's three methods on both contexts, and
// RemQueryInterface2 on IRemUnknown2's, after the router's checks.
class RemUnknownRouter final : public runtime::Interface {
 public:
  RemUnknownRouter(const runtime::InterfaceDescriptor& descriptor, std::shared_ptr<runtime::Interface> base,
                   std::shared_ptr<runtime::Interface> derived, std::shared_ptr<ObjectExporter> exporter)
      : descriptor_(descriptor), base_(std::move(base)), derived_(std::move(derived)), exporter_(std::move(exporter)) {}
  [[nodiscard]] const SyntaxId& syntax() const noexcept override { return descriptor_.syntax; }
  [[nodiscard]] std::string_view name() const noexcept override { return descriptor_.name; }
  [[nodiscard]] std::uint16_t operation_count() const noexcept override { return descriptor_.operation_count(); }
  void call(const CallContext& ctx, runtime::Responder responder) override {
    const auto owner = ctx.object ? exporter_->rem_unknown_owner(*ctx.object) : std::nullopt;
    if (!owner)
      return responder.respond(runtime::CallOutcome::fault(react(Error(Errc::unknown_ipid, "not an IRemUnknown IPID")).code));
    if (const auto fault = orpc_security_fault(ctx, *exporter_, *owner))
      return responder.respond(runtime::CallOutcome::fault(*fault));
    if (const auto fault = orpc_version_fault(ctx)) return responder.respond(runtime::CallOutcome::fault(*fault));
    auto& target = derived_ && ctx.opnum >= derived_->operation_count() - 1 ? derived_ : base_;
    target->call(ctx, std::move(responder));
  }

 private:
  const runtime::InterfaceDescriptor& descriptor_;
  std::shared_ptr<runtime::Interface> base_;
  std::shared_ptr<runtime::Interface> derived_;
  std::shared_ptr<ObjectExporter> exporter_;
};

}  // namespace

RemUnknown::RemUnknown(std::shared_ptr<ObjectExporter> exporter, std::shared_ptr<OxidResolver> resolver,
                       std::shared_ptr<const PermissionGate> permissions)
    : exporter_(std::move(exporter)), resolver_(std::move(resolver)), permissions_(std::move(permissions)) {}

template <typename Refs>
std::optional<std::uint32_t> RemUnknown::refs_access_fault(const CallContext& ctx, const Refs& refs,
                                                           std::string_view operation) const {
  for (const auto& ref : refs) {
    // IPIDs that are gone are answered per entry (E_INVALIDARG) as before.
    const auto entry = exporter_->find_ipid(from_wire(ref.ipid));
    if (!entry) continue;
    if (auto fault = orpc_access_fault(ctx, permissions_.get(), entry->clsid, operation)) return fault;
  }
  return std::nullopt;
}

Result<std::optional<IpidEntry>> RemUnknown::query(const CallContext& ctx, const Uuid& ripid, const Uuid& iid,
                                                   std::uint32_t refs, std::string_view operation) {
  // The object must belong to the exporter whose IRemUnknown was called.
  const auto owner = exporter_->rem_unknown_owner(*ctx.object);
  const auto entry = exporter_->find_ipid(ripid);
  if (!entry || !owner || entry->oxid != *owner) return fail(Errc::unknown_ipid, "the IPID is not this exporter's");
  if (orpc_access_fault(ctx, permissions_.get(), entry->clsid, operation))
    return fail(Errc::access_denied, "the class's access list does not admit the caller");
  return exporter_->query_interface(ripid, iid, refs);
}

std::expected<ru::RemQueryInterface_response, std::uint32_t> RemUnknown::RemQueryInterface(
    const CallContext& ctx, ru::RemQueryInterface_request request) {
  ru::RemQueryInterface_response out;
  out.cIids = request.cIids;
  std::vector<ru::REMQIRESULT> results;
  for (const auto& iid : request.iids) {
    auto e = query(ctx, from_wire(request.ripid), from_wire(iid), request.cRefs, "RemQueryInterface");
    if (!e && e.error().is(Errc::access_denied)) return std::unexpected(react(e.error()).code);
    if (!e) {
      out.return_value = hres(hr::kInvalidArg);
      return out;
    }
    if (*e) results.push_back({hres(hr::kOk), std_objref(**e, request.cRefs)});
    else results.push_back({hres(hr::kNoInterface), {}});
  }
  out.ppQIResults = std::move(results);
  return out;
}

std::expected<ru::RemAddRef_response, std::uint32_t> RemUnknown::RemAddRef(const CallContext& ctx,
                                                                            ru::RemAddRef_request request) {
  if (auto fault = refs_access_fault(ctx, request.InterfaceRefs, "RemAddRef")) return std::unexpected(*fault);
  ru::RemAddRef_response out;
  out.cInterfaceRefs = request.cInterfaceRefs;
  for (const auto& ref : request.InterfaceRefs) {
    const std::uint64_t refs = std::uint64_t{ref.cPublicRefs} + ref.cPrivateRefs;
    auto r = refs > UINT32_MAX ? Result<void>(fail(Errc::bad_reference_count, "reference count would overflow"))
                               : exporter_->add_refs(from_wire(ref.ipid), static_cast<std::uint32_t>(refs));
    out.pResults.push_back(r ? hres(hr::kOk) : hres(hr::kInvalidArg));
    if (!r) out.return_value = hres(hr::kInvalidArg);
  }
  return out;
}

std::expected<ru::RemRelease_response, std::uint32_t> RemUnknown::RemRelease(const CallContext& ctx,
                                                                              ru::RemRelease_request request) {
  if (auto fault = refs_access_fault(ctx, request.InterfaceRefs, "RemRelease")) return std::unexpected(*fault);
  ru::RemRelease_response out;
  for (const auto& ref : request.InterfaceRefs) {
    const std::uint64_t refs = std::uint64_t{ref.cPublicRefs} + ref.cPrivateRefs;
    auto r = refs > UINT32_MAX ? Result<void>(fail(Errc::bad_reference_count, "reference count would overflow"))
                               : exporter_->release_refs(from_wire(ref.ipid), static_cast<std::uint32_t>(refs));
    if (!r) out.return_value = hres(hr::kInvalidArg);
  }
  return out;
}

std::expected<ru::RemQueryInterface2_response, std::uint32_t> RemUnknown::RemQueryInterface2(
    const CallContext& ctx, ru::RemQueryInterface2_request request) {
  ru::RemQueryInterface2_response out;
  out.cIids = request.cIids;
  const DualStringArray bindings = resolver_->resolver_bindings(ctx.peer);
  for (const auto& iid : request.iids) {
    auto e = query(ctx, from_wire(request.ripid), from_wire(iid), 1, "RemQueryInterface2");
    if (!e && e.error().is(Errc::access_denied)) return std::unexpected(react(e.error()).code);
    if (!e) {
      out.return_value = hres(hr::kInvalidArg);
      out.phr.assign(request.iids.size(), hres(hr::kInvalidArg));
      out.ppMIF.assign(request.iids.size(), std::nullopt);
      return out;
    }
    if (!*e) {
      out.phr.push_back(hres(hr::kNoInterface));
      out.ppMIF.emplace_back(std::nullopt);
      continue;
    }
    const auto& entry = **e;
    ObjRef o{entry.iid, ObjRefStandard{StdObjRef{entry.no_ping ? kSorfNoPing : 0u, 1, entry.oxid, entry.oid, entry.ipid},
                                       bindings}};
    auto bytes = o.encode();
    if (!bytes) return std::unexpected(react(bytes.error()).code);
    out.phr.push_back(hres(hr::kOk));
    out.ppMIF.emplace_back(spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(bytes->size()), std::move(*bytes)});
  }
  return out;
}

RemUnknownInterfaces make_rem_unknown_interfaces(std::shared_ptr<RemUnknown> impl,
                                                 std::shared_ptr<ObjectExporter> exporter) {
  ndr::DecodeLimits l;
  // cIids and cInterfaceRefs are u16; a client asks for a handful.
  l.max_array_elements = 1024;
  l.max_alloc_bytes = 256 * 1024;
  l.max_depth = 16;
  auto base = std::make_shared<ru::IRemUnknown_dispatcher>(impl, l);
  auto derived = std::make_shared<ru::IRemUnknown2_dispatcher>(impl, l);
  return {std::make_shared<RemUnknownRouter>(ru::IRemUnknown_descriptor(), base, nullptr, exporter),
          std::make_shared<RemUnknownRouter>(ru::IRemUnknown2_descriptor(), base, derived, exporter)};
}

}  // namespace rampart::dcom
