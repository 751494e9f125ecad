#include "association_fixture.hpp"

namespace rampart::runtime {
namespace {

using namespace testing;
using pdu::PType;
namespace status = pdu::status;

const std::vector<std::uint8_t> kStub = {1, 2, 3, 4, 5, 6, 7, 8};

TEST(AssociationCall, EchoAnswersInline) {
  Harness h;
  h.bind_echo();
  auto sent = h.send(h.request(0, kStub, 9));
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].ptype(), PType::response);
  EXPECT_EQ(sent[0].header.call_id, 9u);
  const auto& stub = sent[0].as<pdu::Response>()->stub;
  EXPECT_TRUE(std::ranges::equal(stub, std::vector<std::uint8_t>(kStub.rbegin(), kStub.rend())));
  EXPECT_EQ(h.core.stats.calls_in.load(), 1u);
  EXPECT_EQ(h.core.stats.calls_out.load(), 1u);
}

TEST(AssociationCall, ObjectUuidReachesTheHandler) {
  Harness h;
  h.bind_echo();
  const Uuid object = Uuid::from_string("00000000-0000-0000-c000-000000000046");
  auto p = h.request(0, kStub);
  p.header.pfc_flags |= pdu::pfc::kObjectUuid;
  p.as<pdu::Request>()->object = object;
  h.send(p);
  EXPECT_EQ(h.echo->last_object, object);
}

TEST(AssociationCall, LargeResponsesAreFragmentedToTheNegotiatedSize) {
  Harness h;
  h.bind_echo(nullptr, 2048);
  std::vector<std::uint8_t> big(20000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  std::vector<std::uint8_t> request_bytes;
  fragment(h.request(0, big), 2048, request_bytes);
  auto sent = h.feed(request_bytes);
  ASSERT_GT(sent.size(), 9u);
  std::vector<std::uint8_t> joined;
  for (const auto& p : sent) {
    EXPECT_LE(p.header.frag_length, 2048);
    const auto& s = p.as<pdu::Response>()->stub;
    joined.insert(joined.end(), s.begin(), s.end());
  }
  EXPECT_TRUE(std::ranges::equal(joined, std::vector<std::uint8_t>(big.rbegin(), big.rend())));
}

TEST(AssociationCall, UnknownContextFaultsAndTheConnectionStays) {
  Harness h;
  h.bind_echo();
  auto sent = h.send(h.request(0, kStub, 3, 7));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), status::kNcaUnknownInterface);
  EXPECT_TRUE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
  EXPECT_FALSE(h.closed);
  EXPECT_EQ(h.send(h.request(0, kStub, 4)).at(0).ptype(), PType::response);
}

TEST(AssociationCall, OpnumOutOfRangeFaults) {
  Harness h;
  h.bind_echo();
  auto sent = h.send(h.request(9, kStub));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), status::kNcaOpRangeError);
  EXPECT_TRUE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
  EXPECT_FALSE(h.closed);
}

TEST(AssociationCall, HandlerFaultsAndExceptionsBecomeFaults) {
  Harness h;
  h.bind_echo();
  EXPECT_EQ(fault_status(h.send(h.request(2, kStub, 3)).at(0)), status::kRpcBadStubData);
  EXPECT_EQ(fault_status(h.send(h.request(3, kStub, 4)).at(0)), status::kRpcCallFailed);
  EXPECT_FALSE(h.closed);
  EXPECT_EQ(h.send(h.request(0, kStub, 5)).at(0).ptype(), PType::response);
}

TEST(AssociationCall, LocalityIsCheckedBeforeTheHandlerRuns) {
  Harness h;
  h.echo->refuse_tcp_opnum2 = true;
  h.bind_echo();
  auto sent = h.send(h.request(2, kStub));
  EXPECT_EQ(fault_status(sent.at(0)), status::kAccessDenied);
}

TEST(AssociationCall, UnregisteredInterfaceFaultsWithUnknownInterface) {
  Harness h;
  h.bind_echo();
  h.core.interfaces.remove(kEchoSyntax);
  EXPECT_EQ(fault_status(h.send(h.request(0, kStub)).at(0)), status::kNcaUnknownInterface);
}

TEST(AssociationCall, LateAnswersArriveThroughThePoster) {
  Harness h;
  h.bind_echo();
  EXPECT_TRUE(h.send(h.request(1, kStub, 11)).empty());
  EXPECT_EQ(h.assoc->pending_calls(), 1u);
  h.echo->later.front().respond(CallOutcome::success({42}));
  h.echo->later.pop_front();
  auto sent = h.run_posted();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].header.call_id, 11u);
  EXPECT_EQ(h.assoc->pending_calls(), 0u);
}

