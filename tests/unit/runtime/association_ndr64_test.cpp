// Transfer syntax negotiation ([MS-RPCE] 3.3.1.5.6): NDR64 is accepted,
// and preferred, for an interface whose stubs have NDR64 codecs, whether
// the client offers it in a context of its own (as Windows clients do) or
// beside NDR20 in one context; calls on the context carry the syntax the
// bind chose. Interfaces with NDR20 codecs only keep refusing NDR64.
#include "association_fixture.hpp"

namespace rampart::runtime {
namespace {

using namespace testing;
using pdu::ContextResult;
using pdu::PType;

constexpr auto kReason2 = static_cast<std::uint16_t>(pdu::ProviderReason::proposed_transfer_syntaxes_not_supported);

struct Ndr64Harness : Harness {
  Ndr64Harness() { echo->ndr64 = true; }
  std::vector<pdu::ContextResultEntry> bind(std::vector<pdu::PresentationContext> contexts) {
    auto sent = send(make_pdu(PType::bind, bind_body(std::move(contexts))));
    EXPECT_EQ(sent.size(), 1u);
    if (sent.empty() || !sent[0].as<pdu::BindAck>()) return {};
    return sent[0].as<pdu::BindAck>()->results;
  }
  /// Calls the echo operation on `context`; returns what the handler saw.
  SyntaxId call_on(std::uint16_t context) {
    const std::vector<std::uint8_t> stub{1, 2, 3, 4, 5, 6, 7, 8};
    auto sent = send(request(0, stub, 7, context));
    EXPECT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent.at(0).ptype(), PType::response);
    return echo->last_transfer;
  }
};

TEST(AssociationNdr64, WindowsThreeContextBindGetsNdr64) {
  // A Windows client: [0] NDR20, [1] NDR64, [2] bind-time features.
  Ndr64Harness h;
  auto r = h.bind({{0, kEchoSyntax, {syntax::kNdr20}},
                   {1, kEchoSyntax, {syntax::kNdr64}},
                   {2, kEchoSyntax, {syntax::make_bind_time_feature(3)}}});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].result, ContextResult::provider_rejection);
  EXPECT_EQ(r[0].reason, kReason2);
  EXPECT_EQ(r[1].result, ContextResult::acceptance);
  EXPECT_EQ(r[1].transfer_syntax, syntax::kNdr64);
  EXPECT_EQ(r[2].result, ContextResult::negotiate_ack);
  EXPECT_EQ(r[2].reason, 3);
  EXPECT_EQ(h.call_on(1), syntax::kNdr64);
  // The rejected NDR20 context does not exist: a call on it faults.
  auto sent = h.send(h.request(0, std::vector<std::uint8_t>{1}, 8, 0));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kNcaUnknownInterface);
}

TEST(AssociationNdr64, BothSyntaxesInOneContextPicksNdr64WhicheverOrder) {
  for (const auto& offered : {std::vector<SyntaxId>{syntax::kNdr20, syntax::kNdr64},
                              std::vector<SyntaxId>{syntax::kNdr64, syntax::kNdr20}}) {
    Ndr64Harness h;
    auto r = h.bind({{0, kEchoSyntax, offered}});
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].result, ContextResult::acceptance);
    EXPECT_EQ(r[0].transfer_syntax, syntax::kNdr64);
    EXPECT_EQ(h.call_on(0), syntax::kNdr64);
  }
}

TEST(AssociationNdr64, Ndr64OnlyContextIsAccepted) {
  // Impacket's bind(..., transfer_syntax=NDR64): one context, NDR64 alone.
  Ndr64Harness h;
  auto r = h.bind({{0, kEchoSyntax, {syntax::kNdr64}}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].result, ContextResult::acceptance);
  EXPECT_EQ(r[0].transfer_syntax, syntax::kNdr64);
  EXPECT_EQ(h.call_on(0), syntax::kNdr64);
}

TEST(AssociationNdr64, Ndr20AloneStaysNdr20) {
  Ndr64Harness h;
  auto r = h.bind({{0, kEchoSyntax, {syntax::kNdr20}}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].result, ContextResult::acceptance);
  EXPECT_EQ(r[0].transfer_syntax, syntax::kNdr20);
  EXPECT_EQ(h.call_on(0), syntax::kNdr20);
}

TEST(AssociationNdr64, Ndr64FirstThenNdr20AcceptsTheFirst) {
  Ndr64Harness h;
  auto r = h.bind({{0, kEchoSyntax, {syntax::kNdr64}}, {1, kEchoSyntax, {syntax::kNdr20}}});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].result, ContextResult::acceptance);
  EXPECT_EQ(r[0].transfer_syntax, syntax::kNdr64);
  EXPECT_EQ(r[1].result, ContextResult::provider_rejection);
  EXPECT_EQ(r[1].reason, kReason2);
}

TEST(AssociationNdr64, InterfaceWithoutNdr64CodecsKeepsNdr20) {
  Harness h;  // echo->ndr64 is false: hand-written NDR20 codecs
  auto sent = h.send(make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::kNdr20}},
                                                        {1, kEchoSyntax, {syntax::kNdr64}},
                                                        {2, kEchoSyntax, {syntax::make_bind_time_feature(3)}}})));
  ASSERT_EQ(sent.size(), 1u);
  const auto& r = sent[0].as<pdu::BindAck>()->results;
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].result, ContextResult::acceptance);
  EXPECT_EQ(r[0].transfer_syntax, syntax::kNdr20);
  EXPECT_EQ(r[1].result, ContextResult::provider_rejection);
  EXPECT_EQ(r[1].reason, kReason2);
  EXPECT_EQ(r[2].result, ContextResult::negotiate_ack);
  auto one = h.send(make_pdu(PType::alter_context, pdu::AlterContext{h.bind_body({{5, kEchoSyntax, {syntax::kNdr64}}})}));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].as<pdu::AlterContextResp>()->results.at(0).reason, kReason2);
}

TEST(AssociationNdr64, AlterContextAddsAnNdr64ContextAndKeepsIt) {
  Ndr64Harness h;
  auto r = h.bind({{0, kEchoSyntax, {syntax::kNdr20}}});
  ASSERT_EQ(r.at(0).transfer_syntax, syntax::kNdr20);
  auto sent = h.send(make_pdu(PType::alter_context, pdu::AlterContext{h.bind_body({{1, kEchoSyntax, {syntax::kNdr64}}})}));
  ASSERT_EQ(sent.size(), 1u);
  const auto& a = sent[0].as<pdu::AlterContextResp>()->results;
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].result, ContextResult::acceptance);
  EXPECT_EQ(a[0].transfer_syntax, syntax::kNdr64);
  EXPECT_EQ(h.call_on(0), syntax::kNdr20);
  EXPECT_EQ(h.call_on(1), syntax::kNdr64);
  // Presenting context 0 again with NDR64 would change its syntax (C6).
  auto again = h.send(make_pdu(PType::alter_context, pdu::AlterContext{h.bind_body({{0, kEchoSyntax, {syntax::kNdr64}}})}));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(fault_status(again[0]), pdu::status::kNcaProtoError);
}

}  // namespace
}  // namespace rampart::runtime
