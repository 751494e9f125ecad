// IActivation::RemoteActivation; rules in legacy_activator.hpp.
#include "rampart/dcom/legacy_activator.hpp"

#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/fault_policy.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/objref.hpp"

namespace rampart::dcom {

namespace sa = spec::activation;

namespace {
constexpr std::uint32_t kNotImpl = 0x80004001;  // E_NOTIMPL
constexpr std::int32_t hres(std::uint32_t v) noexcept { return static_cast<std::int32_t>(v); }
}  // namespace

LegacyActivator::LegacyActivator(std::shared_ptr<ComServer> server, std::shared_ptr<OxidResolver> resolver,
                                 ActivationPolicy policy, ActivationLimits limits)
    : server_(std::move(server)), resolver_(std::move(resolver)), policy_(policy), limits_(limits) {}

std::expected<sa::RemoteActivation_response, std::uint32_t> LegacyActivator::RemoteActivation(
    const runtime::CallContext& ctx, sa::RemoteActivation_request request) {
  if (auto v = negotiate({request.ORPCthis.version.MajorVersion, request.ORPCthis.version.MinorVersion}); !v)
    return std::unexpected(react(v.error()).code);
  sa::RemoteActivation_response out;
  // The [out] arrays are sized by the [in] Interfaces whatever happens.
  out.Interfaces = request.Interfaces;
  out.ppInterfaceData.assign(request.Interfaces, std::nullopt);
  out.pResults.assign(request.Interfaces, hres(hr::kNoInterface));
  out.pServerVersion = {kComVersion.major, kComVersion.minor};
  const auto refuse = [&](std::uint32_t status) {
    out.phr = hres(status);
    return out;
  };
  if (!policy_.admits(call_security(ctx))) return refuse(ActivationPolicy::refusal());
  // [MS-DCOM] 3.1.2.5.2.3: the class's launch list, before anything is made.
  if (!server_->permissions()->check_launch(ctx, from_wire(request.Clsid), "RemoteActivation"))
    return refuse(hr::kAccessDenied);
  if (request.pwszObjectName || request.pObjectStorage) return refuse(kNotImpl);
  if (!request.pIIDs || request.Interfaces > limits_.max_iids) return refuse(hr::kInvalidArg);
  std::vector<Uuid> iids;
  for (const auto& g : *request.pIIDs) iids.push_back(from_wire(g));
  auto made = server_->create_instance(from_wire(request.Clsid), iids, Clock::now());
  if (!made) return refuse(made.error());
  const auto oxid = server_->exporter()->resolve(server_->oxid());
  if (!oxid) return refuse(react(oxid.error()).code);
  const DualStringArray resolver_address = resolver_->resolver_bindings(ctx.peer);
  for (std::size_t i = 0; i < iids.size(); ++i) {
    out.pResults[i] = hres((*made)[i].hresult);
    if ((*made)[i].hresult != hr::kOk) continue;
    auto bytes = ObjRef{iids[i], ObjRefStandard{(*made)[i].std, resolver_address}}.encode();
    if (!bytes) return std::unexpected(react(bytes.error()).code);
    out.ppInterfaceData[i] = spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(bytes->size()), std::move(*bytes)};
  }
  out.pOxid = server_->oxid();
  out.ppdsaOxidBindings = to_wire(resolver_->oxid_bindings(ctx.peer));
  out.pipidRemUnknown = to_wire(oxid->ipid_rem_unknown);
  out.pAuthnHint = policy_.authn_hint();
  out.phr = hres(hr::kOk);
  return out;
}

std::shared_ptr<runtime::Interface> make_legacy_activator_interface(std::shared_ptr<LegacyActivator> activator,
                                                                    const ActivationLimits& limits) {
  ndr::DecodeLimits l;
  // The Blaster bound: no name longer than a host name with a port is
  // copied (docs/hardening.md C8).
  l.max_string_length = static_cast<std::uint32_t>(limits.max_name_units);
  l.max_alloc_bytes = 256 * 1024;
  l.max_array_elements = 64 * 1024;
  l.max_depth = 16;
  return std::make_shared<sa::IActivation_dispatcher>(std::move(activator), l);
}

}  // namespace rampart::dcom
