// ClientAssociation against a real server Association (each one's output
// fed to the other), and against hostile server bytes (docs/hardening.md "Client side" in
// mirror image: every lie is a ProtocolError, never a crash or a hang).
#include <numeric>

#include "unit/runtime/client_association_fixture.hpp"

namespace rampart::runtime::testing {
namespace {

using pdu::PType;

std::vector<std::uint8_t> bytes_of(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  std::iota(v.begin(), v.end(), std::uint8_t{1});
  return v;
}

TEST(ClientAssociation, BindsAndCallsTheRealServer) {
  ClientHarness h;
  const auto bound = h.bind();
  ASSERT_EQ(bound.results.size(), 1u);
  EXPECT_TRUE(bound.results[0].accepted());
  EXPECT_TRUE(bound.conc_mpx);
  EXPECT_EQ(bound.max_xmit_frag, 5840);
  EXPECT_EQ(bound.secondary_address, "135");
  EXPECT_EQ(h.client.state(), ClientAssociation::State::bound);

  const std::vector<std::uint8_t> stub{1, 2, 3};
  Output out;
  auto id = h.client.begin_call({std::nullopt, 0, 0, std::nullopt, stub}, out);
  ASSERT_TRUE(id);
  auto* done = only_event<ev::CallCompleted>(h.exchange(out));
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->call_id, *id);
  EXPECT_EQ(done->stub, (std::vector<std::uint8_t>{3, 2, 1}));
  EXPECT_EQ(h.client.pending_calls(), 0u);
}

TEST(ClientAssociation, FragmentsRequestsAndReassemblesResponses) {
  ClientHarness h;
  (void)h.bind();
  const auto stub = bytes_of(20000);
  Output out;
  ASSERT_TRUE(h.client.begin_call({std::nullopt, 0, 0, Uuid::from_string("11111111-2222-3333-4444-555555555555"), stub}, out));
  const auto sent = h.sent_pdus(out);
  EXPECT_EQ(sent.size(), 4u);  // 5840-octet fragments, each checked by sent_pdus
  EXPECT_TRUE(sent.front().header.is_first_frag());
  EXPECT_TRUE(sent.back().header.is_last_frag());
  auto* done = only_event<ev::CallCompleted>(h.exchange(out));
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->stub, std::vector<std::uint8_t>(stub.rbegin(), stub.rend()));
  EXPECT_TRUE(h.server.echo->last_object.has_value());
}

TEST(ClientAssociation, SplitAtEveryByteGivesTheSameEvents) {
  ClientHarness h;
  (void)h.bind();
  const auto stub = bytes_of(9000);
  Output out;
  ASSERT_TRUE(h.client.begin_call({std::nullopt, 0, 0, std::nullopt, stub}, out));
  Output reply;
  h.server.assoc->on_bytes(out.send, reply);
  std::vector<ClientEvent> events;
  for (auto b : reply.send) h.client.on_bytes(std::span(&b, 1), events);
  auto* done = only_event<ev::CallCompleted>(events);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->stub.size(), 9000u);
}

TEST(ClientAssociation, SeveralContextsAndAlterContext) {
  ClientHarness h;
  const SyntaxId unknown{Uuid::from_string("99999999-1234-abcd-ef00-0123456789ab"), 1, 0};
  const auto bound = h.bind(true, {{0, kEchoSyntax, {syntax::kNdr20}}, {1, unknown, {syntax::kNdr20}}});
  ASSERT_EQ(bound.results.size(), 2u);
  EXPECT_TRUE(bound.results[0].accepted());
  EXPECT_FALSE(bound.results[1].accepted());

  Output out;
  const std::vector<std::uint8_t> stub{7};
  auto refused = h.client.begin_call({std::nullopt, 1, 0, std::nullopt, stub}, out);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ClientErrc::unknown_context));

  std::vector<ClientContext> more{{h.client.next_context_id(), kEchoSyntax, {syntax::kNdr64, syntax::kNdr20}}};
  EXPECT_EQ(more[0].context_id, 2);
  ASSERT_TRUE(h.client.begin_alter(more, out));
  EXPECT_FALSE(h.client.begin_alter(more, out));  // one at a time
  auto* altered = only_event<ev::Altered>(h.exchange(out));
  ASSERT_NE(altered, nullptr);
  ASSERT_EQ(altered->results.size(), 1u);
  EXPECT_TRUE(altered->results[0].accepted());

  Output call;
  ASSERT_TRUE(h.client.begin_call({std::nullopt, 2, 0, std::nullopt, stub}, call));
  EXPECT_NE(only_event<ev::CallCompleted>(h.exchange(call)), nullptr);
}

