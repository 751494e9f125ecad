#include <gtest/gtest.h>

#include "pdu_fixtures.hpp"
#include "rampart/pdu/status.hpp"

namespace rampart::pdu {
namespace {

using namespace testing;

TEST(PduDecode, ImpacketBindDecodesAndReencodesExactly) {
  const auto bytes = impacket_epm_bind();
  auto pdu = decode(bytes);
  ASSERT_TRUE(pdu) << pdu.error().to_string();
  EXPECT_EQ(pdu->header.ptype, PType::bind);
  EXPECT_EQ(pdu->header.frag_length, 72);
  EXPECT_EQ(pdu->header.call_id, 1u);
  const Bind* b = pdu->as<Bind>();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->max_xmit_frag, 4280);
  EXPECT_EQ(b->max_recv_frag, 4280);
  EXPECT_EQ(b->assoc_group_id, 0u);
  ASSERT_EQ(b->contexts.size(), 1u);
  EXPECT_EQ(b->contexts[0].abstract_syntax, kEpm);
  EXPECT_EQ(b->contexts[0].transfer_syntaxes, std::vector<SyntaxId>{syntax::kNdr20});
  EXPECT_EQ(encode(*pdu), bytes);
  EXPECT_EQ(describe(*pdu),
            "bind call_id=1 flags=first|last frag_length=72 auth_length=0 drep=little-endian, ASCII, IEEE float\n"
            "  max_xmit_frag=4280 max_recv_frag=4280 assoc_group_id=0x00000000\n"
            "  context id=0 abstract=e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0\n"
            "    transfer=8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0 (NDR20)\n");
}

TEST(PduDecode, BigEndianBindMatchesLittleEndian) {
  const Pdu le = *decode(impacket_epm_bind());
  Pdu be = le;
  be.header.drep = Drep::big();
  const auto bytes = encode(be);
  ASSERT_EQ(bytes.size(), 72u);
  EXPECT_EQ(bytes[4], 0x00);  // drep: big-endian, ASCII, IEEE
  EXPECT_EQ(bytes[8], 0x00);  // frag_length high octet first
  EXPECT_EQ(bytes[9], 72);
  EXPECT_EQ(bytes[16], 0x10);  // max_xmit_frag 0x10b8 big-endian
  EXPECT_EQ(bytes[28 + 4], 0xe1);  // abstract syntax time_low, big-endian
  auto back = decode(bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back->as<Bind>(), *le.as<Bind>());
  EXPECT_EQ(encode(*back), bytes);
}

// Every PTYPE, in both byte orders, survives encode -> decode -> encode.
class EveryPType : public ::testing::TestWithParam<Drep> {};

std::vector<Pdu> one_of_each(Drep d) {
  static const std::vector<std::uint8_t> stub = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  static const std::vector<std::uint8_t> tail = {0, 0, 0, 0x20, 0x03, 0x74, 0x90};
  static const std::vector<std::uint8_t> token = {0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0, 3};
  static const std::vector<std::uint8_t> rts_cmds = {0, 0, 0, 0, 0, 0, 1, 0};
  std::vector<Pdu> out;
  Request q{9, 1, 3, Uuid::from_string("11111111-2222-3333-4444-555555555555"), stub};
  out.push_back(make_pdu(PType::request, q, d, pfc::kFirstLast | pfc::kObjectUuid));
  out.push_back(make_pdu(PType::response, Response{9, 1, 0, 0, stub}, d));
  out.push_back(make_pdu(PType::fault, Fault{32, 1, 0, 0, status::kNcaOpRangeError, 0, {}}, d,
                         pfc::kFirstLast | pfc::kDidNotExecute));
  Bind b = epm_bind_body();
  b.contexts.push_back({1, kMgmt, {syntax::kNdr20, syntax::kNdr64}});
  b.contexts.push_back({2, kEpm, {syntax::make_bind_time_feature(3)}});
  out.push_back(make_pdu(PType::bind, b, d, pfc::kFirstLast | pfc::kConcMpx));
  out.push_back(make_pdu(PType::alter_context, AlterContext{b}, d));
  BindAck a{4280, 4280, 0x1234, "135",
            {{ContextResult::acceptance, 0, syntax::kNdr20},
             {ContextResult::provider_rejection, 2, {}},
             {ContextResult::negotiate_ack, 3, {}}}};
  out.push_back(make_pdu(PType::bind_ack, a, d));
  out.push_back(make_pdu(PType::alter_context_resp, AlterContextResp{{4280, 4280, 0x1234, "", {}}}, d));
  out.push_back(make_pdu(PType::bind_nak, BindNak{RejectReason::protocol_version_not_supported, {{5, 0}}, tail}, d));
  Pdu auth3 = make_pdu(PType::auth3, Auth3{0}, d);
  auth3.auth = AuthVerifier{10, 2, 0, 0, 0, {}, token};
  out.push_back(auth3);
  out.push_back(make_pdu(PType::shutdown, Shutdown{}, d));
  out.push_back(make_pdu(PType::co_cancel, CoCancel{}, d));
  out.push_back(make_pdu(PType::orphaned, Orphaned{}, d));
  out.push_back(make_pdu(PType::rts, Rts{0, 1, rts_cmds}, d));
  return out;
}

TEST_P(EveryPType, RoundTrips) {
  for (const Pdu& original : one_of_each(GetParam())) {
    const auto bytes = encode(original);
    auto back = decode(bytes);
    ASSERT_TRUE(back) << to_string(original.ptype()) << ": " << back.error().to_string();
    EXPECT_EQ(back->body, original.body) << to_string(original.ptype());
    EXPECT_EQ(back->auth, original.auth) << to_string(original.ptype());
    EXPECT_EQ(encode(*back), bytes) << to_string(original.ptype());
    EXPECT_FALSE(describe(*back).empty());
  }
}

INSTANTIATE_TEST_SUITE_P(BothByteOrders, EveryPType, ::testing::Values(Drep::little(), Drep::big()),
                         [](const auto& info) { return info.param.is_little() ? "little" : "big"; });

TEST(PduDecode, RequestWithAuthVerifierSplitsStubAndPad) {
  static const std::vector<std::uint8_t> stub = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  static const std::vector<std::uint8_t> pad = {0, 0};
  static const std::vector<std::uint8_t> token(16, 0xab);
  Pdu p = make_pdu(PType::request, Request{10, 0, 2, std::nullopt, stub});
  p.auth = AuthVerifier{10, 5, 2, 0, 1, pad, token};
  const auto bytes = encode(p);
  ASSERT_EQ(bytes.size(), 24u + 10 + 2 + 8 + 16);
  auto back = decode(bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(bytes_equal(back->as<Request>()->stub, stub));
  EXPECT_EQ(back->auth->auth_pad_length, 2);
  EXPECT_TRUE(bytes_equal(back->auth->auth_value, token));
  EXPECT_EQ(back->header.auth_length, 16);
}

TEST(PduDecode, FaultDescribeNamesStatus) {
  const auto bytes = encode(make_pdu(PType::fault, Fault{32, 0, 0, 0, status::kRpcBadStubData, 0, {}}));
  auto back = decode(bytes);
  ASSERT_TRUE(back);
  EXPECT_NE(describe(*back).find("status=0x000006f7 (rpc_x_bad_stub_data)"), std::string::npos);
}

}  // namespace
}  // namespace rampart::pdu

