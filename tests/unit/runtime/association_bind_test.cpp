#include "association_fixture.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampart::runtime {
namespace {

using namespace testing;
using pdu::ContextResult;
using pdu::PType;

TEST(AssociationBind, ImpacketBindIsAcknowledgedLikeSamba) {
  struct Epm : EchoInterface {
    const SyntaxId& syntax() const noexcept override { return kEpm; }
  };
  Harness h;
  h.core.interfaces.add(std::make_shared<Epm>());
  auto sent = h.feed(impacket_epm_bind());
  ASSERT_EQ(sent.size(), 1u);
  const auto& ack = *sent[0].as<pdu::BindAck>();
  EXPECT_EQ(sent[0].header.call_id, 1u);
  EXPECT_EQ(ack.max_xmit_frag, 4280);
  EXPECT_EQ(ack.max_recv_frag, 4280);
  EXPECT_NE(ack.assoc_group_id, 0u);
  EXPECT_EQ(ack.secondary_address, "135");
  ASSERT_EQ(ack.results.size(), 1u);
  EXPECT_EQ(ack.results[0].result, ContextResult::acceptance);
  EXPECT_EQ(ack.results[0].transfer_syntax, syntax::kNdr20);
  EXPECT_EQ(h.assoc->state(), Association::State::bound);
}

TEST(AssociationBind, FragmentSizesAreClampedAndRoundedDown) {
  Harness h;
  auto ack = h.bind_echo(nullptr, 65535);
  EXPECT_EQ(ack.max_xmit_frag, 5840);
  Harness small;
  auto ack2 = small.bind_echo(nullptr, 1000);
  EXPECT_EQ(ack2.max_xmit_frag, 2048);
  Harness odd;
  auto ack3 = odd.bind_echo(nullptr, 4283);
  EXPECT_EQ(ack3.max_xmit_frag, 4280);
}

TEST(AssociationBind, EachContextGetsItsOwnResult) {
  Harness h;
  const SyntaxId unknown{Uuid::from_string("11111111-1111-1111-1111-111111111111"), 1, 0};
  auto sent = h.send(make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::kNdr64, syntax::kNdr20}},
                                                        {1, unknown, {syntax::kNdr20}},
                                                        {2, kEchoSyntax, {syntax::kNdr64}},
                                                        {3, kEchoSyntax, {syntax::make_bind_time_feature(3)}}})));
  ASSERT_EQ(sent.size(), 1u);
  const auto& r = sent[0].as<pdu::BindAck>()->results;
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].result, ContextResult::acceptance);
  EXPECT_EQ(r[0].transfer_syntax, syntax::kNdr20);
  EXPECT_EQ(r[1].result, ContextResult::provider_rejection);
  EXPECT_EQ(r[1].reason, static_cast<std::uint16_t>(pdu::ProviderReason::abstract_syntax_not_supported));
  EXPECT_EQ(r[2].result, ContextResult::provider_rejection);
  EXPECT_EQ(r[2].reason, static_cast<std::uint16_t>(pdu::ProviderReason::proposed_transfer_syntaxes_not_supported));
  EXPECT_EQ(r[3].result, ContextResult::negotiate_ack);
  EXPECT_EQ(r[3].reason, 3);
}

TEST(AssociationBind, MinorVersionAboveTheServersIsNotSupported) {
  Harness h;
  const SyntaxId newer{kEchoSyntax.uuid, 1, 1};
  auto sent = h.send(make_pdu(PType::bind, h.bind_body({{0, newer, {syntax::kNdr20}}})));
  EXPECT_EQ(sent.at(0).as<pdu::BindAck>()->results.at(0).result, ContextResult::provider_rejection);
}

TEST(AssociationBind, TwoFeatureContextsGetABindNak) {
  Harness h;
  auto sent = h.send(make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::make_bind_time_feature(1)}},
                                                        {1, kEchoSyntax, {syntax::make_bind_time_feature(2)}}})));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ptype(), PType::bind_nak);
  EXPECT_TRUE(h.closed);
}

