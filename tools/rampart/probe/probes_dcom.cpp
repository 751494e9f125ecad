// DCOM probes on port 135 ([MS-DCOM] 3.1.2.5): the activation shapes of
// MS03-026 and MS03-039 and the object resolver, each sent only to a host
// that answered ServerAlive2 in the baseline. Each runs on the preamble's
// association: an alter_context adds the DCOM interface, then one request.
#include "catalogue_util.hpp"
#include "dcom_wire.hpp"
#include "rampart/dcom/hresult.hpp"

namespace rampart::probe::detail {

namespace {

namespace st = pdu::status;
namespace hr = dcom::hr;
namespace dw = dcom_wire;
constexpr std::uint32_t kCallId = 0x3c0d;

// The activation interface's context, then one call on it; the reaction
// is to the call (the alter_context_resp is a set-up reply).
Probe on_context(Probe p, wire::Octets (*alter)(std::uint32_t), std::uint16_t context, std::uint16_t opnum,
                 wire::Octets (*stub)()) {
  p.after_bind = true;
  p.needs_dcom = true;
  p.setup_replies = 1;
  p.build = [alter, context, opnum, stub](const Session&) {
    return Pdus{alter(2), wire::request(kCallId, context, opnum, stub())};
  };
  return p;
}

Probe create_instance(Probe p, wire::Octets (*stub)()) {
  return on_context(std::move(p), dw::scm_alter, dw::kScmContext, dw::kRemoteCreateInstance, stub);
}

Probe remote_activation(Probe p, wire::Octets (*stub)()) {
  p = on_context(std::move(p), dw::activation_alter, dw::kActivationContext, dw::kRemoteActivation, stub);
  p.response_status = [](std::span<const std::uint8_t> s, bool little) {
    return dw::remote_activation_phr(s, little ? Drep::little() : Drep::big());
  };
  return p;
}

// An activation refused at the floor never reaches the blob: correct,
// though it says nothing about the parser behind it.
Expected denied() { return response(hr::kAccessDenied); }

wire::Octets well_formed_objref() { return dw::act_properties_objref(dw::activation_blob()); }

Probe below_floor() {
  Probe p{"dcom.activation-below-floor", "C5", "an unauthenticated RemoteCreateInstance",
          "after a bind, an alter_context adding IRemoteSCMActivator, then RemoteCreateInstance with no "
          "authentication: COMVERSION 5.7 and the activation blob Impacket sends, for the class id "
          "52414d50-4152-5400-0000-70726f626521 (registered nowhere) and IUnknown",
          "A well-formed activation of a class that does not exist: a host without a floor looks the class "
          "up, answers REGDB_E_CLASSNOTREG and starts nothing.",
          "[MS-DCOM] 3.1.2.5.2.3.2 leaves activation to the server's security checks. Windows XP SP2 and "
          "Server 2003 SP1 and later deny remote activation to anonymous callers (the machine-wide launch "
          "and activation limits): E_ACCESSDENIED. rampartd refuses below its activation floor (packet "
          "integrity) with E_ACCESSDENIED (docs/dcom.md). Any other answer means the class lookup ran for "
          "an anonymous caller (Windows 2000, XP before SP2, or loosened limits).",
          Safety::safe, false, {}, {}, {}};
  p.expected = {denied(), fault(hr::kAccessDenied), fault(st::kAccessDenied)};
  p.accepting = {accepted(ReactionKind::response)};
  return create_instance(std::move(p), [] { return dw::create_instance_stub(well_formed_objref()); });
}

Probe comversion() {
  Probe p{"dcom.comversion-mismatch", "C9", "a RemoteActivation from COM version 9.9",
          "after a bind, an alter_context adding IActivation, then RemoteActivation whose ORPCTHIS carries "
          "COMVERSION 9.9, no object name, one IID (IUnknown) of class 52414d50-4152-5400-0000-70726f626521",
          "A well-formed call of the size every DCOM client sends; only two 16-bit version numbers differ, and "
          "the class does not exist.",
          "[MS-DCOM] 1.7: a major version other than 5 fails the call with RPC_E_VERSION_MISMATCH; Windows "
          "and rampartd (docs/hardening.md, DCOM) fault it before the activation floor. A host that checks "
          "the floor first answers E_ACCESSDENIED in phr, which is a refusal but does not show the check.",
          Safety::safe, false, {}, {}, {}};
  p.expected = {fault(hr::kVersionMismatch), response(hr::kVersionMismatch), denied()};
  p.accepting = {accepted(ReactionKind::response)};
  return remote_activation(std::move(p), [] { return dw::remote_activation_stub(std::nullopt, 9, 9); });
}

Probe objref_no_meow() {
  Probe p{"dcom.objref-no-meow", "C9", "activation properties in an OBJREF without the MEOW signature",
          "after a bind, an alter_context adding IRemoteSCMActivator, then RemoteCreateInstance whose "
          "pActProperties OBJREF starts 'XEOW' instead of 'MEOW'; everything else as "
          "dcom.activation-below-floor",
          "Only the signature octet differs from a well-formed activation; every length is true.",
          "[MS-DCOM] 2.2.18: the signature MUST be 0x574f454d; an OBJREF that does not unmarshal is "
          "RPC_E_INVALID_OBJREF (rampartd: fault 0x8001011d, after the floor). Refused at the floor "
          "(E_ACCESSDENIED) is correct too; any other response means the OBJREF was believed.",
          Safety::safe, false, {}, {}, {}};
  p.expected = {fault(hr::kInvalidObjref), denied()};
  p.accepting = {accepted(ReactionKind::response)};
  return create_instance(std::move(p), [] {
    auto objref = well_formed_objref();
    objref[0] = 'X';
    return dw::create_instance_stub(objref);
  });
}

Probe header_sizes() {
  Probe p{"dcom.custom-header-sizes", "C9", "an activation blob whose CustomHeader sizes disagree",
          "after a bind, an alter_context adding IRemoteSCMActivator, then RemoteCreateInstance whose "
          "activation blob has CustomHeader.totalSize 8 octets below dwSize and below headerSize plus the "
          "property sizes",
          "The sizes disagree downwards: whichever one a parser believes, it points inside the 368-octet blob "
          "that was sent. The shape that reads past the blob (sizes above the data, MS03-039) is not sent.",
          "[MS-DCOM] 2.2.22.1: totalSize is the size of the whole serialized properties; rampartd checks that "
          "dwSize, totalSize, headerSize and the pSizes agree (fault E_INVALIDARG, after the floor). Refused "
          "at the floor (E_ACCESSDENIED) is correct too.",
          Safety::safe, false, {}, {}, {}};
  p.expected = {fault(hr::kInvalidArg), denied()};
  p.accepting = {accepted(ReactionKind::response)};
  return create_instance(std::move(p), [] {
    auto blob = dw::activation_blob();
    wire::put_u32(blob, dw::kBlobTotalSizeOffset, wire::get_u32(blob, dw::kBlobTotalSizeOffset) - 8);
    return dw::create_instance_stub(dw::act_properties_objref(blob));
  });
}

Probe cnt_data() {
  Probe p{"dcom.cntdata-beyond-data", "C7", "an MInterfacePointer whose ulCntData exceeds its data",
          "after a bind, an alter_context adding IRemoteSCMActivator, then RemoteCreateInstance whose "
          "pActProperties has ulCntData 16 above the array's conformance and the octets of abData, followed "
          "by 16 zero octets",
          "The 16 octets a parser that believes ulCntData would read are sent after the array, so it reads "
          "only what arrived. The MS03-039 shape, a count past the end of the fragment, is not sent.",
          "[MS-DCOM] 2.2.14: abData is size_is(ulCntData), and NDR (C706 14.3.3.2) requires the conformance "
          "to equal it: the stub is bad, fault rpc_x_bad_stub_data (rampartd, before the floor; Windows' NDR "
          "engine checks correlations since XP SP2). Octets after the last parameter are ignored (C10).",
          Safety::safe, false, {}, {}, {}};
  p.expected = {fault(st::kRpcBadStubData), fault(kRpcInvalidBound)};
  p.accepting = {accepted(ReactionKind::response)};
  return create_instance(std::move(p), [] {
    const auto objref = well_formed_objref();
    auto stub = dw::create_instance_stub(objref);
    const std::size_t cnt_at = stub.size() - objref.size() - 4;
    wire::put_u32(stub, cnt_at, static_cast<std::uint32_t>(objref.size() + 16));
    stub.resize(stub.size() + 16, 0);
    return stub;
  });
}

Probe null_properties() {
  Probe p{"dcom.null-act-properties", "C10", "RemoteCreateInstance with a NULL pActProperties",
          "after a bind, an alter_context adding IRemoteSCMActivator, then RemoteCreateInstance with "
          "COMVERSION 5.7, no pUnkOuter and a NULL pActProperties",
          "A 40-octet stub; a NULL [unique] pointer is valid NDR, so every unmarshaller accepts the stub and "
          "the server's own code sees the NULL. A host that dereferences it fails in that call alone (the "
          "MS03-039-era fix added this check); no memory is read or written beyond the NULL.",
          "[MS-DCOM] 3.1.2.5.2.3.2: pActProperties is required; rampartd faults E_INVALIDARG after the floor. "
          "Refused at the floor (E_ACCESSDENIED) is correct too.",
          Safety::safe, false, {}, {}, {}};
  p.expected = {fault(hr::kInvalidArg), denied()};
  p.accepting = {accepted(ReactionKind::response)};
  return create_instance(std::move(p), [] { return dw::create_instance_stub(std::nullopt); });
}

Probe unknown_oxid() {
  Probe p{"dcom.unknown-oxid", "C15", "ResolveOxid2 of an OXID the host never issued",
          "after a bind, an alter_context adding IObjectExporter, then ResolveOxid2 of OXID 0x52414d5050524f42 "
          "for ncacn_ip_tcp",
          "A well-formed call; the OXID is only looked up.",
          "[MS-DCOM] 3.1.2.5.1.1: an OXID the resolver does not know returns OR_INVALID_OXID (0x776) "
          "(rampartd does); a host that requires authentication first answers access denied. Status 0 means "
          "bindings were handed out for an object exporter that does not exist.",
          Safety::safe, false, {}, {}, {}};
  p.expected = {response(hr::kOrInvalidOxid), response(hr::kErrorAccessDenied), fault(st::kAccessDenied)};
  p.accepting = {response(0)};
  return on_context(std::move(p), dw::exporter_alter, dw::kExporterContext, dw::kResolveOxid2,
                    [] { return dw::resolve_oxid2_stub(0x52414d5050524f42); });
}

Probe blaster() {
  Probe p{"dcom.blaster-object-name", "C8", "RemoteActivation with a 2000-character pwszObjectName (MS03-026)",
          "after a bind, an alter_context adding IActivation, then RemoteActivation whose pwszObjectName is "
          "\"\\\\\\\\\" followed by 2000 'A' and \"\\\\x\"",
          "NOT SAFE: this is the Blaster shape; an unpatched host copies the server part of the name onto a "
          "32-character stack buffer and RPCSS crashes (the machine restarts). No variant of an unbounded "
          "copy shows the bound without passing it, so there is no safe form. Sent only with --unsafe.",
          "MS03-026 bounds the name. rampartd bounds every name at 300 units in the decoder (docs/hardening.md "
          "C8): fault rpc_x_bad_stub_data. A refusal in phr (E_INVALIDARG, E_ACCESSDENIED) is a patched host's "
          "answer; a host that stops serving is vulnerable-pattern.",
          Safety::unsafe, false, {}, {}, {}};
  p.expected = {fault(st::kRpcBadStubData), fault(kRpcInvalidBound), response(hr::kInvalidArg), denied()};
  p.accepting = {response(0)};
  return remote_activation(std::move(p), [] {
    return dw::remote_activation_stub(u"\\\\" + std::u16string(2000, u'A') + u"\\x");
  });
}

}  // namespace

void add_dcom_probes(std::vector<Probe>& out) {
  out.push_back(below_floor());
  out.push_back(comversion());
  out.push_back(objref_no_meow());
  out.push_back(header_sizes());
  out.push_back(cnt_data());
  out.push_back(null_properties());
  out.push_back(unknown_oxid());
  out.push_back(blaster());
}

}  // namespace rampart::probe::detail