namespace rampart::pdu {
namespace {

TEST(SplitPdus, CutsAStreamAtEachFragLengthInItsOwnDrep) {
  auto stream = testing::impacket_epm_bind();
  Pdu be = *decode(testing::impacket_epm_bind());
  be.header.drep = Drep::big();
  const auto be_bytes = encode(be);
  stream.insert(stream.end(), be_bytes.begin(), be_bytes.end());
  auto pieces = split_pdus(stream);
  ASSERT_TRUE(pieces) << pieces.error().to_string();
  ASSERT_EQ(pieces->size(), 2u);
  EXPECT_EQ((*pieces)[1].size(), 72u);
  EXPECT_TRUE(split_pdus({}) && split_pdus({})->empty());
}

TEST(SplitPdus, RefusesCutAndUndersizedPdus) {
  auto bind = testing::impacket_epm_bind();
  bind.pop_back();
  auto cut = split_pdus(bind);
  ASSERT_FALSE(cut);
  EXPECT_TRUE(cut.error().is(Errc::truncated_body));
  bind = testing::impacket_epm_bind();
  bind[8] = 4;
  bind[9] = 0;
  auto tiny = split_pdus(bind);
  ASSERT_FALSE(tiny);
  EXPECT_TRUE(tiny.error().is(Errc::frag_length_too_small));
}

}  // namespace
}  // namespace rampart::pdu
