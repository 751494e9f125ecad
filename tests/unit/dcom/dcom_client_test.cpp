// The DCOM client: its activation blob read by the server's own strict
// parser, the reply parser against rampartd's activator and hostile
// variations of it, the OXID binding rule, and a whole client session over
// loopback sockets against the DCOM services rampartd hosts (activation,
// Echo and Add through the generated proxy, RemQueryInterface, pings,
// RemRelease, ServerAlive2 and ResolveOxid2).
#include <gtest/gtest.h>

#include "echo_class.hpp"
#include "rampart/dcom/activation_exchange.hpp"
#include "rampart/dcom/activator.hpp"
#include "rampart/dcom/dcom_client.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/rem_unknown.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association_group.hpp"
#include "rampart/runtime/server_core.hpp"
#include "rampart/transport/server.hpp"

namespace rampart::dcom {
namespace {

namespace ra = spec::remact;
namespace re = spec::rampart_echo;

const Uuid kOtherIid = Uuid::from_string("11111111-2222-3333-4444-555555555555");

TEST(ActivationRequest, TheServersParserReadsTheImpacketShape) {
  auto p = activation_params(echo::kClsid, {echo::kIid, kOtherIid});
  const auto objref = encode_activation_request(p);
  ASSERT_TRUE(objref) << objref.error().to_string();
  const auto ref = ObjRef::decode(*objref).value();
  EXPECT_EQ(ref.iid, kIidActivationPropertiesIn);
  const auto& custom = std::get<ObjRefCustom>(ref.form);
  EXPECT_EQ(custom.clsid, actprop::kActivationPropertiesIn);
  const auto req = parse_activation_properties(custom.object_data);
  ASSERT_TRUE(req) << req.error().to_string();
  EXPECT_EQ(req->clsid, echo::kClsid);
  EXPECT_EQ(req->iids, (std::vector{echo::kIid, kOtherIid}));
  EXPECT_EQ(req->client_version, kComVersion);
  EXPECT_EQ(req->protseqs, std::vector<std::uint16_t>{kTowerNcacnIpTcp});
  EXPECT_EQ(req->properties, (std::vector{actprop::kInstantiationInfo, actprop::kActivationContextInfo,
                                          actprop::kLocationInfo, actprop::kScmRequestInfo}));
  EXPECT_FALSE(req->server_name);
}

TEST(ActivationRequest, TheWindowsShapeAddsSpecialAndSecurityProperties) {
  auto p = activation_params(echo::kClsid, {echo::kIid});
  p.windows_properties = true;
  p.server_name = u"server.example";
  const auto objref = encode_activation_request(p).value();
  const auto ref = ObjRef::decode(objref).value();
  const auto req = parse_activation_properties(std::get<ObjRefCustom>(ref.form).object_data);
  ASSERT_TRUE(req) << req.error().to_string();
  EXPECT_EQ(req->properties,
            (std::vector{actprop::kSpecialProperties, actprop::kInstantiationInfo, actprop::kActivationContextInfo,
                         actprop::kSecurityInfo, actprop::kLocationInfo, actprop::kScmRequestInfo}));
  EXPECT_EQ(req->server_name, std::optional<std::u16string>(u"server.example"));
}

TEST(ActivationRequest, NoInterfaceOrTooManyIsRefusedBeforeSending) {
  EXPECT_FALSE(encode_activation_request(activation_params(echo::kClsid, {})));
  EXPECT_FALSE(encode_activation_request(
      activation_params(echo::kClsid, std::vector<Uuid>(ActivationLimits{}.max_iids + 1, echo::kIid))));
}

// The activator rampartd runs, called in process.
struct Harness {
  std::shared_ptr<ObjectExporter> exporter = std::make_shared<ObjectExporter>();
  OxidEntry oxid = exporter->add_oxid();
  runtime::InterfaceRegistry registry;
  std::shared_ptr<ComServer> server = std::make_shared<ComServer>(exporter, oxid.oxid, registry);
  std::shared_ptr<OxidResolver> resolver = std::make_shared<OxidResolver>(exporter, ResolverPolicy{});
  std::shared_ptr<runtime::Interface> activator =
      make_activator_interface(std::make_shared<Activator>(server, resolver, ActivationPolicy{AuthnLevel::none}));
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};

