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

// The exporter a reply names: rampartd's own or a class server's.
struct ReplyExporter {
  Oxid oxid = 0;
  DualStringArray bindings;
  Uuid ipid_rem_unknown;
  std::uint32_t authn_hint = 0;
};

// [MS-DCOM] 3.1.2.5.2.3.1: the [out] arrays are sized by the [in]
// Interfaces whatever happens; pServerVersion is always set.
sa::RemoteActivation_response skeleton(const sa::RemoteActivation_request& request) {
  sa::RemoteActivation_response out;
  out.Interfaces = request.Interfaces;
  out.ppInterfaceData.assign(request.Interfaces, std::nullopt);
  out.pResults.assign(request.Interfaces, hres(hr::kNoInterface));
  out.pServerVersion = {kComVersion.major, kComVersion.minor};
  return out;
}

std::vector<Uuid> requested_iids(const sa::RemoteActivation_request& request) {
  std::vector<Uuid> iids;
  for (const auto& g : *request.pIIDs) iids.push_back(from_wire(g));
  return iids;
}

// The successful reply: one OBJREF_STANDARD per created interface, whose
// resolver address is rampartd's (clients ping rampartd), and the
// exporter's OXID, bindings, IRemUnknown and authnHint.
Result<void> fill_reply(sa::RemoteActivation_response& out, const DualStringArray& resolver_address,
                        const ReplyExporter& exporter, const std::vector<Uuid>& iids,
                        const std::vector<InterfaceResult>& results) {
  for (std::size_t i = 0; i < iids.size() && i < results.size(); ++i) {
    out.pResults[i] = hres(results[i].hresult);
    if (results[i].hresult != hr::kOk) continue;
    auto bytes = RAMPART_TRY((ObjRef{iids[i], ObjRefStandard{results[i].std, resolver_address}}.encode()));
    out.ppInterfaceData[i] = spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(bytes.size()), std::move(bytes)};
  }
  out.pOxid = exporter.oxid;
  out.ppdsaOxidBindings = to_wire(exporter.bindings);
  out.pipidRemUnknown = to_wire(exporter.ipid_rem_unknown);
  out.pAuthnHint = exporter.authn_hint;
  out.phr = hres(hr::kOk);
  return {};
}

}  // namespace

LegacyActivator::LegacyActivator(std::shared_ptr<ComServer> server, std::shared_ptr<OxidResolver> resolver,
                                 ActivationPolicy policy, ActivationLimits limits)
    : server_(std::move(server)), resolver_(std::move(resolver)), policy_(policy), limits_(limits) {}

std::optional<std::uint32_t> LegacyActivator::refusal(const runtime::CallContext& ctx,
                                                      const sa::RemoteActivation_request& request,
                                                      bool report) const {
  const auto security = call_security(ctx);
  if (!policy_.admits(security)) return ActivationPolicy::refusal();
  // [MS-DCOM] 3.1.2.5.2.3: the class's launch list, before anything is
  // made or forwarded.
  const Uuid clsid = from_wire(request.Clsid);
  const bool launch = report ? server_->permissions()->check_launch(ctx, clsid, "RemoteActivation")
                             : server_->permissions()->current()->may_launch(clsid, security.principal);
  if (!launch) return hr::kAccessDenied;
  if (request.pwszObjectName || request.pObjectStorage) return kNotImpl;
  if (!request.pIIDs || request.Interfaces > limits_.max_iids) return hr::kInvalidArg;
  return std::nullopt;
}

std::optional<ForwardRequest> LegacyActivator::forwardable(const runtime::CallContext& ctx,
                                                           const sa::RemoteActivation_request& request) const {
  if (!forwarder_ || !negotiate({request.ORPCthis.version.MajorVersion, request.ORPCthis.version.MinorVersion}))
    return std::nullopt;
  const Uuid clsid = from_wire(request.Clsid);
  if (!forwarder_->forwards(clsid) || refusal(ctx, request, false)) return std::nullopt;
  const auto security = call_security(ctx);
  return ForwardRequest{clsid, requested_iids(request), security.level, security.principal, false};
}

sa::RemoteActivation_response LegacyActivator::forward(const runtime::PeerInfo& peer,
                                                       const sa::RemoteActivation_request& request,
                                                       const ForwardRequest& forward) const {
  auto out = skeleton(request);
  auto made = forwarder_->forward(forward);
  if (!made) {
    out.phr = hres(made.error());
    return out;
  }
  bool any = false;
  for (const auto& r : made->results) any = any || r.hresult == hr::kOk;
  if (!any || made->results.size() != forward.iids.size()) {
    // No interface at all: the first failure is the activation's, as for
    // an in-process class.
    out.phr = hres(made->results.empty() ? kServerExecFailure : made->results.front().hresult);
    return out;
  }
  // authnHint from the server's own exporter level ([MS-DCOM] 2.2.22.2.8.1),
  // its port in rampartd's addresses under the disclosure policy.
  const ReplyExporter exporter{made->exporter.oxid,
                               resolver_->oxid_bindings(peer, std::to_string(made->exporter.port)),
                               made->exporter.ipid_rem_unknown, ActivationPolicy{made->exporter.level}.authn_hint()};
  if (!fill_reply(out, resolver_->resolver_bindings(peer), exporter, forward.iids, made->results)) {
    out = skeleton(request);
    out.phr = hres(kServerExecFailure);
  }
  return out;
}

std::expected<sa::RemoteActivation_response, std::uint32_t> LegacyActivator::RemoteActivation(
    const runtime::CallContext& ctx, sa::RemoteActivation_request request) {
  if (auto v = negotiate({request.ORPCthis.version.MajorVersion, request.ORPCthis.version.MinorVersion}); !v)
    return std::unexpected(react(v.error()).code);
  auto out = skeleton(request);
  if (auto refused = refusal(ctx, request, true)) {
    out.phr = hres(*refused);
    return out;
  }
  const Uuid clsid = from_wire(request.Clsid);
  const auto iids = requested_iids(request);
  if (forwarder_ && forwarder_->forwards(clsid)) {
    // Reached only through a direct call of this method; the interface of
    // make_legacy_activator_interface forwards on its pool instead.
    const auto security = call_security(ctx);
    return forward(ctx.peer, request, {clsid, iids, security.level, security.principal, false});
  }
  auto made = server_->create_instance(clsid, iids, Clock::now());
  if (!made) {
    out.phr = hres(made.error());
    return out;
  }
  const auto oxid = server_->exporter()->resolve(server_->oxid());
  if (!oxid) {
    out.phr = hres(react(oxid.error()).code);
    return out;
  }
  const ReplyExporter exporter{server_->oxid(), resolver_->oxid_bindings(ctx.peer), oxid->ipid_rem_unknown,
                               policy_.authn_hint()};
  if (auto filled = fill_reply(out, resolver_->resolver_bindings(ctx.peer), exporter, iids, *made); !filled)
    return std::unexpected(react(filled.error()).code);
  return out;
}

}  // namespace rampart::dcom
