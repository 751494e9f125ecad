// One test per validation rule of the PDU layer (docs/hardening.md C1, C4, C6).
#include <gtest/gtest.h>

#include "pdu_fixtures.hpp"

namespace rampart::pdu {
namespace {

using namespace testing;

void set_u16le(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}

void expect_error(const std::vector<std::uint8_t>& bytes, Errc want, const DecodeLimits& limits = {}) {
  auto r = decode(bytes, limits);
  ASSERT_FALSE(r) << "decoded although it should fail with " << ErrorCodeTraits<Errc>::name(want);
  EXPECT_TRUE(r.error().is(want)) << "got " << r.error().to_string();
}

std::vector<std::uint8_t> request_bytes(std::size_t stub_size, std::uint8_t flags = pfc::kFirstLast) {
  std::vector<std::uint8_t> stub(stub_size, 0);
  return encode(make_pdu(PType::request, Request{static_cast<std::uint32_t>(stub_size), 0, 3, std::nullopt, stub},
                         Drep::little(), flags));
}

TEST(PduRules, RpcVersionMustBe5) {
  auto b = impacket_epm_bind();
  b[0] = 4;
  expect_error(b, Errc::bad_rpc_version);
}

TEST(PduRules, RpcVersionMinorMustBe0) {
  auto b = impacket_epm_bind();
  b[1] = 1;
  expect_error(b, Errc::bad_rpc_version_minor);
}

TEST(PduRules, ConnectionlessAndUnknownPTypesAreRejected) {
  for (std::uint8_t t : {1, 4, 5, 6, 7, 8, 9, 10, 21, 255}) {
    auto b = impacket_epm_bind();
    b[2] = t;
    expect_error(b, Errc::unknown_ptype);
  }
}

TEST(PduRules, DrepMustBeLegal) {
  auto b = impacket_epm_bind();
  b[4] = 0x20;
  expect_error(b, Errc::bad_drep);
  b = impacket_epm_bind();
  b[6] = 1;  // reserved octet
  expect_error(b, Errc::bad_drep);
}

TEST(PduRules, FlagsMustBeASubsetOfThePTypes) {
  auto q = request_bytes(8);
  q[3] |= pfc::kConcMpx;  // CONC_MPX belongs to the bind family
  expect_error(q, Errc::bad_pfc_flags);
}

// Windows acks a bind or alter_context whatever flags it carries
// (raw_protocol test_no_auth_request_bind_pfc_*); none changes the body.
TEST(PduRules, TheBindFamilyTakesEveryFlag) {
  for (std::uint8_t flags : {pfc::kObjectUuid, pfc::kDidNotExecute, pfc::kMaybe, std::uint8_t{0x08}, std::uint8_t{0xff}}) {
    auto b = impacket_epm_bind();
    b[3] = flags;
    auto r = decode(b);
    ASSERT_TRUE(r) << int{flags};
    EXPECT_EQ(r->as<Bind>()->contexts.size(), 1u);
    b[2] = static_cast<std::uint8_t>(PType::alter_context);
    EXPECT_TRUE(decode(b)) << int{flags};
  }
}

TEST(PduRules, FragLengthBelowHeaderOrPTypeMinimum) {
  auto b = impacket_epm_bind();
  set_u16le(b, 8, 10);
  expect_error(b, Errc::frag_length_too_small);
  auto q = request_bytes(0);
  ASSERT_EQ(q.size(), 24u);
  set_u16le(q, 8, 20);  // a request needs 24 octets
  q.resize(20);
  expect_error(q, Errc::frag_length_too_small);
  expect_error(std::vector<std::uint8_t>(b.begin(), b.begin() + 12), Errc::frag_length_too_small);
}

TEST(PduRules, FragLengthAboveNegotiatedOrPTypeMaximum) {
  DecodeLimits limits;
  limits.max_frag_length = 4280;
  expect_error(request_bytes(5000), Errc::frag_length_too_large, limits);
  EXPECT_TRUE(decode(request_bytes(4280 - 24), limits));
  auto s = encode(make_pdu(PType::shutdown, Shutdown{}));
  s.resize(20);
  set_u16le(s, 8, 20);
  expect_error(s, Errc::frag_length_too_large);
}

TEST(PduRules, FragLengthMustMatchTheBytesGiven) {
  auto b = impacket_epm_bind();
  b.push_back(0);
  expect_error(b, Errc::frag_length_mismatch);
  b = impacket_epm_bind();
  b.pop_back();
  expect_error(b, Errc::frag_length_mismatch);
}

TEST(PduRules, BodyFieldsMustFitInThePdu) {
  auto b = impacket_epm_bind();
  b[24] = 2;  // n_context_elem 2, but only one element follows
  expect_error(b, Errc::truncated_body);
  b = impacket_epm_bind();
  b[30] = 2;  // n_transfer_syn 2, one follows
  expect_error(b, Errc::truncated_body);
}

TEST(PduRules, FixedLayoutPdusHaveNoTrailingBytes) {
  auto b = impacket_epm_bind();
  b.insert(b.end(), 4, 0);
  set_u16le(b, 8, 76);
  expect_error(b, Errc::trailing_bytes);
}

TEST(PduRules, ContextListMustNotBeEmpty) {
  Bind empty = epm_bind_body();
  empty.contexts.clear();
  expect_error(encode(make_pdu(PType::bind, empty)), Errc::no_context_elements);
}

TEST(PduRules, EveryContextNeedsATransferSyntax) {
  auto b = impacket_epm_bind();
  b[30] = 0;
  expect_error(b, Errc::no_transfer_syntaxes);
}

// Windows accepts one context id twice in one list and answers the second
// as any context after the first accepted one (raw_protocol
// test_no_auth_presentation_ctx_no_ndr64); the runtime, not the codec,
// keeps context ids immutable.
TEST(PduRules, AContextIdMayRepeatWithinAList) {
  Bind dup = epm_bind_body();
  dup.contexts.push_back({0, kMgmt, {syntax::kNdr20}});
  auto decoded = decode(encode(make_pdu(PType::alter_context, AlterContext{dup})));
  ASSERT_TRUE(decoded) << decoded.error().code_name();
  EXPECT_EQ(decoded->as<AlterContext>()->contexts.size(), 2u);
}

TEST(PduRules, AuthLengthMustFitInsideTheBody) {
  auto q = request_bytes(16);
  set_u16le(q, 10, 16);  // 16 + 8 trailer > 16 octets of stub
  expect_error(q, Errc::auth_length_too_large);
}

TEST(PduRules, AuthValueIsBounded) {
  DecodeLimits limits;
  limits.max_auth_length = 8;
  auto q = request_bytes(64);
  set_u16le(q, 10, 16);
  expect_error(q, Errc::auth_value_too_large, limits);
}

TEST(PduRules, SecTrailerMustBeAligned) {
  auto q = request_bytes(30);  // 54 octets; auth_length 14 puts the trailer at 32
  set_u16le(q, 10, 14);
  EXPECT_TRUE(decode(q)) << "trailer at offset 32 is aligned";
  set_u16le(q, 10, 13);  // trailer at 33
  expect_error(q, Errc::auth_trailer_misaligned);
}

TEST(PduRules, AuthPadCannotExceedTheStub) {
  static const std::vector<std::uint8_t> stub(4, 1), token(8, 2);
  Pdu p = make_pdu(PType::request, Request{4, 0, 0, std::nullopt, stub});
  p.auth = AuthVerifier{10, 2, 0, 0, 0, {}, token};
  auto bytes = encode(p);
  const std::size_t trailer = bytes.size() - 8 - 8;
  bytes[trailer + 2] = 5;  // auth_pad_length 5 > 4 octets of stub
  expect_error(bytes, Errc::auth_pad_too_large);
}

TEST(PduRules, Auth3NeedsAnAuthVerifier) {
  expect_error(encode(make_pdu(PType::auth3, Auth3{0})), Errc::auth_required);
}

TEST(PduRules, BindAckResultCodeIsBounded) {
  BindAck a{4280, 4280, 1, "135", {{ContextResult::acceptance, 0, syntax::kNdr20}}};
  auto bytes = encode(make_pdu(PType::bind_ack, a));
  bytes[36] = 4;  // result 4 (n_results at 32 after "135\0" and padding)
  expect_error(bytes, Errc::bad_context_result);
}

TEST(PduRules, SecondaryAddressIsTerminatedAndBounded) {
  BindAck a{4280, 4280, 1, "135", {}};
  auto bytes = encode(make_pdu(PType::bind_ack, a));
  bytes[29] = '7';  // overwrite the NUL of "135\0"
  expect_error(bytes, Errc::bad_secondary_address);
  bytes = encode(make_pdu(PType::bind_ack, a));
  bytes[27] = 0;  // NUL inside
  expect_error(bytes, Errc::bad_secondary_address);
  BindAck long_addr{4280, 4280, 1, std::string(300, 'a'), {}};
  expect_error(encode(make_pdu(PType::bind_ack, long_addr)), Errc::bad_secondary_address);
}

TEST(PduRules, RtsCommandCountIsBounded) {
  static const std::vector<std::uint8_t> cmds(8, 0);
  DecodeLimits limits;
  limits.max_rts_commands = 4;
  expect_error(encode(make_pdu(PType::rts, Rts{0, 5, cmds})), Errc::rts_too_many_commands, limits);
}

TEST(PduRules, ErrorsCarryTheOffsetOfTheFaultyField) {
  auto b = impacket_epm_bind();
  b[30] = 0;
  auto r = decode(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().offset(), 30u);
  EXPECT_EQ(r.error().to_string(), "pdu.no_transfer_syntaxes at byte 30: n_transfer_syn is 0");
}

}  // namespace
}  // namespace rampart::pdu
