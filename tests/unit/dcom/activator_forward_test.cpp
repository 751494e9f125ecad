// Activations forwarded to an out-of-process class server
// (class_forwarder.hpp): checked on the calling thread, forwarded on the
// activator's pool, the reply built by rampartd with the server's OXID,
// port and IRemUnknown; failures are CO_E_SERVER_EXEC_FAILURE.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <thread>

#include "activation_props.hpp"
#include "echo_class.hpp"
#include "rampart/dcom/activation_exchange.hpp"
#include "rampart/dcom/activator.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampart::dcom {
namespace {

namespace ra = spec::remact;

const Uuid kServerClsid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03");
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
    if (fail) return std::unexpected(kServerExecFailure);
    return ForwardedInstance{
        kServer, {{hr::kOk, {0, 5, kServer.oxid, 0x77, Uuid::from_string("11111111-2222-4333-8444-555555555555")}}}};
  }
  std::thread::id thread;
  ForwardRequest last;
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
  std::shared_ptr<runtime::Interface> activator;
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};

  Harness() {
    echo::register_echo_class(*server);
    auto impl = std::make_shared<Activator>(server, resolver, ActivationPolicy{AuthnLevel::none});
    impl->set_forwarder(forwarder);
    activator = make_activator_interface(impl);
    peer.local_ipv4 = std::array<std::uint8_t, 4>{127, 0, 0, 1};
    peer.local_endpoint = "135";
  }

  // One RemoteCreateInstance, answered inline or later, as the association
  // would see it.
  runtime::CallOutcome create(const Uuid& clsid) {
    ra::RemoteCreateInstance_request req;
    req.orpcthis.version = {5, 7};
    const auto blob = encode_activation_request(activation_params(clsid, {echo::kIid})).value();
    req.pActProperties = spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(blob.size()), blob};
    const auto stub = ndr::encode_stub<ra::RemoteCreateInstance_request, ndr::Ndr20>(req, Drep::little()).value();
    const runtime::CallContext ctx{peer, group, 1, 0, 4, std::nullopt, Drep::little(), syntax::kNdr20, stub};
    auto slot = std::make_shared<runtime::Responder::Slot>();
    std::promise<runtime::CallOutcome> later;
    slot->deliver = [&later](runtime::CallOutcome o) { later.set_value(std::move(o)); };
    activator->call(ctx, runtime::Responder(slot));
    {
      std::lock_guard lock(slot->mutex);
      slot->call_returned = true;
      if (slot->inline_outcome) return *slot->inline_outcome;
    }
    return later.get_future().get();
  }
};

TEST(ActivatorForward, AServersClassIsForwardedOffTheCallingThreadAndRelayed) {
  Harness h;
  const auto out = h.create(kServerClsid);
  ASSERT_FALSE(out.is_fault()) << std::hex << out.fault_status;
  EXPECT_NE(h.forwarder->thread, std::this_thread::get_id()) << "forwarding runs on the activator's pool";
  EXPECT_EQ(h.forwarder->last.clsid, kServerClsid);
  EXPECT_EQ(h.forwarder->last.iids, std::vector<Uuid>{echo::kIid});
  EXPECT_FALSE(h.forwarder->last.class_object);
  auto resp = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value();
  ASSERT_EQ(resp.return_value, 0);
  // Read back as a client would: the server's OXID, port, IRemUnknown and level.
  const std::vector<Uuid> asked{echo::kIid};
  const auto reply = parse_activation_reply(resp.ppActProperties.value().abData, asked).value();
  EXPECT_EQ(reply.oxid, kServer.oxid);
  EXPECT_EQ(reply.ipid_rem_unknown, kServer.ipid_rem_unknown);
  EXPECT_EQ(reply.authn_hint, 6u) << "the server's level, not rampartd's floor";
  ASSERT_FALSE(reply.oxid_bindings.strings.empty());
  EXPECT_EQ(reply.oxid_bindings.strings.at(0).network_addr, u"127.0.0.1[41234]");
  ASSERT_TRUE(reply.interfaces.at(0).objref);
  EXPECT_EQ(reply.interfaces.at(0).objref->std.oid, 0x77u);
}

TEST(ActivatorForward, AFailedForwardIsServerExecFailure) {
  Harness h;
  h.forwarder->fail = true;
  const auto out = h.create(kServerClsid);
  ASSERT_FALSE(out.is_fault());
  auto resp = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value();
  EXPECT_EQ(static_cast<std::uint32_t>(resp.return_value), kServerExecFailure);
  EXPECT_FALSE(resp.ppActProperties);
}

TEST(ActivatorForward, InProcessClassesAndBadBlobsNeverReachTheForwarder) {
  Harness h;
  const auto out = h.create(echo::kClsid);
  ASSERT_FALSE(out.is_fault());
  auto resp = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value();
  EXPECT_EQ(resp.return_value, 0);
  EXPECT_EQ(h.forwarder->thread, std::thread::id{}) << "the in-process class was not forwarded";
  // COMVERSION 9.9 faults before anything is forwarded (the MS03-039 checks stay in rampartd).
  ra::RemoteCreateInstance_request req;
  req.orpcthis.version = {9, 9};
  const auto blob = encode_activation_request(activation_params(kServerClsid, {echo::kIid})).value();
  req.pActProperties = spec::orpc::MInterfacePointer{static_cast<std::uint32_t>(blob.size()), blob};
  const auto stub = ndr::encode_stub<ra::RemoteCreateInstance_request, ndr::Ndr20>(req, Drep::little()).value();
  const runtime::CallContext ctx{h.peer, h.group, 1, 0, 4, std::nullopt, Drep::little(), syntax::kNdr20, stub};
  auto slot = std::make_shared<runtime::Responder::Slot>();
  h.activator->call(ctx, runtime::Responder(slot));
  ASSERT_TRUE(slot->inline_outcome);
  EXPECT_EQ(slot->inline_outcome->fault_status, hr::kVersionMismatch);
  EXPECT_EQ(h.forwarder->thread, std::thread::id{});
}

TEST(ActivatorForward, AServersClassOutsideTheLaunchListIsRefusedWithoutForwarding) {
  Harness h;
  ClassPermissions lists;
  ASSERT_TRUE(lists.add_class(kServerClsid, {PermissionList{}, std::nullopt}));  // admits no one
  h.gate->set(lists);
  const auto out = h.create(kServerClsid);
  ASSERT_FALSE(out.is_fault()) << std::hex << out.fault_status;
  auto resp = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value();
  EXPECT_EQ(static_cast<std::uint32_t>(resp.return_value), hr::kAccessDenied);
  EXPECT_FALSE(resp.ppActProperties);
  EXPECT_EQ(h.forwarder->thread, std::thread::id{}) << "a refused launch never reaches the class server";
  ASSERT_EQ(h.denials.size(), 1u) << "refused, and reported, once";
  EXPECT_EQ(h.denials[0].check, "launch");
  EXPECT_EQ(h.denials[0].clsid, kServerClsid);
  // The same caller is forwarded once the lists admit it again.
  h.gate->set(ClassPermissions{});
  const auto again = h.create(kServerClsid);
  ASSERT_FALSE(again.is_fault());
  const auto admitted = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(again.stub, Drep::little());
  EXPECT_EQ(admitted.value().return_value, 0);
  EXPECT_NE(h.forwarder->thread, std::thread::id{});
}

}  // namespace
}  // namespace rampart::dcom
