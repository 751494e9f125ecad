// Routing object calls by IPID; rules in object_router.hpp.
#include "rampart/dcom/object_router.hpp"

#include "orpc.hpp"
#include "rampart/dcom/activation_policy.hpp"
#include "rampart/dcom/com_version.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/fault_policy.hpp"
#include "rampart/ndr/decoder.hpp"

namespace rampart::dcom {

namespace {

template <ndr::WireFormat F>
std::optional<ComVersion> peek_version(const runtime::CallContext& ctx) {
  ndr::BasicDecoder<F> d(ctx.stub, ctx.drep);
  spec::orpc::ORPCTHIS t;
  if (!spec::orpc::ORPCTHIS::decode_scalars(d, t)) return std::nullopt;
  return ComVersion{t.version.MajorVersion, t.version.MinorVersion};
}

}  // namespace

std::optional<std::uint32_t> orpc_security_fault(const runtime::CallContext& ctx, const ObjectExporter& exporter,
                                                 Oxid oxid) {
  const auto entry = exporter.resolve(oxid);
  if (!entry) return react(entry.error()).code;
  if (meets(call_security(ctx), entry->authn_level)) return std::nullopt;
  return react(Error(Errc::below_authn_level, "ORPC call below the exporter's authentication level")).code;
}

std::optional<std::uint32_t> orpc_access_fault(const runtime::CallContext& ctx, const PermissionGate* gate,
                                               const Uuid& clsid, std::string_view operation) {
  if (gate == nullptr || gate->check_access(ctx, clsid, operation)) return std::nullopt;
  return react(Error(Errc::access_denied, "the class's access list does not admit the caller")).code;
}

std::optional<std::uint32_t> orpc_version_fault(const runtime::CallContext& ctx) {
  const auto v = ctx.transfer_syntax == syntax::kNdr64 ? peek_version<ndr::Ndr64>(ctx) : peek_version<ndr::Ndr20>(ctx);
  if (!v) return std::nullopt;  // the generated stub faults it as bad stub data
  auto ok = negotiate(*v);
  if (!ok) return react(ok.error()).code;
  return std::nullopt;
}

ObjectRouter::ObjectRouter(const runtime::InterfaceDescriptor& descriptor, std::shared_ptr<ObjectExporter> exporter,
                           std::shared_ptr<const PermissionGate> permissions)
    : descriptor_(descriptor), exporter_(std::move(exporter)), permissions_(std::move(permissions)) {}

void ObjectRouter::call(const runtime::CallContext& ctx, runtime::Responder responder) {
  const auto invalid_ipid = [&] {
    responder.respond(runtime::CallOutcome::fault(react(Error(Errc::unknown_ipid, "no such IPID")).code));
  };
  if (!ctx.object) return invalid_ipid();
  auto entry = exporter_->find_ipid(*ctx.object);
  // An IPID of another interface is refused as unknown: the call's
  // presentation context names this one ([MS-DCOM] 3.1.1.5.1).
  if (!entry || entry->iid != descriptor_.syntax.uuid || !entry->target) return invalid_ipid();
  if (const auto fault = orpc_security_fault(ctx, *exporter_, entry->oxid))
    return responder.respond(runtime::CallOutcome::fault(*fault));
  if (const auto fault = orpc_access_fault(ctx, permissions_.get(), entry->clsid, descriptor_.name))
    return responder.respond(runtime::CallOutcome::fault(*fault));
  if (const auto fault = orpc_version_fault(ctx)) return responder.respond(runtime::CallOutcome::fault(*fault));
  std::static_pointer_cast<runtime::Interface>(entry->target)->call(ctx, std::move(responder));
}

}  // namespace rampart::dcom
