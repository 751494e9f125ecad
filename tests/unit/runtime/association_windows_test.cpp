// How the association answers where Windows' answer was established by
// Samba's raw DCE/RPC protocol suite (tests/interop/raw_protocol_test.sh
// runs the suite itself); these pin each rule without a socket.
#include "association_fixture.hpp"

namespace rampart::runtime {
namespace {

using namespace testing;
using pdu::ContextResult;
using pdu::PType;

// An AuthVerifier views its token: it must outlive the PDU.
const std::vector<std::uint8_t> kNoneToken = {'n', 'o', 'n', 'e'};

pdu::BindAck bind_with_sizes(Harness& h, std::uint16_t xmit, std::uint16_t recv) {
  auto body = h.bind_body({{0, kEchoSyntax, {syntax::kNdr20}}});
  body.max_xmit_frag = xmit;
  body.max_recv_frag = recv;
  auto sent = h.send(make_pdu(PType::bind, body));
  EXPECT_EQ(sent.at(0).ptype(), PType::bind_ack);
  return *sent.at(0).as<pdu::BindAck>();
}

TEST(AssociationWindows, OneSizeForBothDirections) {
  const struct {
    std::uint16_t xmit, recv, both;
  } cases[] = {{0, 0, 2048},       {0xffff, 0xffff, 5840}, {0, 0xffff, 2048},     {0xffff, 0, 2048},
               {3199, 0xffff, 3192}, {0xffff, 3199, 3192}, {3199, 0, 2048},       {4280, 4280, 4280}};
  for (const auto& c : cases) {
    Harness h;
    const auto ack = bind_with_sizes(h, c.xmit, c.recv);
    EXPECT_EQ(ack.max_xmit_frag, c.both) << c.xmit << "/" << c.recv;
    EXPECT_EQ(ack.max_recv_frag, c.both) << c.xmit << "/" << c.recv;
  }
}

TEST(AssociationWindows, RequestFragmentsUpTo5840WhateverWasNegotiated) {
  Harness h;
  bind_with_sizes(h, 0, 0);  // 2048
  const std::vector<std::uint8_t> stub(5840 - 24, 0);
  EXPECT_EQ(h.send(h.request(0, stub, 2)).at(0).ptype(), PType::response);
  const std::vector<std::uint8_t> over(5841 - 24, 0);
  auto sent = h.send(h.request(0, over, 3));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kNcaProtoError);
  EXPECT_FALSE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
  EXPECT_TRUE(h.closed);
}

TEST(AssociationWindows, BindFlagsAreIgnoredAndHeaderSigningEchoed) {
  Harness h;
  auto sent = h.send(make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::kNdr20}}}), Drep::little(), 0xff));
  ASSERT_EQ(sent.at(0).ptype(), PType::bind_ack);
  EXPECT_EQ(sent[0].header.pfc_flags,
            pdu::pfc::kFirstLast | pdu::pfc::kConcMpx | pdu::pfc::kSupportHeaderSign);
  auto alter = h.send(make_pdu(PType::alter_context,
                               pdu::AlterContext{h.bind_body({{1, kEchoSyntax, {syntax::kNdr20}}})}, Drep::little(),
                               pdu::pfc::kSupportHeaderSign | pdu::pfc::kObjectUuid));
  ASSERT_EQ(alter.at(0).ptype(), PType::alter_context_resp);
  // CONC_MPX is the bind_ack's alone (raw_protocol test_ntlmssp_auth_MPX_*).
  EXPECT_EQ(alter[0].header.pfc_flags, pdu::pfc::kFirstLast | pdu::pfc::kSupportHeaderSign);
}

TEST(AssociationWindows, OneNewContextPerPdu) {
  Harness h;
  auto sent = h.send(make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::kNdr20}},
                                                        {1, kEchoSyntax, {syntax::kNdr20}},
                                                        {0, kEchoSyntax, {syntax::kNdr20}}})));
  const auto& r = sent.at(0).as<pdu::BindAck>()->results;
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].result, ContextResult::acceptance);
  for (int i : {1, 2}) {
    EXPECT_EQ(r[i].result, ContextResult::provider_rejection) << i;
    EXPECT_EQ(r[i].reason, static_cast<std::uint16_t>(pdu::ProviderReason::proposed_transfer_syntaxes_not_supported));
  }
  static const std::vector<std::uint8_t> stub = {1};
  EXPECT_EQ(fault_status(h.send(h.request(0, stub, 2, 1)).at(0)), pdu::status::kNcaUnknownInterface);
}

