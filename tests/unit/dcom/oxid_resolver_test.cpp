// IObjectExporter through the generated dispatcher (sans-I/O): what
// ServerAlive2 and ResolveOxid2 disclose, ping sets and their bounds,
// garbage collection on a shortened clock, and stubs that lie.
#include <gtest/gtest.h>

#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "rampart/base/hex.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampart::dcom {
namespace {

using namespace std::chrono_literals;
namespace so = spec::oxid;

struct Harness {
  ExporterLimits limits = [] {
    ExporterLimits l;
    l.ping_period = 2s;
    l.max_sets_per_client = 2;
    l.max_oids_per_set = 64;
    return l;
  }();
  Clock::time_point now = Clock::time_point{} + 100s;
  std::shared_ptr<ObjectExporter> exporter = std::make_shared<ObjectExporter>(limits);
  ResolverPolicy policy = [] {
    ResolverPolicy p;
    p.listening_addresses = {"0.0.0.0", "192.0.2.7", "127.0.0.1"};
    return p;
  }();
  std::shared_ptr<OxidResolver> resolver;
  std::shared_ptr<runtime::Interface> itf;
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};

  explicit Harness(Disclosure d = Disclosure::listening) {
    policy.disclosure = d;
    resolver = std::make_shared<OxidResolver>(exporter, policy, [this] { return now; });
    itf = make_oxid_resolver_interface(resolver, limits);
    peer.source_key = "198.51.100.9";
    peer.local_endpoint = "135";
    peer.local_ipv4 = std::array<std::uint8_t, 4>{127, 0, 0, 1};
  }

  runtime::CallOutcome raw(std::uint16_t opnum, std::span<const std::uint8_t> stub) {
    const runtime::CallContext ctx{peer, group, 1, 0, opnum, std::nullopt, Drep::little(), syntax::kNdr20, stub};
    auto slot = std::make_shared<runtime::Responder::Slot>();
    itf->call(ctx, runtime::Responder(slot));
    return slot->inline_outcome.value_or(runtime::CallOutcome::fault(1));
  }
  template <class Resp, class Req>
  Resp call(std::uint16_t opnum, const Req& req) {
    const auto stub = ndr::encode_stub<Req, ndr::Ndr20>(req, Drep::little()).value();
    const auto out = raw(opnum, stub);
    EXPECT_FALSE(out.is_fault()) << std::hex << out.fault_status;
    return ndr::decode_stub<Resp, ndr::Ndr20>(out.stub, Drep::little()).value();
  }
  so::ComplexPing_response ping(std::uint64_t set, std::vector<std::uint64_t> add = {}, std::vector<std::uint64_t> del = {}) {
    so::ComplexPing_request r{set, 1, static_cast<std::uint16_t>(add.size()), static_cast<std::uint16_t>(del.size()),
                              add.empty() ? std::nullopt : std::optional(add), del.empty() ? std::nullopt : std::optional(del)};
    return call<so::ComplexPing_response>(2, r);
  }
};

TEST(OxidResolver, ServerAlive2DisclosesOnlyListeningAddressesAndANamedPrincipal) {
  Harness h;
  const auto r = h.call<so::ServerAlive2_response>(5, so::ServerAlive2_request{});
  EXPECT_EQ(r.return_value, 0u);
  EXPECT_EQ(r.pComVersion.MajorVersion, 5);
  EXPECT_EQ(r.pComVersion.MinorVersion, 7);
  ASSERT_TRUE(r.ppdsaOrBindings);
  auto d = from_wire(*r.ppdsaOrBindings);
  ASSERT_TRUE(d) << d.error().to_string();
  ASSERT_EQ(d->strings.size(), 2u);  // the connection's address, then 192.0.2.7; no wildcard
  EXPECT_EQ(d->strings[0].network_addr, u"127.0.0.1");
  EXPECT_EQ(d->strings[1].network_addr, u"192.0.2.7");
  ASSERT_EQ(d->security.size(), 1u);
  EXPECT_EQ(d->security[0].authn_svc, 0x0a);
  EXPECT_EQ(d->security[0].princ_name, u"rampart");

  Harness c(Disclosure::connection);
  const auto only = from_wire(*c.call<so::ServerAlive2_response>(5, so::ServerAlive2_request{}).ppdsaOrBindings);
  ASSERT_EQ(only->strings.size(), 1u);
  EXPECT_EQ(only->strings[0].network_addr, u"127.0.0.1");
}

TEST(OxidResolver, EmptyPrincipalIsNeverSent) {
  Harness h;
  h.policy.principal = "";
  OxidResolver r(h.exporter, h.policy);
  EXPECT_EQ(r.resolver_bindings(h.peer).security.at(0).princ_name, u"rampart");
}

