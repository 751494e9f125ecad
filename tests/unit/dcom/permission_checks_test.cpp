// Where the launch and access lists are enforced: the three activations,
// IClassFactory::CreateInstance, object calls and IRemUnknown, each refused
// with E_ACCESSDENIED before anything is made or changed; a new set of lists
// applies to the next call on objects already exported.
#include <gtest/gtest.h>

#include "echo_class.hpp"
#include "rampart/dcom/activation_exchange.hpp"
#include "rampart/dcom/activator.hpp"
#include "rampart/dcom/class_permissions.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/legacy_activator.hpp"
#include "rampart/dcom/rem_unknown.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association_group.hpp"
#include "classfactory.hpp"

namespace rampart::dcom {
namespace {

namespace ra = spec::remact;
namespace ru = spec::remunknown;
namespace re = spec::rampart_echo;
namespace cf = spec::classfactory;

constexpr std::uint8_t kNtlm = 10;
const Uuid kIidIClassFactory = Uuid::from_string("00000001-0000-0000-c000-000000000046");

spec::orpc::ORPCTHIS orpcthis() {
  spec::orpc::ORPCTHIS t;
  t.version = {5, 7};
  return t;
}

PermissionList list(const std::vector<std::string>& entries) { return PermissionList::parse(entries).value(); }

ClassPermissions echo_lists(const std::vector<std::string>& launch, const std::vector<std::string>& access) {
  ClassPermissions p;
  EXPECT_TRUE(p.add_class(echo::kClsid, {list(launch), list(access)}));
  return p;
}

struct Harness {
  std::vector<PermissionDenial> denials;
  std::shared_ptr<PermissionGate> gate =
      std::make_shared<PermissionGate>(ClassPermissions{}, [this](const PermissionDenial& d) { denials.push_back(d); });
  std::shared_ptr<ObjectExporter> exporter = std::make_shared<ObjectExporter>();
  OxidEntry oxid = exporter->add_oxid(AuthnLevel::pkt_integrity);
  runtime::InterfaceRegistry registry;
  std::shared_ptr<ComServer> server = std::make_shared<ComServer>(exporter, oxid.oxid, registry, gate);
  std::shared_ptr<OxidResolver> resolver = std::make_shared<OxidResolver>(exporter, ResolverPolicy{});
  ActivationPolicy policy{AuthnLevel::pkt_integrity};
  std::shared_ptr<runtime::Interface> activator =
      make_activator_interface(std::make_shared<Activator>(server, resolver, policy));
  std::shared_ptr<runtime::Interface> legacy =
      make_legacy_activator_interface(std::make_shared<LegacyActivator>(server, resolver, policy));
  RemUnknownInterfaces rem =
      make_rem_unknown_interfaces(std::make_shared<RemUnknown>(exporter, resolver, gate), exporter);
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};
  std::string principal = "RAMPART\\alice";

