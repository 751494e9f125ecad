// IRemoteSCMActivator; the order of checks is in activator.hpp.
#include "rampart/dcom/activator.hpp"

#include "activation_props.hpp"
#include "rampart/base/byte_writer.hpp"
#include "rampart/dcom/class_object.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/fault_policy.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/object_router.hpp"
#include "rampart/dcom/objref.hpp"
#include "rampart/pdu/status.hpp"

namespace rampart::dcom {

namespace ra = spec::remact;
namespace ap = spec::activation_props;
using runtime::CallContext;

namespace {

const Uuid kIActivationPropertiesIn = Uuid::from_string("000001a2-0000-0000-c000-000000000046");
const Uuid kIActivationPropertiesOut = Uuid::from_string("000001a3-0000-0000-c000-000000000046");

constexpr std::int32_t hres(std::uint32_t v) noexcept { return static_cast<std::int32_t>(v); }

Result<std::vector<std::uint8_t>> property_blob(const std::vector<std::uint8_t>& props_out,
                                                const std::vector<std::uint8_t>& scm_reply) {
  ap::CustomHeader h;
  h.destCtx = 2;  // MSHCTX_DIFFERENTMACHINE, as Impacket sends
  h.cIfs = 2;
  h.classInfoClsid = to_wire(actprop::kActivationPropertiesOut);
  h.pclsid = std::vector{to_wire(actprop::kPropsOutInfo), to_wire(actprop::kScmReplyInfo)};
  h.pSizes = std::vector{static_cast<std::uint32_t>(props_out.size()), static_cast<std::uint32_t>(scm_reply.size())};
  // headerSize is the serialized header's own length, which does not
  // depend on the values of totalSize and headerSize: encode twice.
  auto first = RAMPART_TRY(ap::CustomHeader_encode(h));
  h.headerSize = static_cast<std::uint32_t>(first.size());
  h.totalSize = static_cast<std::uint32_t>(first.size() + props_out.size() + scm_reply.size());
  auto header = RAMPART_TRY(ap::CustomHeader_encode(h));
  std::vector<std::uint8_t> out;
  ByteWriter w(out, Drep::little());
  w.u32(h.totalSize);  // dwSize: everything after dwReserved
  w.u32(0);
  w.bytes(header);
  w.bytes(props_out);
  w.bytes(scm_reply);
  return out;
}

}  // namespace

Activator::Activator(std::shared_ptr<ComServer> server, std::shared_ptr<OxidResolver> resolver,
                     ActivationPolicy policy, ActivationLimits limits)
    : server_(std::move(server)), resolver_(std::move(resolver)), policy_(policy), limits_(limits) {
  // The class objects RemoteGetClassObject exports are called through it.
  register_class_object_interface(*server_);
}

std::expected<ra::Opnum0NotUsedOnWire_response, std::uint32_t> Activator::Opnum0NotUsedOnWire(
    const CallContext&, ra::Opnum0NotUsedOnWire_request) {
  return std::unexpected(pdu::status::kNcaOpRangeError);
}
std::expected<ra::Opnum1NotUsedOnWire_response, std::uint32_t> Activator::Opnum1NotUsedOnWire(
    const CallContext&, ra::Opnum1NotUsedOnWire_request) {
  return std::unexpected(pdu::status::kNcaOpRangeError);
}
std::expected<ra::Opnum2NotUsedOnWire_response, std::uint32_t> Activator::Opnum2NotUsedOnWire(
    const CallContext&, ra::Opnum2NotUsedOnWire_request) {
  return std::unexpected(pdu::status::kNcaOpRangeError);
}

std::expected<ActivationRequest, Activator::Refusal> Activator::check_request(
    const CallContext& ctx, const spec::orpc::ORPCTHIS& orpcthis,
    const std::optional<spec::orpc::MInterfacePointer>& properties) const {
  if (!policy_.admits(call_security(ctx))) return std::unexpected(Refusal{false, ActivationPolicy::refusal()});
  if (auto v = negotiate({orpcthis.version.MajorVersion, orpcthis.version.MinorVersion}); !v)
    return std::unexpected(Refusal{true, react(v.error()).code});
  // [MS-DCOM] 3.1.2.5.2.3.2: pActProperties is [unique] on the wire but
  // required; NULL is the MS03-039 "NULL pActProperties" shape.
  if (!properties) return std::unexpected(Refusal{true, hr::kInvalidArg});
  auto objref = ObjRef::decode(properties->abData);
  if (!objref) return std::unexpected(Refusal{true, react(objref.error()).code});
  const auto* custom = std::get_if<ObjRefCustom>(&objref->form);
  if (custom == nullptr || custom->clsid != actprop::kActivationPropertiesIn || objref->iid != kIActivationPropertiesIn)
    return std::unexpected(Refusal{true, hr::kInvalidObjref});
  auto props = parse_activation_properties(custom->object_data, limits_);
  if (!props) return std::unexpected(Refusal{true, react(props.error()).code});
  return std::move(*props);
}

// [MS-DCOM] 3.1.2.5.2.3.2: the request is checked exactly as
// RemoteCreateInstance's (steps 1-4 of activator.hpp), so the MS03-039
// shapes get the same faults on opnum 3. The reply is a class object
// (class_object.hpp) in the same property blob: its IClassFactory on this
// exporter, or REGDB_E_CLASSNOTREG / E_NOINTERFACE with nothing exported.
std::expected<ra::RemoteGetClassObject_response, std::uint32_t> Activator::RemoteGetClassObject(
    const CallContext& ctx, ra::RemoteGetClassObject_request request) {
  ra::RemoteGetClassObject_response out;
  auto props = check_request(ctx, request.orpcthis, request.pActProperties);
  if (!props) {
    if (props.error().fault) return std::unexpected(props.error().code);
    out.return_value = hres(props.error().code);
    return out;
  }
  // [MS-DCOM] 3.1.2.5.2.3: the class's launch list, before anything is
  // made or forwarded.
  if (!server_->permissions()->check_launch(ctx, props->clsid, "RemoteGetClassObject")) {
    out.return_value = hres(hr::kAccessDenied);
    return out;
  }
  if (forwarder_ && forwarder_->forwards(props->clsid)) {
    const auto security = call_security(ctx);
    auto reply = forward(ctx.peer, {props->clsid, props->iids, security.level, security.principal, true});
    if (reply) out.ppActProperties = std::move(*reply);
    else out.return_value = hres(reply.error());
    return out;
  }
  auto made = export_class_object(server_, resolver_, props->clsid, props->iids, Clock::now());
  if (!made) {
    out.return_value = hres(made.error());
    return out;
  }
  auto reply = reply_blob(ctx, props->iids, *made);
  if (!reply) return std::unexpected(react(reply.error()).code);
  out.ppActProperties = spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(reply->size()), std::move(*reply)};
  return out;
}