  Harness() {
    echo::register_echo_class(*server);
    peer.local_ipv4 = std::array<std::uint8_t, 4>{127, 0, 0, 1};
    peer.local_endpoint = "135";
  }
  // The reply's abData for an activation of `iids`.
  std::vector<std::uint8_t> activate(const std::vector<Uuid>& iids, std::uint16_t opnum = 4,
                                     const Uuid& clsid = echo::kClsid) {
    auto blob = encode_activation_request(activation_params(clsid, iids)).value();
    spec::orpc::ORPCTHIS t;
    t.version = {5, 7};
    spec::orpc::MInterfacePointer props{static_cast<std::uint32_t>(blob.size()), blob};
    std::vector<std::uint8_t> stub;
    if (opnum == 4)
      stub = ndr::encode_stub<ra::RemoteCreateInstance_request, ndr::Ndr20>({t, std::nullopt, props}, Drep::little())
                 .value();
    else
      stub = ndr::encode_stub<ra::RemoteGetClassObject_request, ndr::Ndr20>({t, props}, Drep::little()).value();
    const runtime::CallContext ctx{peer, group, 1, 0, opnum, std::nullopt, Drep::little(), syntax::kNdr20, stub};
    auto slot = std::make_shared<runtime::Responder::Slot>();
    activator->call(ctx, runtime::Responder(slot));
    const auto out = slot->inline_outcome.value();
    EXPECT_FALSE(out.is_fault()) << std::hex << out.fault_status;
    last_hresult = 0;
    if (opnum == 3) {
      auto r = ndr::decode_stub<ra::RemoteGetClassObject_response, ndr::Ndr20>(out.stub, Drep::little()).value();
      last_hresult = static_cast<std::uint32_t>(r.return_value);
      return r.ppActProperties ? r.ppActProperties->abData : std::vector<std::uint8_t>{};
    }
    auto r = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value();
    last_hresult = static_cast<std::uint32_t>(r.return_value);
    return r.ppActProperties.value().abData;
  }
  std::uint32_t last_hresult = 0;
};

TEST(ActivationReplyParse, ReadsRampartdsReply) {
  Harness h;
  const std::vector iids{echo::kIid, kOtherIid};
  const auto reply = parse_activation_reply(h.activate(iids), iids);
  ASSERT_TRUE(reply) << reply.error().to_string();
  EXPECT_EQ(reply->oxid, h.oxid.oxid);
  EXPECT_EQ(reply->ipid_rem_unknown, h.oxid.ipid_rem_unknown);
  EXPECT_EQ(reply->authn_hint, 1u);
  EXPECT_EQ(reply->server_version, kComVersion);
  ASSERT_EQ(reply->interfaces.size(), 2u);
  EXPECT_EQ(reply->interfaces[0].hresult, hr::kOk);
  ASSERT_TRUE(reply->interfaces[0].objref);
  EXPECT_EQ(reply->interfaces[0].objref->std.oxid, h.oxid.oxid);
  EXPECT_TRUE(h.exporter->find_ipid(reply->interfaces[0].objref->std.ipid).has_value());
  EXPECT_EQ(reply->interfaces[1].hresult, hr::kNoInterface);
  EXPECT_FALSE(reply->interfaces[1].objref);
  const auto address = select_oxid_binding(reply->oxid_bindings, "127.0.0.1");
  ASSERT_TRUE(address) << address.error().to_string();
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 135);
}

std::string reply_error(const std::vector<std::uint8_t>& abData, std::span<const Uuid> iids) {
  auto r = parse_activation_reply(abData, iids);
  return r ? std::string("accepted") : std::string(r.error().code_name());
}

TEST(ClassObject, RemoteGetClassObjectExportsAnIClassFactory) {
  Harness h;
  const std::vector iids{kIidIClassFactory};
  const auto reply = parse_activation_reply(h.activate(iids, 3), iids);
  ASSERT_TRUE(reply) << reply.error().to_string();
  ASSERT_EQ(reply->interfaces.size(), 1u);
  EXPECT_EQ(reply->interfaces[0].hresult, hr::kOk);
  const auto& ref = reply->interfaces[0].objref.value();
  EXPECT_EQ(ref.std.oxid, h.oxid.oxid);
  EXPECT_EQ(h.exporter->object_count(), 1u);
  const auto entry = h.exporter->find_ipid(ref.std.ipid);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->iid, kIidIClassFactory);
  // Its interface is callable: a router for IClassFactory is registered.
  EXPECT_NE(h.registry.find(SyntaxId{kIidIClassFactory, 0, 0}), nullptr);
}