TEST(OxidResolver, ResolveOxid2AnswersKnownOxidsWithTheExportersEndpoint) {
  Harness h;
  const auto oxid = h.exporter->add_oxid();
  const auto r = h.call<so::ResolveOxid2_response>(4, so::ResolveOxid2_request{oxid.oxid, 1, {7}});
  EXPECT_EQ(r.return_value, 0u);
  EXPECT_EQ(r.pAuthnHint, 5u);  // packet integrity, the activation floor
  EXPECT_EQ(from_wire(r.pipidRemUnknown), oxid.ipid_rem_unknown);
  auto d = from_wire(*r.ppdsaOxidBindings);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->strings.at(0).network_addr, u"127.0.0.1[135]");
  EXPECT_EQ(d->strings.at(0).tower_id, 7);

  const auto unknown = h.call<so::ResolveOxid2_response>(4, so::ResolveOxid2_request{oxid.oxid ^ 1, 1, {7}});
  EXPECT_EQ(unknown.return_value, hr::kOrInvalidOxid);
  EXPECT_FALSE(unknown.ppdsaOxidBindings);
  const auto v1 = h.call<so::ResolveOxid_response>(0, so::ResolveOxid_request{oxid.oxid, 1, {7}});
  EXPECT_EQ(v1.return_value, 0u);
}

TEST(OxidResolver, PingSetsAreBoundedPerClientAndExpire) {
  Harness h;
  const auto a = h.ping(0);
  ASSERT_EQ(a.return_value, 0u);
  ASSERT_NE(a.pSetId, 0u);
  EXPECT_EQ(h.ping(a.pSetId).return_value, 0u);
  EXPECT_EQ(h.call<so::SimplePing_response>(1, so::SimplePing_request{a.pSetId}).return_value, 0u);
  EXPECT_EQ(h.ping(0).return_value, 0u);
  const auto over = h.ping(0);
  EXPECT_EQ(over.return_value, hr::kOutOfMemory);
  EXPECT_EQ(over.pSetId, 0u);
  EXPECT_EQ(h.call<so::ServerAlive_response>(3, so::ServerAlive_request{}).return_value, 0u);
  h.now += 6s;  // period 2 s x 3
  EXPECT_EQ(h.call<so::SimplePing_response>(1, so::SimplePing_request{a.pSetId}).return_value, hr::kOrInvalidSet);
  EXPECT_EQ(h.ping(0).return_value, 0u);  // the client's sets expired; it may make new ones
}

TEST(OxidResolver, UnpingedObjectIsCollectedAndPingedOneKept) {
  Harness h;
  const auto oxid = h.exporter->add_oxid();
  int released = 0;
  const auto kept = *h.exporter->export_object(oxid.oxid, false, h.now, [&] { ++released; });
  const auto dropped = *h.exporter->export_object(oxid.oxid, false, h.now, [&] { ++released; });
  const auto set = h.ping(0, {kept}).pSetId;
  for (int i = 0; i < 5; ++i) {
    h.now += 2s;
    EXPECT_EQ(h.ping(set).return_value, 0u);
  }
  EXPECT_EQ(released, 1);
  EXPECT_TRUE(h.exporter->holds_object(kept));
  EXPECT_FALSE(h.exporter->holds_object(dropped));
  h.now += 7s;
  EXPECT_EQ(h.resolver->collect(), 1u);
  EXPECT_EQ(released, 2);
}

TEST(OxidResolver, ComplexPingArraysAboveTheOidLimitAreBadStubData) {
  Harness h;
  const std::vector<std::uint64_t> many(65535, 1);
  so::ComplexPing_request r{0, 1, 65535, 0, many, std::nullopt};
  const auto stub = ndr::encode_stub<so::ComplexPing_request, ndr::Ndr20>(r, Drep::little()).value();
  const auto out = h.raw(2, stub);
  EXPECT_TRUE(out.is_fault());
  EXPECT_EQ(out.fault_status, 0x6f7u);
  EXPECT_EQ(h.exporter->set_count(), 0u);
  // A stub cut short faults the same way, and the service goes on.
  const std::vector<std::uint8_t> cut(stub.begin(), stub.begin() + 10);
  EXPECT_EQ(h.raw(2, cut).fault_status, 0x6f7u);
  EXPECT_EQ(h.ping(0).return_value, 0u);
}

TEST(OxidResolver, ComplexPingDecodesImpacketsStub) {
  // Impacket 0.10.0's ComplexPing(0, 0, [0x1234], []): the OID arrays are
  // [unique] pointers, each referent right after its own pointer.
  Harness h;
  const auto stub = *parse_hex(
      "0000000000000000 0000 0100 0000 aaaa f7440000 01000000 3412000000000000 00000000");
  const auto out = h.raw(2, stub);
  ASSERT_FALSE(out.is_fault()) << std::hex << out.fault_status;
  const auto r = ndr::decode_stub<so::ComplexPing_response, ndr::Ndr20>(out.stub, Drep::little()).value();
  EXPECT_EQ(r.return_value, 0u);
  EXPECT_NE(r.pSetId, 0u);
}

}  // namespace
}  // namespace rampart::dcom
