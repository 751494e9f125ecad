// IRemoteSCMActivator::RemoteCreateInstance with the rampart-echo class:
// Impacket 0.10.0's activation blob, the reply's shape, the call that
// follows on the returned IPID, and the MS03-039 shapes.
#include <gtest/gtest.h>

#include "activation_props.hpp"
#include "echo_class.hpp"
#include "rampart/base/hex.hpp"
#include "rampart/dcom/activator.hpp"
#include "rampart/dcom/legacy_activator.hpp"
#include "rampart/dcom/rem_unknown.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampart::dcom {
namespace {

namespace ra = spec::remact;
namespace ap = spec::activation_props;
namespace re = spec::rampart_echo;

const std::vector<std::uint8_t> kImpacketBlob = *parse_hex("680100000000000001100800cccccccc88000000cccccccc68010000980000000000000002000000040000000000000000000000000000000000000087530000a0d000000000000004000000ab01000000000000c000000000000046a501000000000000c000000000000046a401000000000000c000000000000046aa01000000000000c000000000000046040000005800000028000000200000003000000001100800cccccccc44000000cccccccc3d2c1b7f4e0a5f4c9d6e2b8a1c0e5f010000000000000000000000000100000000000000218500000000000005000700010000003d2c1b7f4e0a5f4c9d6e2b8a1c0e5f02fafafafa01100800cccccccc18000000cccccccc00000000000000000000000000000000000000000000000001100800cccccccc10000000cccccccc0000000000000000000000000000000001100800cccccccc1a000000cccccccc00000000618c0000000000000100aaaa97390000010000000700fafafafafafa");
const Uuid kIActivationPropertiesIn = Uuid::from_string("000001a2-0000-0000-c000-000000000046");

spec::orpc::ORPCTHIS orpcthis(std::uint16_t major = 5, std::uint16_t minor = 7) {
  spec::orpc::ORPCTHIS t;
  t.version = {major, minor};
  return t;
}

spec::orpc::MInterfacePointer act_properties(std::vector<std::uint8_t> blob) {
  const auto bytes =
      *ObjRef{kIActivationPropertiesIn, ObjRefCustom{actprop::kActivationPropertiesIn, 0, 0, std::move(blob)}}.encode();
  return {static_cast<std::uint32_t>(bytes.size()), bytes};
}

struct Harness {
  std::shared_ptr<ObjectExporter> exporter = std::make_shared<ObjectExporter>();
  OxidEntry oxid = exporter->add_oxid();
  runtime::InterfaceRegistry registry;
  std::shared_ptr<ComServer> server = std::make_shared<ComServer>(exporter, oxid.oxid, registry);
  std::shared_ptr<OxidResolver> resolver = std::make_shared<OxidResolver>(exporter, ResolverPolicy{});
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};
  std::shared_ptr<runtime::Interface> activator;
  runtime::CallAuth auth{};  // the security every call of this harness carries

  // The exporter's level is the floor, as rampartd sets it.
  explicit Harness(AuthnLevel floor = AuthnLevel::none) : oxid(exporter->add_oxid(floor)) {
    echo::register_echo_class(*server);
    activator = make_activator_interface(std::make_shared<Activator>(server, resolver, ActivationPolicy{floor}));
    peer.local_ipv4 = std::array<std::uint8_t, 4>{127, 0, 0, 1};
    peer.local_endpoint = "135";
  }
  runtime::CallOutcome raw(runtime::Interface& itf, std::uint16_t opnum, std::optional<Uuid> object,
                           std::span<const std::uint8_t> stub) {
    const runtime::CallContext ctx{peer, group, 1, 0, opnum, object, Drep::little(), syntax::kNdr20, stub, auth};
    auto slot = std::make_shared<runtime::Responder::Slot>();
    itf.call(ctx, runtime::Responder(slot));
    return slot->inline_outcome.value_or(runtime::CallOutcome::fault(1));
  }
  runtime::CallOutcome create(const ra::RemoteCreateInstance_request& req) {
    const auto stub = ndr::encode_stub<ra::RemoteCreateInstance_request, ndr::Ndr20>(req, Drep::little()).value();
    return raw(*activator, 4, std::nullopt, stub);
  }
};

