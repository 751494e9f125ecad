// The COM server API with the rampart-echo test class: activation through
// ComServer::create_instance, Echo and Add through the IPID router,
// release by IRemUnknown and by the garbage collector.
#include <gtest/gtest.h>

#include "echo_class.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/rem_unknown.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampart::dcom {
namespace {

namespace re = spec::rampart_echo;
namespace ru = spec::remunknown;
using namespace std::chrono_literals;

spec::orpc::ORPCTHIS orpcthis() {
  spec::orpc::ORPCTHIS t;
  t.version = {5, 7};
  return t;
}

struct Harness {
  ExporterLimits limits = [] {
    ExporterLimits l;
    l.ping_period = 1s;
    return l;
  }();
  std::shared_ptr<ObjectExporter> exporter = std::make_shared<ObjectExporter>(limits);
  OxidEntry oxid = exporter->add_oxid();
  runtime::InterfaceRegistry registry;
  ComServer server{exporter, oxid.oxid, registry};
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};
  Clock::time_point now = Clock::time_point{} + 100s;

  Harness() { echo::register_echo_class(server); }

  runtime::CallOutcome raw(const SyntaxId& iface, std::uint16_t opnum, const Uuid& object,
                           std::span<const std::uint8_t> stub) {
    auto itf = registry.find(iface);
    EXPECT_TRUE(itf) << iface.to_string();
    if (!itf) return runtime::CallOutcome::fault(1);
    const runtime::CallContext ctx{peer, group, 1, 0, opnum, object, Drep::little(), syntax::kNdr20, stub};
    auto slot = std::make_shared<runtime::Responder::Slot>();
    itf->call(ctx, runtime::Responder(slot));
    return slot->inline_outcome.value_or(runtime::CallOutcome::fault(1));
  }
  template <class Resp, class Req>
  std::expected<Resp, std::uint32_t> call(const SyntaxId& iface, std::uint16_t opnum, const Uuid& object,
                                          const Req& req) {
    const auto stub = ndr::encode_stub<Req, ndr::Ndr20>(req, Drep::little()).value();
    const auto out = raw(iface, opnum, object, stub);
    if (out.is_fault()) return std::unexpected(out.fault_status);
    return ndr::decode_stub<Resp, ndr::Ndr20>(out.stub, Drep::little()).value();
  }
  std::expected<re::Echo_response, std::uint32_t> echo(const Uuid& ipid, std::u16string text) {
    return call<re::Echo_response>(SyntaxId{echo::kIid, 0, 0}, 3, ipid, re::Echo_request{orpcthis(), std::move(text)});
  }
  StdObjRef activate(bool no_ping = false) {
    auto r = server.create_instance(echo::kClsid, {echo::kIid}, now, no_ping);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->at(0).hresult, 0u);
    return r->at(0).std;
  }
};

TEST(ComServer, ActivatedEchoObjectAnswersEchoAndAdd) {
  Harness h;
  EXPECT_TRUE(h.server.has_class(echo::kClsid));
  const auto ref = h.activate();
  EXPECT_EQ(ref.oxid, h.oxid.oxid);
  EXPECT_EQ(ref.public_refs, 1u);
  EXPECT_FALSE(ref.no_ping());
  auto e = h.echo(ref.ipid, u"hello, rampart");
  ASSERT_TRUE(e) << std::hex << e.error();
  EXPECT_EQ(e->echoed, std::optional<std::u16string>(u"hello, rampart"));
  EXPECT_EQ(e->return_value, 0);
  const SyntaxId iface{echo::kIid, 0, 0};
  auto sum = h.call<re::Add_response>(iface, 4, ref.ipid, re::Add_request{orpcthis(), 40, 2});
  ASSERT_TRUE(sum);
  EXPECT_EQ(sum->sum, 42);
  auto over = h.call<re::Add_response>(iface, 4, ref.ipid, re::Add_request{orpcthis(), INT32_MAX, 1});
  ASSERT_TRUE(over);
  EXPECT_EQ(static_cast<std::uint32_t>(over->return_value), hr::kInvalidArg);
}

TEST(ComServer, UnknownClassesAndInterfacesAreRefused) {
  Harness h;
  EXPECT_EQ(h.server.create_instance(Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f09"), {echo::kIid}, h.now)
                .error(),
            hr::kClassNotRegistered);
  EXPECT_EQ(h.server.create_instance(echo::kClsid, {Uuid::from_string("00000131-0000-0000-c000-000000000046")}, h.now)
                .error(),
            hr::kNoInterface);
  EXPECT_EQ(h.exporter->object_count(), 0u);
}

TEST(ComServer, RemReleaseOfTheLastReferenceReleasesTheObject) {
  Harness h;
  auto rem = make_rem_unknown_interfaces(
      std::make_shared<RemUnknown>(h.exporter, std::make_shared<OxidResolver>(h.exporter, ResolverPolicy{})), h.exporter);
  h.registry.add(rem.rem_unknown);
  const auto ref = h.activate();
  ASSERT_TRUE(h.echo(ref.ipid, u"x"));
  ru::RemRelease_request rel{orpcthis(), 1, {{to_wire(ref.ipid), 1, 0}}};
  auto r = h.call<ru::RemRelease_response>(rem.rem_unknown->syntax(), 5, h.oxid.ipid_rem_unknown, rel);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->return_value, 0);
  EXPECT_EQ(h.exporter->object_count(), 0u);
  EXPECT_EQ(h.echo(ref.ipid, u"x").error(), hr::kInvalidIpid);
}

TEST(ComServer, AnObjectWhoseClientStopsPingingIsCollected) {
  Harness h;
  const auto pinged = h.activate();
  const auto dropped = h.activate();
  const auto kept = h.activate(/*no_ping=*/true);
  const Oid add[] = {pinged.oid};
  auto set = h.exporter->complex_ping("client", 0, 1, add, {}, h.now);
  ASSERT_TRUE(set);
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(h.exporter->simple_ping(*set, h.now + i * 1s));
  EXPECT_EQ(h.exporter->collect(h.now + 4500ms), 1u);  // three periods (3 s) without a ping
  EXPECT_TRUE(h.echo(pinged.ipid, u"alive"));
  EXPECT_EQ(h.echo(dropped.ipid, u"gone").error(), hr::kInvalidIpid);
  EXPECT_TRUE(h.echo(kept.ipid, u"noping"));  // SORF_NOPING: lives by its references
}

}  // namespace
}  // namespace rampart::dcom
