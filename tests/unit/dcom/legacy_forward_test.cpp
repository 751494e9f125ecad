// IActivation::RemoteActivation of a class served by an out-of-process
// class server (legacy_activator.hpp): every check of rampartd first, on
// the calling thread; then forwarded on the interface's pool and relayed
// with the server's OXID, port, IRemUnknown and level; failures are
// CO_E_SERVER_EXEC_FAILURE in phr.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "echo_class.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/legacy_activator.hpp"
#include "rampart/dcom/objref.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampart::dcom {
namespace {

namespace sa = spec::activation;

const Uuid kServerClsid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03");
const Uuid kObjectIpid = Uuid::from_string("11111111-2222-4333-8444-555555555555");
const ForwardedExporter kServer{0x5eed, 41234, Uuid::from_string("99999999-2222-4333-8444-555555555555"),
                                AuthnLevel::pkt_privacy};

// A class server stand-in: answers from a fixed result, or fails, and
// records the thread and the request it got.
class FakeForwarder final : public ClassForwarder {
 public:
  [[nodiscard]] bool forwards(const Uuid& clsid) const override { return clsid == kServerClsid; }
  std::expected<ForwardedInstance, std::uint32_t> forward(const ForwardRequest& request) override {
    thread = std::this_thread::get_id();
    last = request;
    ++calls;
    if (fail) return std::unexpected(kServerExecFailure);
    return ForwardedInstance{kServer, {{hr::kOk, {0, 5, kServer.oxid, 0x77, kObjectIpid}}}};
  }
  std::thread::id thread;
  ForwardRequest last;
  int calls = 0;
  bool fail = false;
};

struct Harness {
  std::shared_ptr<ObjectExporter> exporter = std::make_shared<ObjectExporter>();
  OxidEntry oxid = exporter->add_oxid();
  runtime::InterfaceRegistry registry;
  std::vector<PermissionDenial> denials;
  std::shared_ptr<PermissionGate> gate =
      std::make_shared<PermissionGate>(ClassPermissions{}, [this](const PermissionDenial& d) { denials.push_back(d); });
  std::shared_ptr<ComServer> server = std::make_shared<ComServer>(exporter, oxid.oxid, registry, gate);
  std::shared_ptr<OxidResolver> resolver = std::make_shared<OxidResolver>(exporter, ResolverPolicy{});
  std::shared_ptr<FakeForwarder> forwarder = std::make_shared<FakeForwarder>();
  std::shared_ptr<runtime::Interface> legacy;
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};

  explicit Harness(AuthnLevel floor = AuthnLevel::none, std::size_t forward_queue = 64) {
    echo::register_echo_class(*server);
    auto impl = std::make_shared<LegacyActivator>(server, resolver, ActivationPolicy{floor});
    impl->set_forwarder(forwarder);
    legacy = make_legacy_activator_interface(impl, 1, forward_queue);
    peer.local_ipv4 = std::array<std::uint8_t, 4>{127, 0, 0, 1};
    peer.local_endpoint = "135";
  }

  static sa::RemoteActivation_request request(const Uuid& clsid, std::optional<std::u16string> name = std::nullopt) {
    sa::RemoteActivation_request r;
    r.ORPCthis.version = {5, 5};
    r.Clsid = to_wire(clsid);
    r.pwszObjectName = std::move(name);
    r.Interfaces = 1;
    r.pIIDs = std::vector{to_wire(echo::kIid)};
    r.cRequestedProtseqs = 1;
    r.aRequestedProtseqs = {7};
    return r;
  }

  // One RemoteActivation, answered inline or later, as the association
  // would see it.
  runtime::CallOutcome activate(const sa::RemoteActivation_request& req) {
    const auto stub = ndr::encode_stub<sa::RemoteActivation_request, ndr::Ndr20>(req, Drep::little()).value();
    const runtime::CallContext ctx{peer, group, 1, 0, 0, std::nullopt, Drep::little(), syntax::kNdr20, stub};
    auto slot = std::make_shared<runtime::Responder::Slot>();
    std::promise<runtime::CallOutcome> later;
    slot->deliver = [&later](runtime::CallOutcome o) { later.set_value(std::move(o)); };
    legacy->call(ctx, runtime::Responder(slot));
    {
      std::lock_guard lock(slot->mutex);
      slot->call_returned = true;
      if (slot->inline_outcome) return *slot->inline_outcome;
    }
    return later.get_future().get();
  }