// The reply as Impacket's dcomrt.py reads it: an OBJREF_CUSTOM whose blob
// holds PropsOutInfo then ScmReplyInfoData, sliced by pSizes.
struct Reply {
  ap::PropsOutInfo props;
  ap::ScmReplyInfoData scm;
};
Reply read_reply(const runtime::CallOutcome& out) {
  auto resp = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value();
  EXPECT_EQ(resp.return_value, 0);
  auto objref = ObjRef::decode(resp.ppActProperties.value().abData).value();
  const auto& blob = std::get<ObjRefCustom>(objref.form).object_data;
  const auto header_size = blob[8 + 16 + 4] | blob[8 + 16 + 5] << 8;
  const auto header = ap::CustomHeader_decode(std::span(blob).subspan(8, header_size)).value();
  EXPECT_EQ(header.totalSize, blob.size() - 8);
  const auto s0 = header.pSizes->at(0), s1 = header.pSizes->at(1);
  EXPECT_EQ(from_wire(header.pclsid->at(0)), actprop::kPropsOutInfo);
  EXPECT_EQ(from_wire(header.pclsid->at(1)), actprop::kScmReplyInfo);
  Reply r;
  r.props = ap::PropsOutInfo_decode(std::span(blob).subspan(8 + header_size, s0)).value();
  r.scm = ap::ScmReplyInfoData_decode(std::span(blob).subspan(8 + header_size + s0, s1)).value();
  return r;
}

TEST(Activator, ImpacketsRequestActivatesTheEchoClassAndItsIpidAnswers) {
  Harness h;
  const auto out = h.create({orpcthis(), std::nullopt, act_properties(kImpacketBlob)});
  ASSERT_FALSE(out.is_fault()) << std::hex << out.fault_status;
  const auto r = read_reply(out);
  ASSERT_TRUE(r.scm.remoteReply);
  EXPECT_EQ(r.scm.remoteReply->Oxid, h.oxid.oxid);
  EXPECT_EQ(from_wire(r.scm.remoteReply->ipidRemUnknown), h.oxid.ipid_rem_unknown);
  EXPECT_EQ(r.scm.remoteReply->authnHint, 1u);  // the floor this harness set
  auto bindings = from_wire(r.scm.remoteReply->pdsaOxidBindings.value());
  ASSERT_TRUE(bindings);
  EXPECT_EQ(bindings->strings.at(0).network_addr, u"127.0.0.1[135]");
  ASSERT_EQ(r.props.phresults->at(0), 0);
  const auto itf = ObjRef::decode(r.props.ppIntfData->at(0).value().abData).value();
  const auto& std_ref = std::get<ObjRefStandard>(itf.form).std;  // an OBJREF_STANDARD, as Impacket needs
  EXPECT_EQ(itf.iid, echo::kIid);
  // The first method call goes to the returned IPID.
  const auto stub = ndr::encode_stub<re::Echo_request, ndr::Ndr20>({orpcthis(), u"hi"}, Drep::little()).value();
  const auto echoed = h.raw(*h.registry.find(SyntaxId{echo::kIid, 0, 0}), 3, std_ref.ipid, stub);
  ASSERT_FALSE(echoed.is_fault()) << std::hex << echoed.fault_status;
  const auto echo_resp = ndr::decode_stub<re::Echo_response, ndr::Ndr20>(echoed.stub, Drep::little());
  ASSERT_TRUE(echo_resp);
  EXPECT_EQ(echo_resp->echoed, std::optional<std::u16string>(u"hi"));
}

