// Object calls routed by IPID (ObjectRouter) and IRemUnknown(2), through
// the generated dispatchers (sans-I/O).
#include <gtest/gtest.h>

#include "rampart/base/hex.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/object_router.hpp"
#include "rampart/dcom/objref.hpp"
#include "rampart/dcom/rem_unknown.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampart::dcom {
namespace {

namespace ru = spec::remunknown;
using namespace std::chrono_literals;

const Uuid kEchoIid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02");
const Uuid kOtherIid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03");
const runtime::InterfaceDescriptor kEchoDescriptor{SyntaxId{kEchoIid, 0, 0}, "IRampartEcho", 5, {}};

// A target that records the calls it gets and answers with its opnum.
struct Target final : runtime::Interface {
  int calls = 0;
  const SyntaxId& syntax() const noexcept override { return kEchoDescriptor.syntax; }
  std::string_view name() const noexcept override { return "target"; }
  std::uint16_t operation_count() const noexcept override { return 5; }
  void call(const runtime::CallContext& ctx, runtime::Responder r) override {
    ++calls;
    r.respond(runtime::CallOutcome::success({static_cast<std::uint8_t>(ctx.opnum)}));
  }
};

spec::orpc::ORPCTHIS orpcthis(std::uint16_t major = 5, std::uint16_t minor = 7) {
  spec::orpc::ORPCTHIS t;
  t.version = {major, minor};
  return t;
}

struct Harness {
  std::shared_ptr<ObjectExporter> exporter = std::make_shared<ObjectExporter>();
  std::shared_ptr<OxidResolver> resolver = std::make_shared<OxidResolver>(exporter, ResolverPolicy{});
  OxidEntry oxid = exporter->add_oxid();
  std::shared_ptr<Target> target = std::make_shared<Target>();
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};
  int released = 0;
  Oid oid = 0;
  Uuid ipid;

  Harness() {
    peer.local_ipv4 = std::array<std::uint8_t, 4>{127, 0, 0, 1};
    peer.local_endpoint = "135";
    oid = *exporter->export_object(oxid.oxid, false, Clock::now(), [this] { ++released; },
                                   [this](const Uuid& iid) -> std::shared_ptr<void> {
                                     return iid == kOtherIid ? target : nullptr;
                                   });
    ipid = *exporter->add_interface(oid, kEchoIid, target, 1);
  }

  runtime::CallOutcome raw(runtime::Interface& itf, std::uint16_t opnum, std::optional<Uuid> object,
                           std::span<const std::uint8_t> stub) {
    const runtime::CallContext ctx{peer, group, 1, 0, opnum, object, Drep::little(), syntax::kNdr20, stub};
    auto slot = std::make_shared<runtime::Responder::Slot>();
    itf.call(ctx, runtime::Responder(slot));
    return slot->inline_outcome.value_or(runtime::CallOutcome::fault(1));
  }
  template <class Resp, class Req>
  Resp call(runtime::Interface& itf, std::uint16_t opnum, const Req& req) {
    const auto stub = ndr::encode_stub<Req, ndr::Ndr20>(req, Drep::little()).value();
    const auto out = raw(itf, opnum, oxid.ipid_rem_unknown, stub);
    EXPECT_FALSE(out.is_fault()) << std::hex << out.fault_status;
    return ndr::decode_stub<Resp, ndr::Ndr20>(out.stub, Drep::little()).value();
  }
  RemUnknownInterfaces rem() {
    return make_rem_unknown_interfaces(std::make_shared<RemUnknown>(exporter, resolver), exporter);
  }
};

// A stub that holds only ORPCTHIS, as the first [in] value of an ORPC call.
struct OnlyThis {
  spec::orpc::ORPCTHIS t;
  template <ndr::WireFormat F>
  Result<void> encode(ndr::BasicEncoder<F>& e) const {
    RAMPART_CHECK(spec::orpc::ORPCTHIS::encode_scalars(e, t));
    return spec::orpc::ORPCTHIS::encode_buffers(e, t);
  }
};

std::vector<std::uint8_t> orpc_stub(spec::orpc::ORPCTHIS t) {
  return ndr::encode_stub<OnlyThis, ndr::Ndr20>(OnlyThis{std::move(t)}, Drep::little()).value();
}