const SyntaxId kOther{Uuid::from_string("11111111-2222-3333-4444-555555555555"), 1, 0};
struct OtherInterface : EchoInterface {
  const SyntaxId& syntax() const noexcept override { return kOther; }
};

// Context 0 is echo over NDR20: offering it another registered interface,
// or NDR64 for it, is a protocol error; unknown syntaxes are only refused.
TEST(AssociationWindows, RedefiningAContextIsAProtocolError) {
  const pdu::PresentationContext redefinitions[] = {{0, kOther, {syntax::kNdr20}}, {0, kEchoSyntax, {syntax::kNdr64}}};
  for (const auto& c : redefinitions) {
    Harness h;
    h.core.interfaces.add(std::make_shared<OtherInterface>());
    h.bind_echo();
    auto sent = h.send(make_pdu(PType::alter_context, pdu::AlterContext{h.bind_body({c})}));
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(fault_status(sent[0]), pdu::status::kNcaProtoError);
    EXPECT_TRUE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
    EXPECT_TRUE(h.closed);
  }
  Harness h;
  h.bind_echo();
  const SyntaxId unknown_transfer{kOther.uuid, 9, 0};
  auto sent = h.send(make_pdu(PType::alter_context, pdu::AlterContext{h.bind_body({{0, kEchoSyntax, {unknown_transfer}}})}));
  ASSERT_EQ(sent.at(0).ptype(), PType::alter_context_resp);
  EXPECT_EQ(sent[0].as<pdu::AlterContextResp>()->results.at(0).reason,
            static_cast<std::uint16_t>(pdu::ProviderReason::proposed_transfer_syntaxes_not_supported));
  EXPECT_FALSE(h.closed);
}

TEST(AssociationWindows, AuthLevelsDecideTheBindNakReason) {
  for (std::uint8_t level : {0, 1, 2, 6, 7, 255}) {
    Harness h;
    auto p = make_pdu(PType::bind, h.bind_body({{0, kEchoSyntax, {syntax::kNdr20}}}));
    p.auth = pdu::AuthVerifier{0, level, 0, 0, 0, {}, kNoneToken};
    auto sent = h.send(p);
    ASSERT_EQ(sent.size(), 1u);
    const bool a_level = level >= 2 && level <= 6;
    EXPECT_EQ(sent[0].as<pdu::BindNak>()->reason, a_level ? pdu::RejectReason::authentication_type_not_recognized
                                                           : pdu::RejectReason::reason_not_specified)
        << int{level};
    EXPECT_TRUE(h.closed);
  }
}

TEST(AssociationWindows, RequestVerifierWithoutSecurityContextIsAccessDenied) {
  Harness h;
  h.bind_echo();
  static const std::vector<std::uint8_t> stub = {1, 2, 3, 4};
  auto p = h.request(0, stub, 3);
  p.auth = pdu::AuthVerifier{0, 2, 0, 0, 0, {}, kNoneToken};
  auto sent = h.send(p);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kAccessDenied);
  EXPECT_FALSE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
  EXPECT_TRUE(h.closed);
}

TEST(AssociationWindows, ResponsesCarryTheContextIdsLowOctet) {
  Harness h;
  auto sent = h.send(make_pdu(PType::bind, h.bind_body({{0xffff, kEchoSyntax, {syntax::kNdr20}}})));
  ASSERT_EQ(sent.at(0).ptype(), PType::bind_ack);
  static const std::vector<std::uint8_t> stub = {1};
  auto reply = h.send(h.request(0, stub, 2, 0xffff));
  ASSERT_EQ(reply.at(0).ptype(), PType::response);
  EXPECT_EQ(reply[0].as<pdu::Response>()->context_id, 0xff);
  auto unknown = h.send(h.request(0, stub, 3, 7));
  EXPECT_EQ(unknown.at(0).as<pdu::Fault>()->context_id, 0) << "an unknown context is named 0";
}

}  // namespace
}  // namespace rampart::runtime