TEST(Activator, BelowTheFloorIsAccessDenied) {
  Harness h(AuthnLevel::pkt_integrity);
  const auto out = h.create({orpcthis(), std::nullopt, act_properties(kImpacketBlob)});
  ASSERT_FALSE(out.is_fault());
  auto resp = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value();
  EXPECT_EQ(static_cast<std::uint32_t>(resp.return_value), hr::kAccessDenied);
  EXPECT_EQ(h.exporter->object_count(), 0u);
}

constexpr std::uint8_t kNtlm = 10;  // [MS-RPCE] 2.2.1.1.7 RPC_C_AUTHN_WINNT

std::uint32_t create_status(Harness& h) {
  const auto out = h.create({orpcthis(), std::nullopt, act_properties(kImpacketBlob)});
  EXPECT_FALSE(out.is_fault()) << std::hex << out.fault_status;
  return static_cast<std::uint32_t>(
      ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value().return_value);
}

TEST(Activator, TheFloorReadsTheCallsEstablishedSecurity) {
  Harness h(AuthnLevel::pkt_integrity);
  for (const std::uint8_t level : {1, 2, 3, 4}) {
    h.auth = {kNtlm, level, false, 1, "RAMPART\\alice"};
    EXPECT_EQ(create_status(h), hr::kAccessDenied) << "level " << int{level};
  }
  h.auth = {};
  EXPECT_EQ(create_status(h), hr::kAccessDenied);
  EXPECT_EQ(h.exporter->object_count(), 0u);
  for (const std::uint8_t level : {5, 6}) {
    h.auth = {kNtlm, level, false, 7, "RAMPART\\alice"};
    const auto out = h.create({orpcthis(), std::nullopt, act_properties(kImpacketBlob)});
    ASSERT_FALSE(out.is_fault()) << std::hex << out.fault_status;
    EXPECT_EQ(read_reply(out).scm.remoteReply->authnHint, 5u) << "level " << int{level};
  }
  EXPECT_EQ(h.exporter->object_count(), 2u);
  // A privacy floor refuses integrity.
  Harness p(AuthnLevel::pkt_privacy);
  p.auth = {kNtlm, 5, false, 1, "RAMPART\\alice"};
  EXPECT_EQ(create_status(p), hr::kAccessDenied);
  p.auth.auth_level = 6;
  EXPECT_EQ(create_status(p), 0u);
}

TEST(Activator, ObjectAndRemUnknownCallsBelowTheExportersLevelAreAccessDenied) {
  Harness h(AuthnLevel::pkt_integrity);
  h.auth = {kNtlm, 6, false, 1, "RAMPART\\alice"};  // activated at privacy
  const auto r = read_reply(h.create({orpcthis(), std::nullopt, act_properties(kImpacketBlob)}));
  const auto ipid =
      std::get<ObjRefStandard>(ObjRef::decode(r.props.ppIntfData->at(0).value().abData).value().form).std.ipid;
  auto& echo_itf = *h.registry.find(SyntaxId{echo::kIid, 0, 0});
  const auto stub = ndr::encode_stub<re::Echo_request, ndr::Ndr20>({orpcthis(), u"hi"}, Drep::little()).value();
  // The exporter's level (the floor) governs, not the activation's: an
  // integrity call on an object activated at privacy is served.
  h.auth = {kNtlm, 5, false, 2, "RAMPART\\alice"};
  EXPECT_FALSE(h.raw(echo_itf, 3, ipid, stub).is_fault());
  for (const std::uint8_t level : {0, 2, 4}) {
    h.auth = {level == 0 ? std::uint8_t{0} : kNtlm, level == 0 ? std::uint8_t{1} : level, false, 3, "RAMPART\\alice"};
    EXPECT_EQ(h.raw(echo_itf, 3, ipid, stub).fault_status, hr::kAccessDenied) << "level " << int{level};
  }
  // IRemUnknown is an ORPC interface of the same exporter: same rule.
  auto rem = make_rem_unknown_interfaces(std::make_shared<RemUnknown>(h.exporter, h.resolver), h.exporter);
  const spec::remunknown::RemRelease_request rel{orpcthis(), 1, {{to_wire(ipid), 1, 0}}};
  const auto rel_stub = ndr::encode_stub<spec::remunknown::RemRelease_request, ndr::Ndr20>(rel, Drep::little()).value();
  h.auth = {kNtlm, 2, false, 3, "RAMPART\\alice"};
  EXPECT_EQ(h.raw(*rem.rem_unknown, 5, h.oxid.ipid_rem_unknown, rel_stub).fault_status, hr::kAccessDenied);
  EXPECT_EQ(h.exporter->object_count(), 1u);
  h.auth = {kNtlm, 6, false, 4, "RAMPART\\alice"};
  EXPECT_FALSE(h.raw(*rem.rem_unknown, 5, h.oxid.ipid_rem_unknown, rel_stub).is_fault());
  EXPECT_EQ(h.exporter->object_count(), 0u);
}