TEST(ClassObject, AnUnknownClassOrNoIClassFactoryExportsNothing) {
  Harness h;
  const std::vector factory{kIidIClassFactory};
  EXPECT_TRUE(h.activate(factory, 3, kOtherIid).empty());
  EXPECT_EQ(h.last_hresult, hr::kClassNotRegistered);
  const std::vector echo_only{echo::kIid};
  EXPECT_TRUE(h.activate(echo_only, 3).empty());
  EXPECT_EQ(h.last_hresult, hr::kNoInterface);
  EXPECT_EQ(h.exporter->object_count(), 0u);
  // IClassFactory beside an IID a class object lacks: S_OK and E_NOINTERFACE.
  const std::vector both{kIidIClassFactory, echo::kIid};
  const auto reply = parse_activation_reply(h.activate(both, 3), both);
  ASSERT_TRUE(reply) << reply.error().to_string();
  EXPECT_EQ(reply->interfaces.at(0).hresult, hr::kOk);
  EXPECT_EQ(reply->interfaces.at(1).hresult, hr::kNoInterface);
}

TEST(ActivationReplyParse, RefusesAReplyForOtherInterfaces) {
  Harness h;
  const std::vector iids{echo::kIid};
  const auto good = h.activate(iids);
  const std::vector other{kOtherIid};
  EXPECT_EQ(reply_error(good, other), std::string("actprop_bad_value"));
  const std::vector two{echo::kIid, kOtherIid};
  EXPECT_EQ(reply_error(good, two), std::string("actprop_bad_value"));
}

TEST(ActivationReplyParse, RefusesInconsistentSizes) {
  Harness h;
  const std::vector iids{echo::kIid};
  const auto good = h.activate(iids);
  // The custom data starts after signature, flags, iid, clsid, cbExtension and reserved.
  constexpr std::size_t kData = 4 + 4 + 16 + 16 + 4 + 4;
  auto dw_size = good;
  dw_size[kData] ^= 0x08;  // dwSize no longer the blob's size
  EXPECT_EQ(reply_error(dw_size, iids), std::string("actprop_bad_sizes"));
  auto total = good;
  total[kData + 8 + 16] ^= 0x08;  // CustomHeader.totalSize
  EXPECT_EQ(reply_error(total, iids), std::string("actprop_bad_sizes"));
  auto truncated = good;
  truncated.resize(truncated.size() - 8);
  EXPECT_FALSE(parse_activation_reply(truncated, iids));
}

TEST(ActivationReplyParse, RefusesTheRequestsObjrefAsAReply) {
  const std::vector iids{echo::kIid};
  const auto request = encode_activation_request(activation_params(echo::kClsid, iids)).value();
  EXPECT_EQ(reply_error(request, iids), std::string("objref_bad_flags"));
}

TEST(OxidBinding, OnlyTheTargetHostWithAPortIsUsed) {
  DualStringArray d;
  d.strings = {{kTowerNcacnIpTcp, u"10.9.8.7[4444]"},
               {kTowerNcacnIpTcp, u"SERVER"},
               {0x0008, u"server[135]"},  // ncadg_ip_udp: not used
               {kTowerNcacnIpTcp, u"Server[1025]"}};
  d.security = {{0x0a, 0xffff, u"rampart"}};
  const auto a = select_oxid_binding(d, "server");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "server");
  EXPECT_EQ(a->port, 1025);
  // The server cannot steer the client to another host.
  const auto other = select_oxid_binding(d, "192.0.2.1");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code_name(), std::string_view("unusable_binding"));
  // Nor to a malformed or absent port.
  for (const char16_t* bad : {u"h[0]", u"h[65536]", u"h[12a]", u"h[]", u"h[135", u"h"}) {
    DualStringArray b;
    b.strings = {{kTowerNcacnIpTcp, bad}};
    EXPECT_FALSE(select_oxid_binding(b, "h")) << u16_to_display(bad);
  }
  DualStringArray v6;
  v6.strings = {{kTowerNcacnIpTcp, u"::1[2000]"}};
  const auto a6 = select_oxid_binding(v6, "[::1]");
  ASSERT_TRUE(a6);
  EXPECT_EQ(a6->host, "::1");
}