Result<std::vector<std::uint8_t>> Activator::reply_blob(const CallContext& ctx, const std::vector<Uuid>& iids,
                                                        const std::vector<InterfaceResult>& results) const {
  const auto oxid = RAMPART_TRY(server_->exporter()->resolve(server_->oxid()));
  return reply_blob(ctx.peer, {server_->oxid(), resolver_->oxid_bindings(ctx.peer), oxid.ipid_rem_unknown,
                               policy_.authn_hint()},
                    iids, results);
}

Result<std::vector<std::uint8_t>> Activator::reply_blob(const runtime::PeerInfo& peer, const ReplyExporter& exporter,
                                                        const std::vector<Uuid>& iids,
                                                        const std::vector<InterfaceResult>& results) const {
  ap::PropsOutInfo props;
  props.cIfs = static_cast<std::uint32_t>(iids.size());
  props.piid.emplace();
  props.phresults.emplace();
  props.ppIntfData.emplace();
  const DualStringArray resolver_address = resolver_->resolver_bindings(peer);
  for (std::size_t i = 0; i < iids.size(); ++i) {
    props.piid->push_back(to_wire(iids[i]));
    props.phresults->push_back(hres(results[i].hresult));
    if (results[i].hresult != hr::kOk) {
      props.ppIntfData->emplace_back(std::nullopt);
      continue;
    }
    const auto bytes = RAMPART_TRY((ObjRef{iids[i], ObjRefStandard{results[i].std, resolver_address}}.encode()));
    props.ppIntfData->emplace_back(spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(bytes.size()), bytes});
  }
  ap::ScmReplyInfoData scm;
  scm.remoteReply = ap::customREMOTE_REPLY_SCM_INFO{exporter.oxid, to_wire(exporter.bindings),
                                                    to_wire(exporter.ipid_rem_unknown), exporter.authn_hint,
                                                    spec::orpc::COMVERSION{kComVersion.major, kComVersion.minor}};
  const auto props_out = RAMPART_TRY(ap::PropsOutInfo_encode(props));
  const auto scm_reply = RAMPART_TRY(ap::ScmReplyInfoData_encode(scm));
  const auto blob = RAMPART_TRY(property_blob(props_out, scm_reply));
  return (ObjRef{kIActivationPropertiesOut,
                 ObjRefCustom{actprop::kActivationPropertiesOut, 0, static_cast<std::uint32_t>(blob.size() + 8), blob}})
      .encode();
}