TEST(Activator, Ms03039ShapesGetTheirFaultsAndTheNextCallIsServed) {
  Harness h;
  // A NULL pActProperties.
  EXPECT_EQ(h.create({orpcthis(), std::nullopt, std::nullopt}).fault_status, hr::kInvalidArg);
  // COMVERSION 9.9.
  EXPECT_EQ(h.create({orpcthis(9, 9), std::nullopt, act_properties(kImpacketBlob)}).fault_status, hr::kVersionMismatch);
  // An OBJREF without MEOW.
  auto no_meow = act_properties(kImpacketBlob);
  no_meow.abData[0] = 'X';
  EXPECT_EQ(h.create({orpcthis(), std::nullopt, no_meow}).fault_status, hr::kInvalidObjref);
  // Inconsistent CustomHeader sizes (totalSize off by one).
  auto sizes = kImpacketBlob;
  sizes[8 + 16] ^= 1;
  EXPECT_EQ(h.create({orpcthis(), std::nullopt, act_properties(sizes)}).fault_status, hr::kInvalidArg);
  // ulCntData beyond the data: the stub itself does not decode.
  auto stub = ndr::encode_stub<ra::RemoteCreateInstance_request, ndr::Ndr20>(
                  {orpcthis(), std::nullopt, act_properties(kImpacketBlob)}, Drep::little())
                  .value();
  const std::size_t cnt_at = stub.size() - act_properties(kImpacketBlob).abData.size() - 4;
  stub[cnt_at + 1] ^= 0x10;
  EXPECT_EQ(h.raw(*h.activator, 4, std::nullopt, stub).fault_status, 0x6f7u);
  // Truncated ORPCTHIS extensions: an extensions pointer and nothing after it.
  auto t = orpcthis();
  t.extensions = spec::orpc::ORPC_EXTENT_ARRAY{};
  auto ext = ndr::encode_stub<ra::RemoteCreateInstance_request, ndr::Ndr20>({t, std::nullopt, std::nullopt},
                                                                           Drep::little())
                 .value();
  ext.resize(36);
  EXPECT_EQ(h.raw(*h.activator, 4, std::nullopt, ext).fault_status, 0x6f7u);
  EXPECT_EQ(h.exporter->object_count(), 0u);
  // The next well-formed activation is served.
  EXPECT_FALSE(h.create({orpcthis(), std::nullopt, act_properties(kImpacketBlob)}).is_fault());
  EXPECT_EQ(h.exporter->object_count(), 1u);
}

TEST(Activator, UnknownClassIsClassNotRegistered) {
  Harness h;
  auto blob = kImpacketBlob;
  // InstantiationInfoData.classId, right after its 16-octet pickle headers.
  const std::size_t class_at = 8 + 152 + 16;
  blob[class_at] ^= 0xff;
  const auto out = h.create({orpcthis(), std::nullopt, act_properties(blob)});
  ASSERT_FALSE(out.is_fault()) << std::hex << out.fault_status;
  auto resp = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value();
  EXPECT_EQ(static_cast<std::uint32_t>(resp.return_value), hr::kClassNotRegistered);
}

}  // namespace
}  // namespace rampart::dcom