TEST(AssociationBind, RequestBeforeBindGetsBindNakReason4) {
  Harness h;
  static const std::vector<std::uint8_t> stub(8, 0);
  auto sent = h.send(h.request(0, stub));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ptype(), PType::bind_nak);
  EXPECT_EQ(sent[0].header.frag_length, 24);
  EXPECT_EQ(sent[0].as<pdu::BindNak>()->reason, pdu::RejectReason::protocol_version_not_supported);
  EXPECT_EQ(sent[0].as<pdu::BindNak>()->versions, (std::vector<std::pair<std::uint8_t, std::uint8_t>>{{5, 0}}));
  EXPECT_TRUE(h.closed);
}

TEST(AssociationBind, NonRpcProbeGetsThe24OctetBindNak) {
  Harness h;
  const std::string probe = "GET / HTTP/1.0\r\n\r\n";
  auto sent = h.feed({reinterpret_cast<const std::uint8_t*>(probe.data()), probe.size()});
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].header.frag_length, 24);
  EXPECT_EQ(sent[0].as<pdu::BindNak>()->reason, pdu::RejectReason::protocol_version_not_supported);
  EXPECT_TRUE(h.closed);
}

TEST(AssociationBind, Version51GetsBindNakReason4) {
  Harness h;
  auto bytes = impacket_epm_bind();
  bytes[1] = 1;
  auto sent = h.feed(bytes);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].as<pdu::BindNak>()->reason, pdu::RejectReason::protocol_version_not_supported);
}

TEST(AssociationBind, SecondBindIsRefused) {
  Harness h;
  h.bind_echo();
  auto sent = h.send(make_pdu(PType::bind, h.bind_body({{1, kEchoSyntax, {syntax::kNdr20}}})));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ptype(), PType::bind_nak);
  EXPECT_TRUE(h.closed);
}

TEST(AssociationBind, AuthenticatedBindIsRefusedUntilProvidersExist) {
  Harness h;
  static const std::vector<std::uint8_t> token = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  auto p = make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::kNdr20}}}));
  p.auth = pdu::AuthVerifier{10, 2, 0, 0, 0, {}, token};
  auto sent = h.send(p);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].as<pdu::BindNak>()->reason, pdu::RejectReason::authentication_type_not_recognized);
}

TEST(AssociationBind, AssociationGroupsAreJoinedOnlyIfKnown) {
  Harness h;
  const auto first = h.bind_echo();
  auto second = h.make();
  auto sent = h.send(make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::kNdr20}}}, 4280, first.assoc_group_id)),
                     second.get());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].as<pdu::BindAck>()->assoc_group_id, first.assoc_group_id);
  auto third = h.make();
  sent = h.send(make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::kNdr20}}}, 4280, first.assoc_group_id + 1)),
                third.get());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ptype(), PType::bind_nak);
  EXPECT_EQ(h.core.groups.size(), 1u);
  h.assoc.reset();
  second.reset();
  EXPECT_EQ(h.core.groups.size(), 0u) << "a group dies with its last connection";
}

TEST(AssociationBind, AlterContextAddsContextsButNeverRedefinesThem) {
  Harness h;
  h.bind_echo();
  auto sent = h.send(make_pdu(PType::alter_context,
                              pdu::AlterContext{h.bind_body({{1, kEchoSyntax, {syntax::kNdr20}},
                                                             {0, kEpm, {syntax::kNdr20}}})}));
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].ptype(), PType::alter_context_resp);
  const auto& resp = *sent[0].as<pdu::AlterContextResp>();
  EXPECT_TRUE(resp.secondary_address.empty());
  EXPECT_EQ(resp.results.at(0).result, ContextResult::acceptance);
  EXPECT_EQ(resp.results.at(1).result, ContextResult::provider_rejection) << "context 0 is already echo";
  static const std::vector<std::uint8_t> stub = {1, 2, 3};
  auto reply = h.send(h.request(0, stub, 5, 1));
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0].ptype(), PType::response);
}

