// [MS-RPCE] 2.2.2.11 sec_trailer and its geometry in hand-built PDUs (C4).
#include "rampart/security/auth_trailer.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

constexpr std::size_t kRequestStubOffset = 24;

// A request PDU (C706 12.6.4.9): header, alloc_hint, p_cont_id, opnum, stub.
std::vector<std::uint8_t> request(std::size_t stub_length, bool little = true) {
  std::vector<std::uint8_t> p = {5, 0, 0, 0x03, little ? std::uint8_t{0x10} : std::uint8_t{0x00},
                                 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (little) std::swap(p[12], p[15]);
  p.insert(p.end(), 8, 0);  // alloc_hint, p_cont_id, opnum
  for (std::size_t i = 0; i < stub_length; ++i) p.push_back(static_cast<std::uint8_t>(0xA0 + i));
  return p;
}

SecTrailer ntlm_trailer(AuthLevel level) {
  return {auth_type::kNtlm, static_cast<std::uint8_t>(level), 0, 0, 79231};
}

std::vector<std::uint8_t> authenticated(std::size_t stub_length) {
  auto p = request(stub_length);
  append_auth_trailer(p, kRequestStubOffset, ntlm_trailer(AuthLevel::integrity), 16);
  return p;
}

TEST(AuthPad, SixteenOctetAlignment) {
  EXPECT_EQ(auth_pad_for(0), 0U);
  EXPECT_EQ(auth_pad_for(1), 15U);
  EXPECT_EQ(auth_pad_for(10), 6U);
  EXPECT_EQ(auth_pad_for(16), 0U);
  EXPECT_EQ(auth_pad_for(33), 15U);
}

TEST(SecTrailer, EncodeDecodeRoundTrip) {
  const SecTrailer t{auth_type::kNtlm, 6, 4, 0, 0x01020304};
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  t.encode(w);
  const std::vector<std::uint8_t> want = {10, 6, 4, 0, 0x04, 0x03, 0x02, 0x01};
  EXPECT_EQ(out, want);
  ByteReader r(out);
  auto back = SecTrailer::decode(r);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, t);
  EXPECT_EQ(back->describe(), "auth_type=10 auth_level=6 auth_pad_length=4 auth_context_id=16909060");
}

TEST(SecTrailer, RejectsBadFields) {
  const std::vector<std::vector<std::uint8_t>> bad = {
      {10, 0, 0, 0, 0, 0, 0, 0},   // level 0
      {10, 7, 0, 0, 0, 0, 0, 0},   // level 7
      {10, 5, 16, 0, 0, 0, 0, 0},  // pad of 16
      {10, 5, 0, 1, 0, 0, 0, 0},   // reserved
      {10, 5, 0, 0, 0, 0, 0},      // truncated
  };
  const Errc want[] = {Errc::bad_auth_level, Errc::bad_auth_level, Errc::auth_pad_too_large,
                       Errc::auth_reserved_nonzero};
  for (std::size_t i = 0; i < bad.size(); ++i) {
    ByteReader r(bad[i]);
    auto t = SecTrailer::decode(r);
    ASSERT_FALSE(t) << i;
    if (i < 4) {
      EXPECT_TRUE(t.error().is(want[i])) << i << ": " << t.error().to_string();
    }
  }
}

TEST(AuthLayout, LocatesPartsOfAWellFormedPdu) {
  const auto p = authenticated(10);
  ASSERT_EQ(p.size(), 24U + 10 + 6 + 8 + 16);
  auto l = locate_auth_trailer(p, kRequestStubOffset);
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(l->stub_length, 10U);
  EXPECT_EQ(l->pad_length, 6U);
  EXPECT_EQ(l->trailer_offset, 40U);
  EXPECT_EQ(l->auth_value_offset, 48U);
  EXPECT_EQ(l->auth_length, 16U);
  EXPECT_EQ(l->trailer.auth_context_id, 79231U);
  EXPECT_EQ(l->trailer.auth_pad_length, 6U);
}

// A later fragment's auth_level is ignored (Windows verifies it at the
// first fragment's level): locate_continuation_trailer accepts one outside
// 1..6 where locate_auth_trailer refuses it, and still checks the rest.
TEST(AuthLayout, ContinuationTrailerIgnoresOnlyTheLevel) {
  auto p = authenticated(10);
  p[41] = 111;  // auth_level, at trailer_offset 40 + 1
  auto strict = locate_auth_trailer(p, kRequestStubOffset);
  ASSERT_FALSE(strict);
  EXPECT_TRUE(strict.error().is(Errc::bad_auth_level));
  auto l = locate_continuation_trailer(p, kRequestStubOffset);
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(l->trailer.auth_level, 111U);
  EXPECT_EQ(l->stub_length, 10U);
  p[43] = 1;  // auth_reserved
  auto reserved = locate_continuation_trailer(p, kRequestStubOffset);
  ASSERT_FALSE(reserved);
  EXPECT_TRUE(reserved.error().is(Errc::auth_reserved_nonzero));
}

TEST(AuthLayout, BigEndianPdu) {
  auto p = request(3, false);
  append_auth_trailer(p, kRequestStubOffset, ntlm_trailer(AuthLevel::privacy), 16);
  EXPECT_EQ(p[8], 0);  // frag_length big-endian
  EXPECT_EQ(p[9], p.size());
  auto l = locate_auth_trailer(p, kRequestStubOffset);
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(l->trailer.auth_context_id, 79231U);
  EXPECT_EQ(l->stub_length, 3U);
}

void expect_error(const std::vector<std::uint8_t>& p, Errc want) {
  auto l = locate_auth_trailer(p, kRequestStubOffset);
  ASSERT_FALSE(l);
  EXPECT_TRUE(l.error().is(want)) << l.error().to_string();
}

TEST(AuthLayout, FragLengthMustMatch) {
  auto p = authenticated(10);
  p.push_back(0);
  expect_error(p, Errc::frag_length_mismatch);
}

TEST(AuthLayout, AuthLengthZero) {
  auto p = authenticated(10);
  p[10] = 0;
  expect_error(p, Errc::no_auth_value);
}

TEST(AuthLayout, AuthLengthPastTheBody) {
  auto p = authenticated(10);
  p[10] = static_cast<std::uint8_t>(p.size() - kRequestStubOffset - 8 + 1);
  expect_error(p, Errc::trailer_outside_body);
  p[10] = 0xff;
  p[11] = 0xff;
  expect_error(p, Errc::trailer_outside_body);
}

TEST(AuthLayout, MisalignedTrailer) {
  // auth_length 17: the trailer moves one octet back.
  auto p = authenticated(10);
  p[10] = 17;
  expect_error(p, Errc::trailer_misaligned);
}

TEST(AuthLayout, PadLargerThanStub) {
  // A stub of 0 octets with a claimed pad of 8.
  auto p = request(0);
  append_auth_trailer(p, kRequestStubOffset, ntlm_trailer(AuthLevel::integrity), 16);
  p[kRequestStubOffset + 2] = 8;
  expect_error(p, Errc::auth_pad_too_large);
}

TEST(AuthLayout, TruncatedPdus) {
  const std::vector<std::uint8_t> tiny = {5, 0, 0, 3};
  expect_error(tiny, Errc::trailer_truncated);
  auto p = authenticated(0);
  auto l = locate_auth_trailer(p, p.size() + 1);
  ASSERT_FALSE(l);
  EXPECT_TRUE(l.error().is(Errc::trailer_truncated));
}

}  // namespace
}  // namespace rampart::security