namespace rampart::dcom {
namespace {

namespace sa = spec::activation;

struct LegacyHarness : Harness {
  std::shared_ptr<runtime::Interface> legacy;
  explicit LegacyHarness(AuthnLevel floor = AuthnLevel::none) : Harness(floor) {
    legacy = make_legacy_activator_interface(std::make_shared<LegacyActivator>(server, resolver, ActivationPolicy{floor}));
  }
  runtime::CallOutcome activate(const sa::RemoteActivation_request& req) {
    const auto stub = ndr::encode_stub<sa::RemoteActivation_request, ndr::Ndr20>(req, Drep::little()).value();
    return raw(*legacy, 0, std::nullopt, stub);
  }
  static sa::RemoteActivation_request request(std::optional<std::u16string> name = std::nullopt) {
    sa::RemoteActivation_request r;
    r.ORPCthis = orpcthis(5, 5);
    r.Clsid = to_wire(echo::kClsid);
    r.pwszObjectName = std::move(name);
    r.Interfaces = 1;
    r.pIIDs = std::vector{to_wire(echo::kIid)};
    r.cRequestedProtseqs = 1;
    r.aRequestedProtseqs = {7};
    return r;
  }
};

TEST(LegacyActivator, RemoteActivationActivatesTheEchoClass) {
  LegacyHarness h;
  const auto out = h.activate(LegacyHarness::request());
  ASSERT_FALSE(out.is_fault()) << std::hex << out.fault_status;
  const auto r = ndr::decode_stub<sa::RemoteActivation_response, ndr::Ndr20>(out.stub, Drep::little()).value();
  EXPECT_EQ(r.return_value, 0u);
  EXPECT_EQ(r.phr, 0);
  EXPECT_EQ(r.pOxid, h.oxid.oxid);
  ASSERT_EQ(r.pResults.size(), 1u);
  EXPECT_EQ(r.pResults[0], 0);
  const auto itf = ObjRef::decode(r.ppInterfaceData.at(0).value().abData).value();
  EXPECT_EQ(itf.iid, echo::kIid);
}

TEST(LegacyActivator, BlasterShapeOverlongObjectNameFaultsBeforeTheHandler) {
  LegacyHarness h;
  const auto out = h.activate(LegacyHarness::request(std::u16string(5000, u'A')));
  EXPECT_TRUE(out.is_fault());
  EXPECT_EQ(out.fault_status, 0x6f7u);
  EXPECT_EQ(h.exporter->object_count(), 0u);
  // A short name is decoded, and named activation is not offered.
  const auto named = h.activate(LegacyHarness::request(u"\\\\host\\share\\file.doc"));
  ASSERT_FALSE(named.is_fault());
  EXPECT_EQ(static_cast<std::uint32_t>(
                ndr::decode_stub<sa::RemoteActivation_response, ndr::Ndr20>(named.stub, Drep::little())->phr),
            0x80004001u);
  // The next activation is served.
  EXPECT_FALSE(h.activate(LegacyHarness::request()).is_fault());
  EXPECT_EQ(h.exporter->object_count(), 1u);
}

TEST(LegacyActivator, FloorAndVersionApply) {
  LegacyHarness h(AuthnLevel::pkt_integrity);
  const auto out = h.activate(LegacyHarness::request());
  ASSERT_FALSE(out.is_fault());
  EXPECT_EQ(static_cast<std::uint32_t>(
                ndr::decode_stub<sa::RemoteActivation_response, ndr::Ndr20>(out.stub, Drep::little())->phr),
            hr::kAccessDenied);
  auto v99 = LegacyHarness::request();
  v99.ORPCthis.version = {9, 9};
  EXPECT_EQ(h.activate(v99).fault_status, hr::kVersionMismatch);
}

}  // namespace
}  // namespace rampart::dcom