TEST(AssociationBind, AlterContextFloodIsCapped) {
  ServerLimits limits;
  limits.max_contexts = 4;
  Harness h(limits);
  h.bind_echo();
  for (std::uint16_t id = 1; id < 10; ++id) {
    auto sent = h.send(make_pdu(PType::alter_context, pdu::AlterContext{h.bind_body({{id, kEchoSyntax, {syntax::kNdr20}}})}));
    ASSERT_EQ(sent.size(), 1u);
    const auto result = sent[0].as<pdu::AlterContextResp>()->results.at(0);
    if (id < 4) {
      EXPECT_EQ(result.result, ContextResult::acceptance);
    } else {
      EXPECT_EQ(result.result, ContextResult::provider_rejection);
      EXPECT_EQ(result.reason, static_cast<std::uint16_t>(pdu::ProviderReason::local_limit_exceeded));
    }
  }
}

// Windows ignores the fragment sizes and the association group an
// alter_context carries: the bind fixed them (raw_protocol test_neg_xmit_*).
TEST(AssociationBind, AlterContextIgnoresItsGroupAndSizes) {
  Harness h;
  const auto ack = h.bind_echo();
  auto sent = h.send(make_pdu(PType::alter_context,
                              pdu::AlterContext{h.bind_body({{1, kEchoSyntax, {syntax::kNdr20}}}, 2048, ack.assoc_group_id + 7)}));
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].ptype(), PType::alter_context_resp);
  const auto& resp = *sent[0].as<pdu::AlterContextResp>();
  EXPECT_EQ(resp.assoc_group_id, ack.assoc_group_id);
  EXPECT_EQ(resp.max_xmit_frag, ack.max_xmit_frag);
  EXPECT_EQ(resp.max_recv_frag, ack.max_recv_frag);
  EXPECT_EQ(resp.results.at(0).result, pdu::ContextResult::acceptance);
  EXPECT_FALSE(h.closed);
}

// C13: a full group refuses by default; evict_oldest drops the oldest
// handle of the same owner and never another owner's.
TEST(AssociationGroupHandles, EvictOldestOnlyOfTheSameOwner) {
  AssociationGroup g(1, TransportKind::tcp, 3);
  const Uuid a = Uuid::parse("11111111-2222-3333-4444-555555555555").value();
  const Uuid b = Uuid::parse("66666666-2222-3333-4444-555555555555").value();
  const auto other = g.create_handle(b, nullptr);
  const auto first = g.create_handle(a, nullptr);
  const auto second = g.create_handle(a, nullptr);
  ASSERT_TRUE(other && first && second);
  EXPECT_FALSE(g.create_handle(a, nullptr));
  const auto third = g.create_handle(a, nullptr, AssociationGroup::WhenFull::evict_oldest);
  ASSERT_TRUE(third);
  EXPECT_EQ(g.handle_count(), 3u);
  EXPECT_FALSE(g.close_handle(a, *first));  // evicted
  EXPECT_TRUE(g.close_handle(b, *other));   // another owner's stays
  EXPECT_TRUE(g.close_handle(a, *second));
  EXPECT_TRUE(g.close_handle(a, *third));
  // Nothing of the owner's to evict: refused.
  AssociationGroup full(2, TransportKind::tcp, 1);
  ASSERT_TRUE(full.create_handle(b, nullptr));
  EXPECT_FALSE(full.create_handle(a, nullptr, AssociationGroup::WhenFull::evict_oldest));
}

}  // namespace
// The table's count, for the rampart_lookup_handles gauge: live groups'
// handles only; a group's handles go with its last connection.
TEST(AssociationGroupHandles, TableCountsHandlesOfLiveGroups) {
  AssociationGroupTable table(4, 8);
  const Uuid owner = Uuid::parse("11111111-2222-3333-4444-555555555555").value();
  auto g1 = table.create(TransportKind::tcp);
  auto g2 = table.create(TransportKind::local);
  ASSERT_TRUE(g1 && g2);
  EXPECT_EQ(table.handle_count(), 0u);
  ASSERT_TRUE(g1->create_handle(owner, nullptr));
  ASSERT_TRUE(g1->create_handle(owner, nullptr));
  ASSERT_TRUE(g2->create_handle(owner, nullptr));
  EXPECT_EQ(table.handle_count(), 3u);
  g1.reset();
  EXPECT_EQ(table.handle_count(), 1u);
  EXPECT_EQ(table.size(), 1u);
}

}  // namespace rampart::runtime