TEST(ClientAssociation, ConcurrentCallsUnderConcMpx) {
  ClientHarness h;
  ASSERT_TRUE(h.bind(true).conc_mpx);
  Output out;
  const std::vector<std::uint8_t> a{1}, b{2};
  auto first = h.client.begin_call({std::nullopt, 0, 1, std::nullopt, a}, out);
  auto second = h.client.begin_call({std::nullopt, 0, 1, std::nullopt, b}, out);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(h.exchange(out).empty());
  ASSERT_EQ(h.server.echo->later.size(), 2u);
  h.server.echo->later[1].respond(CallOutcome::success({0xbb}));
  h.server.echo->later[0].respond(CallOutcome::success({0xaa}));
  auto events = h.run_posted();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<ev::CallCompleted>(events[0]).call_id, *second);
  EXPECT_EQ(std::get<ev::CallCompleted>(events[1]).call_id, *first);
}

TEST(ClientAssociation, OneCallAtATimeWithoutConcMpx) {
  ClientHarness h;
  EXPECT_FALSE(h.bind(false).conc_mpx);
  Output out;
  const std::vector<std::uint8_t> a{1};
  ASSERT_TRUE(h.client.begin_call({std::nullopt, 0, 1, std::nullopt, a}, out));
  auto again = h.client.begin_call({std::nullopt, 0, 1, std::nullopt, a}, out);
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().is(ClientErrc::too_many_calls));
}

TEST(ClientAssociation, FaultCompletesTheCall) {
  ClientHarness h;
  (void)h.bind();
  Output out;
  const std::vector<std::uint8_t> a{1};
  auto id = h.client.begin_call({std::nullopt, 0, 2, std::nullopt, a}, out);
  auto* f = only_event<ev::CallFaulted>(h.exchange(out));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->call_id, *id);
  EXPECT_EQ(f->status, pdu::status::kRpcBadStubData);
  EXPECT_EQ(h.client.pending_calls(), 0u);
}

TEST(ClientAssociation, OrphanDropsTheLateAnswer) {
  ClientHarness h;
  (void)h.bind();
  Output out;
  const std::vector<std::uint8_t> a{1};
  auto id = h.client.begin_call({std::nullopt, 0, 1, std::nullopt, a}, out);
  (void)h.exchange(out);
  Output cancel;
  ASSERT_TRUE(h.client.cancel(*id, true, cancel));
  auto pdus = h.sent_pdus(cancel);
  ASSERT_EQ(pdus.size(), 1u);
  EXPECT_EQ(pdus[0].ptype(), PType::orphaned);
  EXPECT_EQ(pdus[0].header.call_id, *id);
  EXPECT_FALSE(h.client.cancel(*id, true, cancel));
  EXPECT_TRUE(h.exchange(cancel).empty());
  // Even if the server answers anyway, the late answer is dropped silently.
  EXPECT_TRUE(h.from_server(response(*id, a)).empty());
  EXPECT_EQ(h.client.state(), ClientAssociation::State::bound);
}

TEST(ClientAssociation, CoCancelKeepsTheCallPending) {
  ClientHarness h;
  (void)h.bind();
  Output out;
  const std::vector<std::uint8_t> a{1};
  auto id = h.client.begin_call({std::nullopt, 0, 1, std::nullopt, a}, out);
  (void)h.exchange(out);
  Output cancel;
  ASSERT_TRUE(h.client.cancel(*id, false, cancel));
  EXPECT_EQ(h.sent_pdus(cancel).at(0).ptype(), PType::co_cancel);
  EXPECT_EQ(h.client.pending_calls(), 1u);
  h.server.echo->later.front().respond(CallOutcome::success({5}));
  EXPECT_NE(only_event<ev::CallCompleted>(h.run_posted()), nullptr);
}

TEST(ClientAssociation, BindNakRefuses) {
  ClientHarness h;
  auto nak = pdu::testing::make_pdu(PType::bind_nak, pdu::BindNak{pdu::RejectReason::temporary_congestion, {{5, 0}}, {}});
  nak.header.call_id = 1;
  Output out;
  ASSERT_TRUE(h.client.begin_bind(std::vector<ClientContext>{{0, kEchoSyntax, {syntax::kNdr20}}}, out));
  auto* r = only_event<ev::BindRefused>(h.from_server(nak));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->reason, pdu::RejectReason::temporary_congestion);
  EXPECT_EQ(h.client.state(), ClientAssociation::State::closed);
}