// Windows ignores orphaned: the call it names is still answered
// (raw_protocol test_orphaned_*).
TEST(AssociationCall, OrphanedIsIgnored) {
  Harness h;
  h.bind_echo();
  h.send(h.request(1, kStub, 12));
  auto orphan = make_pdu(PType::orphaned, pdu::Orphaned{});
  orphan.header.call_id = 12;
  EXPECT_TRUE(h.send(orphan).empty());
  h.echo->later.front().respond(CallOutcome::success({1}));
  auto sent = h.run_posted();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ptype(), PType::response);
  EXPECT_FALSE(h.closed);
}

TEST(AssociationCall, DroppedResponderFailsTheCall) {
  Harness h;
  h.bind_echo();
  h.send(h.request(1, kStub, 13));
  h.echo->later.clear();
  auto sent = h.run_posted();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), status::kRpcCallFailed);
}

TEST(AssociationCall, CallsPastTheirBudgetFault) {
  ServerLimits limits;
  limits.call_timeout = std::chrono::milliseconds(10);
  Harness h(limits);
  h.bind_echo();
  h.send(h.request(1, kStub, 14));
  Output out;
  h.assoc->on_tick(Association::Clock::now() + std::chrono::seconds(1), out);
  auto sent = h.collect(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), status::kNcaServerTooBusy);
  h.echo->later.front().respond(CallOutcome::success({1}));
  EXPECT_TRUE(h.run_posted().empty()) << "the late answer is dropped";
}

TEST(AssociationCall, PendingCallsAreCapped) {
  ServerLimits limits;
  limits.max_pending_calls = 3;
  Harness h(limits);
  h.bind_echo(nullptr, 4280, pdu::pfc::kFirstLast | pdu::pfc::kConcMpx);
  for (std::uint32_t id = 1; id <= 3; ++id) EXPECT_TRUE(h.send(h.request(1, kStub, id)).empty());
  auto sent = h.send(h.request(1, kStub, 4));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), status::kNcaServerTooBusy);
}

TEST(AssociationCall, DuplicatePendingCallIdIsAProtocolError) {
  Harness h;
  h.bind_echo(nullptr, 4280, pdu::pfc::kFirstLast | pdu::pfc::kConcMpx);
  h.send(h.request(1, kStub, 1));
  auto sent = h.send(h.request(1, kStub, 1));
  EXPECT_EQ(fault_status(sent.at(0)), status::kNcaProtoError);
  EXPECT_TRUE(h.closed);
}

TEST(AssociationCall, OversizedReassemblyIsRefusedWithoutBufferingIt) {
  ServerLimits limits;
  limits.fragments.max_stub = 64u << 10;
  Harness h(limits);
  h.bind_echo(nullptr, 5840);
  std::vector<std::uint8_t> chunk(5800, 0xaa);
  auto frag = h.request(0, chunk, 21);
  frag.header.pfc_flags = pdu::pfc::kFirstFrag;
  frag.as<pdu::Request>()->alloc_hint = 0;  // no hint: the total alone trips the cap
  h.send(frag);
  frag.header.pfc_flags = 0;
  std::vector<pdu::Pdu> sent;
  for (int i = 0; i < 20 && !h.closed; ++i) sent = h.send(frag);
  ASSERT_TRUE(h.closed);
  ASSERT_EQ(sent.size(), 1u);
  // [MS-RPCE] 3.3.3.5.4; raw_protocol test_fragmented_requests05.
  EXPECT_EQ(fault_status(sent[0]), status::kAccessDenied);
  EXPECT_FALSE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
}

// raw_protocol test_fragmented_requests04: Windows refuses the first
// fragment of a request whose alloc_hint is one octet over the 4 MiB cap,
// without waiting for the rest.
TEST(AssociationCall, AllocHintOverTheCapIsRefusedAtTheFirstFragment) {
  Harness h;
  h.bind_echo(nullptr, 5840);
  auto frag = h.request(0, kStub, 23);
  frag.header.pfc_flags = pdu::pfc::kFirstFrag;
  frag.as<pdu::Request>()->alloc_hint = (4u << 20) + 1;
  auto sent = h.send(frag);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].header.call_id, 23u);
  EXPECT_EQ(fault_status(sent[0]), status::kAccessDenied);
  EXPECT_FALSE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
  EXPECT_TRUE(h.closed);
}

TEST(AssociationCall, AllocHintAtTheCapIsAccepted) {
  Harness h;
  h.bind_echo(nullptr, 5840);
  auto frag = h.request(0, kStub, 24);
  frag.header.pfc_flags = pdu::pfc::kFirstFrag;
  frag.as<pdu::Request>()->alloc_hint = 4u << 20;
  EXPECT_TRUE(h.send(frag).empty());
  EXPECT_FALSE(h.closed);
}