  sa::RemoteActivation_response reply(const sa::RemoteActivation_request& req) {
    const auto out = activate(req);
    EXPECT_FALSE(out.is_fault()) << std::hex << out.fault_status;
    auto r = ndr::decode_stub<sa::RemoteActivation_response, ndr::Ndr20>(out.stub, Drep::little());
    EXPECT_TRUE(r.has_value());
    return r.value_or(sa::RemoteActivation_response{});
  }
};

TEST(LegacyActivatorForward, AServersClassIsForwardedOffTheCallingThreadAndRelayed) {
  Harness h;
  const auto r = h.reply(Harness::request(kServerClsid));
  EXPECT_NE(h.forwarder->thread, std::this_thread::get_id()) << "forwarding runs on the interface's pool";
  EXPECT_EQ(h.forwarder->calls, 1);
  EXPECT_EQ(h.forwarder->last.clsid, kServerClsid);
  EXPECT_EQ(h.forwarder->last.iids, std::vector<Uuid>{echo::kIid});
  EXPECT_FALSE(h.forwarder->last.class_object);
  EXPECT_EQ(r.return_value, 0u);
  ASSERT_EQ(r.phr, 0);
  // [MS-DCOM] 3.1.2.5.2.3.1: the server's OXID, bindings, IRemUnknown and level.
  EXPECT_EQ(r.pOxid, kServer.oxid);
  EXPECT_NE(r.pOxid, h.oxid.oxid);
  EXPECT_EQ(r.pipidRemUnknown, kServer.ipid_rem_unknown);
  EXPECT_EQ(r.pAuthnHint, 6u) << "the server's level, not rampartd's floor";
  EXPECT_EQ(r.pServerVersion.MajorVersion, 5);
  ASSERT_TRUE(r.ppdsaOxidBindings);
  const auto bindings = from_wire(*r.ppdsaOxidBindings).value();
  ASSERT_FALSE(bindings.strings.empty());
  EXPECT_EQ(bindings.strings.at(0).network_addr, u"127.0.0.1[41234]");
  ASSERT_EQ(r.pResults.size(), 1u);
  EXPECT_EQ(r.pResults[0], 0);
  ASSERT_EQ(r.ppInterfaceData.size(), 1u);
  ASSERT_TRUE(r.ppInterfaceData[0]);
  const auto itf = ObjRef::decode(r.ppInterfaceData[0]->abData).value();
  EXPECT_EQ(itf.iid, echo::kIid);
  const auto* std_ref = std::get_if<ObjRefStandard>(&itf.form);
  ASSERT_NE(std_ref, nullptr) << "an OBJREF_STANDARD";
  EXPECT_EQ(std_ref->std.oxid, kServer.oxid);
  EXPECT_EQ(std_ref->std.oid, 0x77u);
  EXPECT_EQ(std_ref->std.ipid, kObjectIpid);
  // Clients ping rampartd: the resolver address is rampartd's, no port.
  ASSERT_FALSE(std_ref->resolver_address.strings.empty());
  EXPECT_EQ(std_ref->resolver_address.strings.at(0).network_addr, u"127.0.0.1");
  EXPECT_EQ(h.exporter->object_count(), 0u) << "nothing made in rampartd";
}

TEST(LegacyActivatorForward, AFailedForwardIsServerExecFailureInPhr) {
  Harness h;
  h.forwarder->fail = true;
  const auto r = h.reply(Harness::request(kServerClsid));
  EXPECT_EQ(h.forwarder->calls, 1);
  EXPECT_EQ(r.return_value, 0u) << "error_status_t 0, the HRESULT in phr";
  EXPECT_EQ(static_cast<std::uint32_t>(r.phr), kServerExecFailure);
  ASSERT_EQ(r.ppInterfaceData.size(), 1u);
  EXPECT_FALSE(r.ppInterfaceData[0]);
  EXPECT_FALSE(r.ppdsaOxidBindings);
}