TEST(ObjectRouter, RoutesByIpidAndRefusesWhatNamesNoObjectOfThisInterface) {
  Harness h;
  ObjectRouter router(kEchoDescriptor, h.exporter);
  const auto stub = orpc_stub(orpcthis());
  const auto ok = h.raw(router, 3, h.ipid, stub);
  ASSERT_FALSE(ok.is_fault());
  EXPECT_EQ(ok.stub, std::vector<std::uint8_t>{3});
  EXPECT_EQ(h.target->calls, 1);
  EXPECT_EQ(h.raw(router, 3, std::nullopt, stub).fault_status, hr::kInvalidIpid);
  EXPECT_EQ(h.raw(router, 3, h.oxid.ipid_rem_unknown, stub).fault_status, hr::kInvalidIpid);
  const auto other = *h.exporter->add_interface(h.oid, kOtherIid, h.target, 1);
  EXPECT_EQ(h.raw(router, 3, other, stub).fault_status, hr::kInvalidIpid);  // not this IID
  EXPECT_EQ(h.target->calls, 1);
}

TEST(ObjectRouter, ComVersionNineNineIsAVersionMismatchBeforeTheObjectRuns) {
  Harness h;
  ObjectRouter router(kEchoDescriptor, h.exporter);
  EXPECT_EQ(h.raw(router, 3, h.ipid, orpc_stub(orpcthis(9, 9))).fault_status, hr::kVersionMismatch);
  EXPECT_EQ(h.raw(router, 3, h.ipid, orpc_stub(orpcthis(5, 0))).fault_status, hr::kVersionMismatch);
  EXPECT_EQ(h.target->calls, 0);
  // ORPCTHIS with an extensions pointer whose array is cut off: the
  // target's own stub decoder answers it (bad stub data there).
  auto t = orpcthis();
  t.extensions = spec::orpc::ORPC_EXTENT_ARRAY{};
  auto cut = orpc_stub(t);
  cut.resize(cut.size() - 4);
  EXPECT_FALSE(h.raw(router, 3, h.ipid, cut).is_fault());
  EXPECT_EQ(h.target->calls, 1);
}

TEST(RemUnknown, QueryInterfaceAddsReferencesAndMakesNewIpidsThroughTheObject) {
  Harness h;
  auto rem = h.rem();
  ru::RemQueryInterface_request q{orpcthis(), to_wire(h.ipid), 2, 3, {to_wire(kEchoIid), to_wire(kOtherIid),
                                                                     to_wire(Uuid::from_string("00000000-0000-0000-0000-0000000000aa"))}};
  const auto r = h.call<ru::RemQueryInterface_response>(*rem.rem_unknown, 3, q);
  EXPECT_EQ(r.return_value, 0);
  ASSERT_TRUE(r.ppQIResults);
  ASSERT_EQ(r.ppQIResults->size(), 3u);
  EXPECT_EQ((*r.ppQIResults)[0].hResult, 0);
  EXPECT_EQ(from_wire((*r.ppQIResults)[0].std.ipid), h.ipid);
  EXPECT_EQ((*r.ppQIResults)[0].std.cPublicRefs, 2u);
  EXPECT_EQ((*r.ppQIResults)[0].std.oxid, h.oxid.oxid);
  EXPECT_EQ((*r.ppQIResults)[1].hResult, 0);
  const Uuid made = from_wire((*r.ppQIResults)[1].std.ipid);
  EXPECT_EQ(h.exporter->find_ipid(made)->iid, kOtherIid);
  EXPECT_EQ(static_cast<std::uint32_t>((*r.ppQIResults)[2].hResult), hr::kNoInterface);
  EXPECT_EQ(h.exporter->find_ipid(h.ipid)->public_refs, 3u);

  // Releasing every reference releases the object.
  ru::RemRelease_request rel{orpcthis(), 2, {{to_wire(h.ipid), 3, 0}, {to_wire(made), 2, 0}}};
  EXPECT_EQ(h.call<ru::RemRelease_response>(*rem.rem_unknown, 5, rel).return_value, 0);
  EXPECT_EQ(h.released, 1);
  EXPECT_FALSE(h.exporter->holds_object(h.oid));
}