  Harness() {
    echo::register_echo_class(*server);
    peer.address = "127.0.0.1:50000";
    peer.local_ipv4 = std::array<std::uint8_t, 4>{127, 0, 0, 1};
    peer.local_endpoint = "135";
  }
  void as(std::string who) { principal = std::move(who); }
  runtime::CallOutcome raw(runtime::Interface& itf, std::uint16_t opnum, std::optional<Uuid> object,
                           std::span<const std::uint8_t> stub) {
    const runtime::CallAuth auth{kNtlm, 6, false, 1, principal};
    const runtime::CallContext ctx{peer, group, 1, 0, opnum, object, Drep::little(), syntax::kNdr20, stub, auth};
    auto slot = std::make_shared<runtime::Responder::Slot>();
    itf.call(ctx, runtime::Responder(slot));
    return slot->inline_outcome.value_or(runtime::CallOutcome::fault(1));
  }
  // RemoteCreateInstance (opnum 4) or RemoteGetClassObject (3): the HRESULT
  // and, on success, the first interface's IPID.
  std::pair<std::uint32_t, Uuid> activate(std::uint16_t opnum, const Uuid& iid) {
    auto blob = encode_activation_request(activation_params(echo::kClsid, {iid})).value();
    spec::orpc::MInterfacePointer props{static_cast<std::uint32_t>(blob.size()), blob};
    const auto stub =
        opnum == 4 ? ndr::encode_stub<ra::RemoteCreateInstance_request, ndr::Ndr20>({orpcthis(), std::nullopt, props},
                                                                                    Drep::little())
                         .value()
                   : ndr::encode_stub<ra::RemoteGetClassObject_request, ndr::Ndr20>({orpcthis(), props}, Drep::little())
                         .value();
    const auto out = raw(*activator, opnum, std::nullopt, stub);
    EXPECT_FALSE(out.is_fault()) << std::hex << out.fault_status;
    std::optional<spec::orpc::MInterfacePointer> reply;
    std::int32_t hresult = 0;
    if (opnum == 4) {
      auto r = ndr::decode_stub<ra::RemoteCreateInstance_response, ndr::Ndr20>(out.stub, Drep::little()).value();
      hresult = r.return_value;
      reply = std::move(r.ppActProperties);
    } else {
      auto r = ndr::decode_stub<ra::RemoteGetClassObject_response, ndr::Ndr20>(out.stub, Drep::little()).value();
      hresult = r.return_value;
      reply = std::move(r.ppActProperties);
    }
    if (hresult != 0) return {static_cast<std::uint32_t>(hresult), {}};
    const std::vector<Uuid> asked{iid};
    const auto parsed = parse_activation_reply(reply.value().abData, asked).value();
    return {0u, parsed.interfaces.at(0).objref.value().std.ipid};
  }
  std::uint32_t echo_status(const Uuid& ipid) {
    const auto stub = ndr::encode_stub<re::Echo_request, ndr::Ndr20>({orpcthis(), u"hi"}, Drep::little()).value();
    const auto out = raw(*registry.find(SyntaxId{echo::kIid, 0, 0}), 3, ipid, stub);
    return out.is_fault() ? out.fault_status : 0u;
  }
  std::uint32_t release_status(const Uuid& ipid) {
    const ru::RemRelease_request rel{orpcthis(), 1, {{to_wire(ipid), 1, 0}}};
    const auto stub = ndr::encode_stub<ru::RemRelease_request, ndr::Ndr20>(rel, Drep::little()).value();
    const auto out = raw(*rem.rem_unknown, 5, oxid.ipid_rem_unknown, stub);
    return out.is_fault() ? out.fault_status : 0u;
  }
  std::uint32_t query_status(const Uuid& ipid) {
    const ru::RemQueryInterface_request q{orpcthis(), to_wire(ipid), 1, 1, {to_wire(echo::kIid)}};
    const auto stub = ndr::encode_stub<ru::RemQueryInterface_request, ndr::Ndr20>(q, Drep::little()).value();
    const auto out = raw(*rem.rem_unknown, 3, oxid.ipid_rem_unknown, stub);
    return out.is_fault() ? out.fault_status : 0u;
  }
};

TEST(LaunchPermission, RemoteCreateInstanceRefusesWhomTheLaunchListDoesNotName) {
  Harness h;
  h.gate->set(echo_lists({"RAMPART\\alice"}, {"*"}));
  h.as("RAMPART\\bob");
  EXPECT_EQ(h.activate(4, echo::kIid).first, hr::kAccessDenied);
  EXPECT_EQ(h.exporter->object_count(), 0u) << "nothing is created for a refused launch";
  ASSERT_EQ(h.denials.size(), 1u);
  EXPECT_EQ(h.denials[0].check, "launch");
  EXPECT_EQ(h.denials[0].operation, "RemoteCreateInstance");
  EXPECT_EQ(h.denials[0].principal, "RAMPART\\bob");
  EXPECT_EQ(h.denials[0].clsid, echo::kClsid);
  EXPECT_EQ(h.denials[0].peer, "127.0.0.1:50000");
  h.as("rampart\\ALICE");
  const auto [status, ipid] = h.activate(4, echo::kIid);
  EXPECT_EQ(status, 0u);
  EXPECT_EQ(h.echo_status(ipid), 0u);
}

TEST(LaunchPermission, RemoteActivationAndClassObjectsAreLaunchesToo) {
  Harness h;
  h.gate->set(echo_lists({"RAMPART\\alice"}, {"*"}));
  h.as("RAMPART\\bob");
  EXPECT_EQ(h.activate(3, kIidIClassFactory).first, hr::kAccessDenied);
  spec::activation::RemoteActivation_request r;
  r.ORPCthis = orpcthis();
  r.ORPCthis.version = {5, 5};
  r.Clsid = to_wire(echo::kClsid);
  r.Interfaces = 1;
  r.pIIDs = std::vector{to_wire(echo::kIid)};
  r.cRequestedProtseqs = 1;
  r.aRequestedProtseqs = {7};
  const auto stub = ndr::encode_stub<spec::activation::RemoteActivation_request, ndr::Ndr20>(r, Drep::little()).value();
  const auto out = h.raw(*h.legacy, 0, std::nullopt, stub);
  ASSERT_FALSE(out.is_fault());
  const auto resp = ndr::decode_stub<spec::activation::RemoteActivation_response, ndr::Ndr20>(out.stub, Drep::little());
  EXPECT_EQ(static_cast<std::uint32_t>(resp.value().phr), hr::kAccessDenied);
  EXPECT_EQ(h.exporter->object_count(), 0u);
  // Alice gets a class object; once the launch list stops naming her, its
  // CreateInstance is refused, and the class object itself stays callable.
  h.as("RAMPART\\alice");
  const auto [status, factory] = h.activate(3, kIidIClassFactory);
  ASSERT_EQ(status, 0u);
  const auto create = [&] {
    const auto s = ndr::encode_stub<cf::RemoteCreateInstance_request, ndr::Ndr20>({orpcthis(), echo::kIid}, Drep::little())
                       .value();
    const auto o = h.raw(*h.registry.find(SyntaxId{kIidIClassFactory, 0, 0}), 3, factory, s);
    EXPECT_FALSE(o.is_fault()) << std::hex << o.fault_status;
    return static_cast<std::uint32_t>(
        ndr::decode_stub<cf::RemoteCreateInstance_response, ndr::Ndr20>(o.stub, Drep::little()).value().return_value);
  };
  EXPECT_EQ(create(), 0u);
  EXPECT_EQ(h.exporter->object_count(), 2u);
  h.gate->set(echo_lists({"RAMPART\\bob"}, {"*"}));
  EXPECT_EQ(create(), hr::kAccessDenied);
  EXPECT_EQ(h.exporter->object_count(), 2u);
  EXPECT_EQ(h.denials.back().operation, "IClassFactory::CreateInstance");
}

TEST(AccessPermission, ObjectAndRemUnknownCallsOfARefusedCallerFaultAndChangeNothing) {
  Harness h;
  h.gate->set(echo_lists({"RAMPART\\*"}, {"RAMPART\\alice"}));
  h.as("RAMPART\\bob");
  const auto [status, ipid] = h.activate(4, echo::kIid);
  ASSERT_EQ(status, 0u) << "bob may launch";
  EXPECT_EQ(h.echo_status(ipid), hr::kAccessDenied);
  EXPECT_EQ(h.query_status(ipid), hr::kAccessDenied);
  EXPECT_EQ(h.release_status(ipid), hr::kAccessDenied);
  EXPECT_EQ(h.exporter->object_count(), 1u) << "a refused RemRelease releases nothing";
  EXPECT_EQ(h.exporter->find_ipid(ipid)->public_refs, 1u) << "a refused RemQueryInterface adds nothing";
  EXPECT_EQ(h.denials.at(0).check, "access");
  EXPECT_EQ(h.denials.at(0).operation, "IRampartEcho");
  EXPECT_EQ(h.denials.at(1).operation, "RemQueryInterface");
  EXPECT_EQ(h.denials.at(2).operation, "RemRelease");
  EXPECT_EQ(h.denials.size(), 3u);
  h.as("RAMPART\\alice");
  EXPECT_EQ(h.echo_status(ipid), 0u);
  // New lists apply to the next call on the object already exported.
  h.gate->set(echo_lists({"RAMPART\\*"}, {"RAMPART\\*"}));
  h.as("RAMPART\\bob");
  EXPECT_EQ(h.echo_status(ipid), 0u);
  EXPECT_EQ(h.release_status(ipid), 0u);
  EXPECT_EQ(h.exporter->object_count(), 0u);
}

TEST(AccessPermission, WithoutConfigurationEveryCallerAtTheFloorIsServed) {
  Harness h;
  h.as("OTHER\\mallory");
  const auto [status, ipid] = h.activate(4, echo::kIid);
  ASSERT_EQ(status, 0u);
  EXPECT_EQ(h.echo_status(ipid), 0u);
  EXPECT_TRUE(h.denials.empty());
}

}  // namespace
}  // namespace rampart::dcom