TEST(LegacyActivatorForward, InProcessClassesAndTheBlasterShapeNeverReachTheForwarder) {
  Harness h;
  const auto r = h.reply(Harness::request(echo::kClsid));
  EXPECT_EQ(r.phr, 0);
  EXPECT_EQ(r.pOxid, h.oxid.oxid) << "the in-process class is rampartd's";
  EXPECT_EQ(h.exporter->object_count(), 1u);
  // The Blaster shape faults rpc_x_bad_stub_data, for a forwarded CLSID too.
  const auto blaster = h.activate(Harness::request(kServerClsid, std::u16string(5000, u'A')));
  EXPECT_TRUE(blaster.is_fault());
  EXPECT_EQ(blaster.fault_status, 0x6f7u);
  // COMVERSION 9.9 faults; a named activation is E_NOTIMPL.
  auto v99 = Harness::request(kServerClsid);
  v99.ORPCthis.version = {9, 9};
  EXPECT_EQ(h.activate(v99).fault_status, hr::kVersionMismatch);
  const auto named = h.reply(Harness::request(kServerClsid, u"\\\\host\\share\\file.doc"));
  EXPECT_EQ(static_cast<std::uint32_t>(named.phr), 0x80004001u);
  EXPECT_EQ(h.forwarder->calls, 0);
  EXPECT_EQ(h.forwarder->thread, std::thread::id{});
  // Below the floor: E_ACCESSDENIED, nothing forwarded.
  Harness floor(AuthnLevel::pkt_integrity);
  const auto below = floor.reply(Harness::request(kServerClsid));
  EXPECT_EQ(static_cast<std::uint32_t>(below.phr), hr::kAccessDenied);
  EXPECT_EQ(floor.forwarder->calls, 0);
}

TEST(LegacyActivatorForward, AServersClassOutsideTheLaunchListIsRefusedWithoutForwarding) {
  Harness h;
  ClassPermissions lists;
  ASSERT_TRUE(lists.add_class(kServerClsid, {PermissionList{}, std::nullopt}));  // admits no one
  h.gate->set(lists);
  const auto r = h.reply(Harness::request(kServerClsid));
  EXPECT_EQ(static_cast<std::uint32_t>(r.phr), hr::kAccessDenied);
  EXPECT_EQ(h.forwarder->calls, 0) << "a refused launch never reaches the class server";
  ASSERT_EQ(h.denials.size(), 1u) << "refused, and reported, once";
  EXPECT_EQ(h.denials[0].check, "launch");
  EXPECT_EQ(h.denials[0].operation, "RemoteActivation");
  EXPECT_EQ(h.denials[0].clsid, kServerClsid);
  // The same caller is forwarded once the lists admit it again.
  h.gate->set(ClassPermissions{});
  EXPECT_EQ(h.reply(Harness::request(kServerClsid)).phr, 0);
  EXPECT_EQ(h.forwarder->calls, 1);
}

TEST(LegacyActivatorForward, AFullPoolIsServerExecFailureWithoutForwarding) {
  Harness h(AuthnLevel::none, 0);  // no room in the queue: every forward is refused
  const auto r = h.reply(Harness::request(kServerClsid));
  EXPECT_EQ(r.return_value, 0u);
  EXPECT_EQ(static_cast<std::uint32_t>(r.phr), kServerExecFailure);
  ASSERT_EQ(r.ppInterfaceData.size(), 1u);
  EXPECT_FALSE(r.ppInterfaceData[0]);
  EXPECT_EQ(h.forwarder->calls, 0);
  // The in-process class does not need the pool.
  EXPECT_EQ(h.reply(Harness::request(echo::kClsid)).phr, 0);
}

TEST(LegacyActivatorForward, ADirectCallForwardsToo) {
  Harness h;
  LegacyActivator direct(h.server, h.resolver, ActivationPolicy{AuthnLevel::none});
  direct.set_forwarder(h.forwarder);
  const auto stub = ndr::encode_stub<sa::RemoteActivation_request, ndr::Ndr20>(Harness::request(kServerClsid),
                                                                            Drep::little())
                        .value();
  const runtime::CallContext ctx{h.peer, h.group, 1, 0, 0, std::nullopt, Drep::little(), syntax::kNdr20, stub};
  const auto r = direct.RemoteActivation(ctx, Harness::request(kServerClsid)).value();
  EXPECT_EQ(r.phr, 0);
  EXPECT_EQ(r.pOxid, kServer.oxid);
  EXPECT_EQ(h.forwarder->thread, std::this_thread::get_id());
}

}  // namespace
}  // namespace rampart::dcom