// rampartd's DCOM services on a loopback port (apps/rampartd/dcom_host.cpp
// wires the same objects), and the client over real sockets.
struct LiveServer {
  runtime::ServerCore core;
  std::shared_ptr<ObjectExporter> exporter = std::make_shared<ObjectExporter>();
  OxidEntry oxid = exporter->add_oxid();
  std::shared_ptr<OxidResolver> resolver = std::make_shared<OxidResolver>(exporter, ResolverPolicy{});
  std::shared_ptr<ComServer> com = std::make_shared<ComServer>(exporter, oxid.oxid, core.interfaces);
  std::unique_ptr<transport::Server> server;
  std::uint16_t port = 0;

  LiveServer() {
    echo::register_echo_class(*com);
    auto rem = make_rem_unknown_interfaces(std::make_shared<RemUnknown>(exporter, resolver), exporter);
    core.interfaces.add(make_oxid_resolver_interface(resolver, exporter->limits()));
    core.interfaces.add(rem.rem_unknown);
    core.interfaces.add(rem.rem_unknown2);
    core.interfaces.add(
        make_activator_interface(std::make_shared<Activator>(com, resolver, ActivationPolicy{AuthnLevel::none})));
    transport::ServerOptions options;
    options.threads = 1;
    server = std::make_unique<transport::Server>(core, options);
    const auto bound = server->listen(*transport::parse_tcp_address("127.0.0.1:0"));
    EXPECT_TRUE(bound);
    if (bound) port = bound->tcp.port();
  }
  DcomClientOptions options() const {
    DcomClientOptions o;
    o.resolver_port = port;
    o.transport.connect_timeout = std::chrono::seconds(10);
    o.transport.call_timeout = std::chrono::seconds(10);
    return o;
  }
};

TEST(DcomClientSession, ActivatesCallsPingsAndReleasesOverSockets) {
  LiveServer s;
  DcomClient c("127.0.0.1", s.options());
  const std::vector iids{echo::kIid};
  const auto act = c.create_instance(activation_params(echo::kClsid, iids));
  ASSERT_TRUE(act) << act.error().to_string();
  ASSERT_EQ(c.exporter_address()->port, s.port);  // the OXID binding names the port the call came in on
  const auto& ref = act->interfaces.at(0).objref.value();
  EXPECT_EQ(s.exporter->object_count(), 1u);

  auto channel = c.object_channel(SyntaxId{echo::kIid, 0, 0});
  ASSERT_TRUE(channel) << channel.error().to_string();
  re::IRampartEcho_client echo(std::move(*channel), ref.std.ipid);
  spec::orpc::ORPCTHIS t;
  t.version = {5, 7};
  const auto echoed = echo.Echo({t, u"over the wire"});
  ASSERT_TRUE(echoed) << echoed.error().to_string();
  EXPECT_EQ(echoed->echoed, std::optional<std::u16string>(u"over the wire"));
  const auto sum = echo.Add({t, 40, 2});
  ASSERT_TRUE(sum) << sum.error().to_string();
  EXPECT_EQ(sum->sum, 42);

  // QueryInterface: IRampartEcho again (a reference more) and an IID the class lacks.
  const std::vector qi{echo::kIid, kOtherIid};
  const auto q = c.rem_query_interface(ref.std.ipid, qi);
  ASSERT_TRUE(q) << q.error().to_string();
  EXPECT_EQ(q->at(0).hresult, hr::kOk);
  EXPECT_EQ(q->at(1).hresult, hr::kNoInterface);

  const std::vector oids{ref.std.oid};
  const auto first = c.ping(oids);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_TRUE(first->complex);
  EXPECT_NE(first->set_id, 0u);
  const auto again = c.ping(oids);
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_FALSE(again->complex);  // the same OIDs: SimplePing
  EXPECT_EQ(again->set_id, first->set_id);

  const auto alive = c.server_alive2();
  ASSERT_TRUE(alive) << alive.error().to_string();
  EXPECT_EQ(alive->bindings.strings.at(0).network_addr, u"127.0.0.1");
  const auto resolved = c.resolve_oxid2(act->oxid);
  ASSERT_TRUE(resolved) << resolved.error().to_string();
  EXPECT_EQ(resolved->ipid_rem_unknown, act->ipid_rem_unknown);
  EXPECT_FALSE(c.resolve_oxid2(act->oxid + 1));
  EXPECT_EQ(c.last_status(), hr::kOrInvalidOxid);

  // Every reference the activation and the QueryInterface gave, then a call on the released IPID.
  const std::vector refs{InterfaceRef{ref.std.ipid, ref.std.public_refs + q->at(0).std->public_refs, 0}};
  ASSERT_TRUE(c.rem_release(refs));
  EXPECT_EQ(s.exporter->object_count(), 0u);
  EXPECT_FALSE(echo.Echo({t, u"gone"}));
  EXPECT_EQ(echo.last_fault(), hr::kInvalidIpid);
}