TEST(RemUnknown, BadReferencesAreInvalidArgAndChangeNothing) {
  Harness h;
  auto rem = h.rem();
  ru::RemRelease_request over{orpcthis(), 1, {{to_wire(h.ipid), 5, 0}}};
  EXPECT_EQ(static_cast<std::uint32_t>(h.call<ru::RemRelease_response>(*rem.rem_unknown, 5, over).return_value),
            hr::kInvalidArg);
  EXPECT_TRUE(h.exporter->holds_object(h.oid));
  ru::RemAddRef_request add{orpcthis(), 2, {{to_wire(h.ipid), 1, 0}, {to_wire(Uuid{}), 1, 0}}};
  const auto a = h.call<ru::RemAddRef_response>(*rem.rem_unknown2, 4, add);  // base opnum on IRemUnknown2
  ASSERT_EQ(a.pResults.size(), 2u);
  EXPECT_EQ(a.pResults[0], 0);
  EXPECT_EQ(static_cast<std::uint32_t>(a.pResults[1]), hr::kInvalidArg);
  // A ripid of another exporter is refused as a whole.
  const auto other = h.exporter->add_oxid();
  const auto foreign_oid = *h.exporter->export_object(other.oxid, false, Clock::now());
  const auto foreign = *h.exporter->add_interface(foreign_oid, kEchoIid, h.target, 1);
  ru::RemQueryInterface_request q{orpcthis(), to_wire(foreign), 1, 1, {to_wire(kEchoIid)}};
  EXPECT_EQ(static_cast<std::uint32_t>(h.call<ru::RemQueryInterface_response>(*rem.rem_unknown, 3, q).return_value),
            hr::kInvalidArg);
}

TEST(RemUnknown, CallsMustNameTheRemUnknownIpidAndAUsableVersion) {
  Harness h;
  auto rem = h.rem();
  ru::RemRelease_request rel{orpcthis(), 0, {}};
  const auto stub = ndr::encode_stub<ru::RemRelease_request, ndr::Ndr20>(rel, Drep::little()).value();
  EXPECT_EQ(h.raw(*rem.rem_unknown, 5, h.ipid, stub).fault_status, hr::kInvalidIpid);
  EXPECT_EQ(h.raw(*rem.rem_unknown, 5, std::nullopt, stub).fault_status, hr::kInvalidIpid);
  rel.orpcthis.version = {9, 9};
  const auto v99 = ndr::encode_stub<ru::RemRelease_request, ndr::Ndr20>(rel, Drep::little()).value();
  EXPECT_EQ(h.raw(*rem.rem_unknown, 5, h.oxid.ipid_rem_unknown, v99).fault_status, hr::kVersionMismatch);
  // IRemUnknown's context has no opnum 6.
  ru::RemQueryInterface2_request q2{orpcthis(), to_wire(h.ipid), 1, {to_wire(kEchoIid)}};
  const auto s2 = ndr::encode_stub<ru::RemQueryInterface2_request, ndr::Ndr20>(q2, Drep::little()).value();
  EXPECT_TRUE(h.raw(*rem.rem_unknown, 6, h.oxid.ipid_rem_unknown, s2).is_fault());
}

TEST(RemUnknown, QueryInterface2ReturnsStandardObjrefsWithTheExportersAddress) {
  Harness h;
  auto rem = h.rem();
  ru::RemQueryInterface2_request q{orpcthis(), to_wire(h.ipid), 2, {to_wire(kOtherIid), to_wire(Uuid{})}};
  const auto r = h.call<ru::RemQueryInterface2_response>(*rem.rem_unknown2, 6, q);
  ASSERT_EQ(r.phr.size(), 2u);
  EXPECT_EQ(r.phr[0], 0);
  EXPECT_EQ(static_cast<std::uint32_t>(r.phr[1]), hr::kNoInterface);
  ASSERT_TRUE(r.ppMIF[0]);
  EXPECT_FALSE(r.ppMIF[1]);
  auto o = ObjRef::decode(r.ppMIF[0]->abData);
  ASSERT_TRUE(o) << o.error().to_string();
  EXPECT_EQ(o->iid, kOtherIid);
  const auto& s = std::get<ObjRefStandard>(o->form);
  EXPECT_EQ(s.std.oxid, h.oxid.oxid);
  EXPECT_EQ(s.std.public_refs, 1u);
  EXPECT_EQ(s.resolver_address.strings.at(0).network_addr, u"127.0.0.1");
}

}  // namespace
}  // namespace rampart::dcom