// Windows ignores the context and opnum a later fragment names: the first
// fragment's govern the call (raw_protocol
// test_ntlmssp_multi_auth_first1_lastSame111, docs/hardening.md C3).
TEST(AssociationCall, LaterFragmentsContextAndOpnumAreIgnored) {
  Harness h;
  h.bind_echo();
  auto frag = h.request(0, kStub, 22);
  frag.header.pfc_flags = pdu::pfc::kFirstFrag;
  EXPECT_TRUE(h.send(frag).empty());
  frag.header.pfc_flags = pdu::pfc::kLastFrag;
  frag.as<pdu::Request>()->context_id = 1;
  frag.as<pdu::Request>()->opnum = 7;
  auto sent = h.send(frag);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ptype(), PType::response);
  EXPECT_EQ(sent[0].as<pdu::Response>()->context_id, 0u);
  EXPECT_FALSE(h.closed);
}

// A later fragment of another call_id without CONC_MPX is a protocol error
// answered for the reassembling call (test_ntlmssp_multi_auth_first1_lastNext2).
TEST(AssociationCall, LaterFragmentOfAnotherCallFaultsTheOpenOne) {
  Harness h;
  h.bind_echo();
  auto frag = h.request(0, kStub, 22);
  frag.header.pfc_flags = pdu::pfc::kFirstFrag;
  EXPECT_TRUE(h.send(frag).empty());
  frag.header.pfc_flags = pdu::pfc::kLastFrag;
  frag.header.call_id = 23;
  auto sent = h.send(frag);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), status::kNcaProtoError);
  EXPECT_EQ(sent[0].header.call_id, 22u);
  EXPECT_TRUE(h.closed);
}

TEST(AssociationCall, ClientSendingShutdownOrAuth3IsClosed) {
  Harness h;
  h.bind_echo();
  EXPECT_TRUE(h.send(make_pdu(PType::shutdown, pdu::Shutdown{})).empty());
  EXPECT_TRUE(h.closed);
}

// Windows ignores co_cancel, even among a call's fragments: the call goes
// on reassembling and is answered (raw_protocol test_co_cancel_*).
TEST(AssociationCall, CoCancelIsIgnored) {
  Harness h;
  h.bind_echo();
  auto frag = h.request(0, kStub, 23);
  frag.header.pfc_flags = pdu::pfc::kFirstFrag;
  h.send(frag);
  EXPECT_EQ(h.assoc->pending_calls(), 1u);
  auto cancel = make_pdu(PType::co_cancel, pdu::CoCancel{});
  cancel.header.call_id = 23;
  EXPECT_TRUE(h.send(cancel).empty());
  EXPECT_EQ(h.assoc->pending_calls(), 1u);
  auto last = h.request(0, kStub, 23);
  last.header.pfc_flags = pdu::pfc::kLastFrag;
  EXPECT_EQ(h.send(last).at(0).ptype(), PType::response);
  EXPECT_EQ(h.send(h.request(0, kStub, 24)).at(0).ptype(), PType::response);
}

// Windows reassembles one call at a time: a new call while one is
// incomplete faults the incomplete one (without CONC_MPX) and closes.
TEST(AssociationCall, ANewCallDuringReassemblyFaultsTheOpenOne) {
  Harness h;
  h.bind_echo();
  auto frag = h.request(0, kStub, 30);
  frag.header.pfc_flags = pdu::pfc::kFirstFrag;
  h.send(frag);
  auto sent = h.send(h.request(0, kStub, 31));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kNcaProtoError);
  EXPECT_EQ(sent[0].header.call_id, 30u);
  EXPECT_FALSE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
  EXPECT_TRUE(h.closed);
}

TEST(AssociationCall, InterfacesHearWhenTheirConnectionCloses) {
  struct Counting : EchoInterface {
    void connection_closed(const PeerInfo&) noexcept override { ++closed; }
    int closed = 0;
  };
  Harness h;
  auto counting = std::make_shared<Counting>();
  h.core.interfaces.add(counting);
  h.send(make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::kNdr20}}, {1, kEchoSyntax, {syntax::kNdr20}}})));
  h.assoc.reset();
  EXPECT_EQ(counting->closed, 1) << "once per connection, not per context";
}

TEST(AssociationCall, StatisticsCountPackets) {
  Harness h;
  h.bind_echo();
  h.send(h.request(0, kStub));
  EXPECT_EQ(h.core.stats.pkts_in.load(), 2u);
  EXPECT_EQ(h.core.stats.pkts_out.load(), 2u);
}

}  // namespace
}  // namespace rampart::runtime