std::expected<spec::orpc::MInterfacePointer, std::uint32_t> Activator::forward(const runtime::PeerInfo& peer,
                                                                              const ForwardRequest& request) const {
  auto made = forwarder_->forward(request);
  if (!made) return std::unexpected(made.error());
  bool any = false;
  for (const auto& r : made->results) any = any || r.hresult == hr::kOk;
  if (!any) return std::unexpected(made->results.empty() ? kServerExecFailure : made->results.front().hresult);
  // authnHint from the server's own exporter level ([MS-DCOM] 2.2.22.2.8.1).
  const auto hint = ActivationPolicy{made->exporter.level}.authn_hint();
  auto reply = reply_blob(peer,
                          {made->exporter.oxid, resolver_->oxid_bindings(peer, std::to_string(made->exporter.port)),
                           made->exporter.ipid_rem_unknown, hint},
                          request.iids, made->results);
  if (!reply) return std::unexpected(kServerExecFailure);
  return spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(reply->size()), std::move(*reply)};
}

std::expected<ra::RemoteCreateInstance_response, std::uint32_t> Activator::RemoteCreateInstance(
    const CallContext& ctx, ra::RemoteCreateInstance_request request) {
  ra::RemoteCreateInstance_response out;
  auto props = check_request(ctx, request.orpcthis, request.pActProperties);
  if (!props) {
    if (props.error().fault) return std::unexpected(props.error().code);
    out.return_value = hres(props.error().code);
    return out;
  }
  // [MS-DCOM] 3.1.2.5.2.3: the class's launch list, before anything is
  // made or forwarded.
  if (!server_->permissions()->check_launch(ctx, props->clsid, "RemoteCreateInstance")) {
    out.return_value = hres(hr::kAccessDenied);
    return out;
  }
  if (forwarder_ && forwarder_->forwards(props->clsid)) {
    // Reached only through a direct call of this method; the interface of
    // make_activator_interface forwards on its pool instead.
    const auto security = call_security(ctx);
    auto reply = forward(ctx.peer, {props->clsid, props->iids, security.level, security.principal, false});
    if (reply) out.ppActProperties = std::move(*reply);
    else out.return_value = hres(reply.error());
    return out;
  }
  auto made = server_->create_instance(props->clsid, props->iids, Clock::now());
  if (!made) {
    out.return_value = hres(made.error());
    return out;
  }
  auto reply = reply_blob(ctx, props->iids, *made);
  if (!reply) return std::unexpected(react(reply.error()).code);
  out.ppActProperties = spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(reply->size()), std::move(*reply)};
  return out;
}

}  // namespace rampart::dcom