TEST(ClientAssociation, CallerMistakesAreErrors) {
  ClientAssociation c;
  Output out;
  const std::vector<std::uint8_t> a{1};
  EXPECT_TRUE(c.begin_call({std::nullopt, 0, 0, std::nullopt, a}, out).error().is(ClientErrc::not_connected));
  EXPECT_TRUE(c.begin_alter(std::vector<ClientContext>{{0, kEchoSyntax}}, out).error().is(ClientErrc::wrong_state));
  EXPECT_FALSE(c.begin_bind(std::vector<ClientContext>{}, out));
  EXPECT_FALSE(c.begin_bind(std::vector<ClientContext>{{3, kEchoSyntax}, {3, kEchoSyntax}}, out));
  EXPECT_TRUE(out.send.empty());
}

// --- hostile servers -------------------------------------------------------

TEST(ClientHostile, BindAckForAnotherCallId) {
  ClientHarness h;
  EXPECT_TRUE(protocol_error_is(h.bind_scripted(bind_ack({accept_ndr20()}, 9)), ClientErrc::bind_call_id_mismatch));
  EXPECT_EQ(h.client.state(), ClientAssociation::State::closed);
}

TEST(ClientHostile, BindAckWithMoreResultsThanContexts) {
  ClientHarness h;
  EXPECT_TRUE(protocol_error_is(h.bind_scripted(bind_ack({accept_ndr20(), accept_ndr20()})),
                                ClientErrc::result_count_mismatch));
}

TEST(ClientHostile, BindAckWithFewerResultsThanContexts) {
  ClientHarness h;
  EXPECT_TRUE(protocol_error_is(h.bind_scripted(bind_ack({accept_ndr20()}), 2), ClientErrc::result_count_mismatch));
}

TEST(ClientHostile, BindAckAcceptingASyntaxNotOffered) {
  ClientHarness h;
  EXPECT_TRUE(protocol_error_is(h.bind_scripted(bind_ack({{pdu::ContextResult::acceptance, 0, syntax::kNdr64}})),
                                ClientErrc::bad_context_result));
}

TEST(ClientHostile, BindAckNegotiateAckNotAskedFor) {
  ClientHarness h;
  EXPECT_TRUE(protocol_error_is(h.bind_scripted(bind_ack({{pdu::ContextResult::negotiate_ack, 3, SyntaxId{}}})),
                                ClientErrc::bad_context_result));
}

TEST(ClientHostile, BindAckSizesAboveTheOffer) {
  ClientHarness h;
  EXPECT_TRUE(protocol_error_is(h.bind_scripted(bind_ack({accept_ndr20()}, 1, 8192, 4280)),
                                ClientErrc::bad_negotiated_size));
}

TEST(ClientHostile, BindAckSizesBelowMustRecvFragSize) {
  ClientHarness h;
  EXPECT_TRUE(protocol_error_is(h.bind_scripted(bind_ack({accept_ndr20()}, 1, 4280, 1024)),
                                ClientErrc::bad_negotiated_size));
}

TEST(ClientHostile, ResponseWhileBinding) {
  ClientHarness h;
  const std::vector<std::uint8_t> a{1};
  EXPECT_TRUE(protocol_error_is(h.bind_scripted(response(1, a)), ClientErrc::unexpected_pdu));
}

TEST(ClientHostile, ServerSpeaksFirst) {
  ClientHarness h;
  EXPECT_TRUE(protocol_error_is(h.from_server(bind_ack({accept_ndr20()})), ClientErrc::unexpected_pdu));
}

struct BoundHostile : ::testing::Test {
  void SetUp() override {
    auto events = h.bind_scripted(bind_ack({accept_ndr20()}, 1, 4280, 4280, pdu::pfc::kFirstLast | pdu::pfc::kConcMpx));
    ASSERT_NE(only_event<ev::Bound>(events), nullptr);
    Output out;
    call_id = *h.client.begin_call({std::nullopt, 0, 0, std::nullopt, stub}, out);
  }
  explicit BoundHostile(ClientLimits limits = {}) : h(limits) {}
  ClientHarness h;
  std::vector<std::uint8_t> stub{1, 2, 3, 4, 5, 6, 7, 8};
  std::uint32_t call_id = 0;
};

TEST_F(BoundHostile, ResponseForAnUnknownCallId) {
  EXPECT_TRUE(protocol_error_is(h.from_server(response(call_id + 40, stub)), ClientErrc::unknown_call_id));
}

TEST_F(BoundHostile, ResponseForAnotherContext) {
  EXPECT_TRUE(protocol_error_is(h.from_server(response(call_id, stub, pdu::pfc::kFirstLast, 7)),
                                ClientErrc::context_mismatch));
}