TEST(DcomClientSession, AClassObjectMakesInstancesThroughIClassFactory) {
  LiveServer s;
  DcomClient c("127.0.0.1", s.options());
  const std::vector factory_iid{kIidIClassFactory};
  const auto act = c.get_class_object(activation_params(echo::kClsid, factory_iid));
  ASSERT_TRUE(act) << act.error().to_string();
  const auto factory = act->interfaces.at(0).objref.value();
  EXPECT_EQ(s.exporter->object_count(), 1u);

  // Two instances from one class object, each its own object.
  const auto first = c.create_from_class_object(factory.std.ipid, echo::kIid);
  ASSERT_TRUE(first) << first.error().to_string();
  const auto second = c.create_from_class_object(factory.std.ipid, echo::kIid);
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_NE(first->std.oid, second->std.oid);
  EXPECT_EQ(first->resolver_address.strings.at(0).network_addr, u"127.0.0.1");
  EXPECT_EQ(s.exporter->object_count(), 3u);

  auto channel = c.object_channel(SyntaxId{echo::kIid, 0, 0});
  ASSERT_TRUE(channel) << channel.error().to_string();
  re::IRampartEcho_client echo(std::move(*channel), first->std.ipid);
  spec::orpc::ORPCTHIS t;
  t.version = {5, 7};
  const auto echoed = echo.Echo({t, u"from the factory"});
  ASSERT_TRUE(echoed) << echoed.error().to_string();
  EXPECT_EQ(echoed->echoed, std::optional<std::u16string>(u"from the factory"));

  // An IID the class lacks is the call's HRESULT, and nothing more is exported.
  const auto none = c.create_from_class_object(factory.std.ipid, kOtherIid);
  ASSERT_FALSE(none);
  EXPECT_EQ(c.last_status(), hr::kNoInterface);
  EXPECT_EQ(s.exporter->object_count(), 3u);

  const std::vector refs{InterfaceRef{first->std.ipid, first->std.public_refs, 0},
                         InterfaceRef{second->std.ipid, second->std.public_refs, 0},
                         InterfaceRef{factory.std.ipid, factory.std.public_refs, 0}};
  ASSERT_TRUE(c.rem_release(refs));
  EXPECT_EQ(s.exporter->object_count(), 0u);
  // The released class object's IPID is gone.
  EXPECT_FALSE(c.create_from_class_object(factory.std.ipid, echo::kIid));
  EXPECT_EQ(c.last_status(), hr::kInvalidIpid);
}

TEST(DcomClientSession, AnUnknownClassIsReportedWithItsHresult) {
  LiveServer s;
  DcomClient c("127.0.0.1", s.options());
  const std::vector iids{echo::kIid};
  const auto act = c.create_instance(activation_params(kOtherIid, iids));
  ASSERT_FALSE(act);
  EXPECT_EQ(act.error().code_name(), std::string_view("call_failed"));
  EXPECT_EQ(c.last_status(), hr::kClassNotRegistered);
  EXPECT_FALSE(c.exporter_address());
}

}  // namespace
}  // namespace rampart::dcom