TEST_F(BoundHostile, FragmentChangesDrep) {
  EXPECT_TRUE(h.from_server(response(call_id, stub, pdu::pfc::kFirstFrag)).empty());
  EXPECT_TRUE(protocol_error_is(h.from_server(response(call_id, stub, pdu::pfc::kLastFrag, 0, Drep::big())),
                                FragErrc::drep_mismatch));
}

TEST_F(BoundHostile, MiddleFragmentWithoutAFirst) {
  EXPECT_TRUE(protocol_error_is(h.from_server(response(call_id, stub, 0)), FragErrc::unexpected_fragment));
}

TEST_F(BoundHostile, FragmentAboveTheNegotiatedSize) {
  const auto big = bytes_of(5000);  // 5024 octets > 4280 negotiated
  EXPECT_TRUE(protocol_error_is(h.from_server(response(call_id, big)), pdu::Errc::frag_length_too_large));
}

TEST_F(BoundHostile, NeverEndingFragmentsHitTheCap) {
  auto events = h.from_server(response(call_id, stub, pdu::pfc::kFirstFrag));
  for (int i = 0; i < 5000 && events.empty(); ++i) events = h.from_server(response(call_id, stub, 0));
  EXPECT_TRUE(protocol_error_is(events, FragErrc::too_many_fragments));
}

TEST_F(BoundHostile, FaultWithStatusZero) {
  auto f = pdu::testing::make_pdu(PType::fault, pdu::Fault{0, 0, 0, 0, 0, 0, {}});
  f.header.call_id = call_id;
  EXPECT_TRUE(protocol_error_is(h.from_server(f), ClientErrc::unexpected_pdu));
}

TEST_F(BoundHostile, FaultForNoCall) {
  auto f = pdu::testing::make_pdu(PType::fault, pdu::Fault{0, 0, 0, 0, pdu::status::kNcaProtoError, 0, {}});
  EXPECT_TRUE(protocol_error_is(h.from_server(f), ClientErrc::unknown_call_id));
}

TEST_F(BoundHostile, ClientOnlyPTypes) {
  auto req = pdu::testing::make_pdu(PType::request, pdu::Request{0, 0, 0, std::nullopt, {}});
  req.header.call_id = call_id;
  EXPECT_TRUE(protocol_error_is(h.from_server(req), ClientErrc::unexpected_pdu));
}

TEST_F(BoundHostile, UnsolicitedAlterContextResp) {
  auto p = bind_ack({accept_ndr20()}, 1);
  p.header.ptype = PType::alter_context_resp;
  p.body = pdu::AlterContextResp{*p.as<pdu::BindAck>()};
  EXPECT_TRUE(protocol_error_is(h.from_server(p), ClientErrc::unexpected_pdu));
}

TEST_F(BoundHostile, GarbageHeaderEndsTheStream) {
  std::vector<std::uint8_t> junk(16, 0xff);
  EXPECT_TRUE(protocol_error_is(h.from_server(junk), pdu::Errc::bad_rpc_version));
  EXPECT_TRUE(h.from_server(response(call_id, stub)).empty());  // closed: ignored
}

TEST_F(BoundHostile, TruncatedPduWaits) {
  auto bytes = pdu::encode(response(call_id, stub));
  bytes.resize(bytes.size() - 3);
  EXPECT_TRUE(h.from_server(bytes).empty());
  EXPECT_TRUE(h.client.mid_pdu());  // the transport's timeout applies now
}

TEST_F(BoundHostile, ShutdownIsReported) {
  auto p = pdu::testing::make_pdu(PType::shutdown, pdu::Shutdown{});
  EXPECT_NE(only_event<ev::ShutdownRequested>(h.from_server(p)), nullptr);
}

struct SmallStubCap : BoundHostile {
  static ClientLimits limits() {
    ClientLimits l;
    l.fragments.max_stub = 8192;
    return l;
  }
  SmallStubCap() : BoundHostile(limits()) {}
};

TEST_F(SmallStubCap, ReassembledStubAboveTheCap) {
  const auto chunk = bytes_of(4000);
  auto events = h.from_server(response(call_id, chunk, pdu::pfc::kFirstFrag));
  for (int i = 0; i < 3 && events.empty(); ++i) events = h.from_server(response(call_id, chunk, 0));
  EXPECT_TRUE(protocol_error_is(events, FragErrc::stub_too_large));
}

}  // namespace
}  // namespace rampart::runtime::testing
