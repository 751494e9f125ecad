#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/ndr/test_types.hpp"

namespace rampart::ndr {
namespace {

using test::Bytes;
using test::le32s;

Bytes narrow(std::initializer_list<std::uint32_t> header, std::string_view chars) {
  Bytes b = le32s(header);
  b.insert(b.end(), chars.begin(), chars.end());
  return b;
}

TEST(NdrStrings, ConformantVaryingChar) {
  const Bytes b = narrow({6, 0, 6}, std::string_view("hello\0", 6));
  Decoder d(b, Drep::little());
  auto s = d.string();
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(*s, "hello");
  EXPECT_TRUE(d.finish());
}

TEST(NdrStrings, MaxCountMayExceedActual) {
  const Bytes b = narrow({100, 0, 3}, std::string_view("hi\0", 3));
  Decoder d(b, Drep::little());
  EXPECT_EQ(*d.string(), "hi");
}

TEST(NdrStrings, NotTerminated) {
  const Bytes b = narrow({5, 0, 5}, "hello");
  Decoder d(b, Drep::little());
  auto s = d.string();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::string_not_terminated));
  EXPECT_EQ(s.error().offset(), 16u);
}

TEST(NdrStrings, ZeroActualCountHasNoTerminator) {
  const Bytes b = le32s({0, 0, 0});
  Decoder d(b, Drep::little());
  auto s = d.string();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::string_not_terminated));
}

TEST(NdrStrings, TerminatorMustBeLastElement) {
  const Bytes b = narrow({6, 0, 6}, std::string_view("he\0lo\0", 6));
  Decoder d(b, Drep::little());
  auto s = d.string();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::string_embedded_nul));
  EXPECT_EQ(s.error().offset(), 14u);
}

TEST(NdrStrings, TooLongForItsBound) {
  const Bytes b = narrow({6, 0, 6}, std::string_view("hello\0", 6));
  Decoder d(b, Drep::little());
  StringSpec spec;
  spec.max_length = 4;
  auto s = d.string(spec);
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::string_too_long));
  Decoder ok(b, Drep::little());
  spec.max_length = 5;
  EXPECT_EQ(*ok.string(spec), "hello");
}

TEST(NdrStrings, DefaultMaximumFromLimits) {
  DecodeLimits l;
  l.max_string_length = 2;
  const Bytes b = narrow({4, 0, 4}, std::string_view("abc\0", 4));
  Decoder d(b, Drep::little(), l);
  auto s = d.string();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::string_too_long));
}

TEST(NdrStrings, HugeActualCountFailsBeforeAllocating) {
  const Bytes b = narrow({0xfffffff0, 0, 0xfffffff0}, "ab");
  DecodeLimits l;
  l.max_string_length = 0xffffffff;
  Decoder d(b, Drep::little(), l);
  auto s = d.string();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::count_exceeds_limit));
  EXPECT_EQ(d.allocated(), 0u);
}

TEST(NdrStrings, SizeIsCorrelation) {
  const Bytes b = narrow({8, 0, 3}, std::string_view("ab\0", 3));
  StringSpec spec;
  spec.size_is = 9;
  Decoder d(b, Drep::little());
  auto s = d.string(spec);
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::conformance_mismatch));
}

TEST(NdrStrings, FixedArrayStringIsVaryingOnly) {
  // [string] char annotation[64]: offset, actual, chars; no max_count.
  const Bytes b = narrow({0, 4}, std::string_view("abc\0", 4));
  StringSpec spec;
  spec.fixed_size = 64;
  Decoder d(b, Drep::little());
  EXPECT_EQ(*d.string(spec), "abc");
  const Bytes over = narrow({0, 65}, std::string(65, 'x'));
  Decoder d2(over, Drep::little());
  auto s = d2.string(spec);
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::actual_exceeds_max));
}

TEST(NdrStrings, VaryingStringOffsetNonZero) {
  const Bytes b = narrow({1, 3}, std::string_view("ab\0", 3));
  StringSpec spec;
  spec.fixed_size = 64;
  Decoder d(b, Drep::little());
  auto s = d.string(spec);
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::variance_offset_nonzero));
}

TEST(NdrStrings, WideStringBigEndian) {
  Bytes b;
  for (std::uint32_t v : {3u, 0u, 3u}) test::be32(b, v);
  b.insert(b.end(), {0x00, 'h', 0x00, 'i', 0x00, 0x00});
  Decoder d(b, Drep::big());
  auto s = d.wstring();
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(*s, u"hi");
}

TEST(NdrStrings, WideStringNotTerminated) {
  Bytes b = le32s({2, 0, 2});
  b.insert(b.end(), {'h', 0x00, 'i', 0x00});
  Decoder d(b, Drep::little());
  auto s = d.wstring();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::string_not_terminated));
}

TEST(NdrStrings, EbcdicIsUnsupported) {
  const Bytes b = narrow({2, 0, 2}, std::string_view("a\0", 2));
  Decoder d(b, Drep{IntRep::little_endian, CharRep::ebcdic, FloatRep::ieee});
  auto s = d.string();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::unsupported_char_rep));
}

TEST(NdrStrings, RoundTripBothOrders) {
  for (const Drep drep : {Drep::little(), Drep::big()}) {
    std::vector<std::uint8_t> out;
    ByteWriter w(out, drep);
    Encoder e(w);
    StringSpec fixed;
    fixed.fixed_size = 64;
    StringSpec sized;
    sized.size_is = 32;
    ASSERT_TRUE(e.string("annotation", fixed));
    ASSERT_TRUE(e.wstring(u"wide"));
    ASSERT_TRUE(e.string("name", sized));
    ASSERT_TRUE(e.string(""));
    Decoder d(out, drep);
    EXPECT_EQ(*d.string(fixed), "annotation");
    EXPECT_EQ(*d.wstring(), u"wide");
    EXPECT_EQ(*d.string(sized), "name");
    EXPECT_EQ(*d.string(), "");
    EXPECT_TRUE(d.finish());
  }
}

TEST(NdrStrings, EncoderChecks) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  Encoder e(w);
  EXPECT_TRUE(e.string(std::string_view("a\0b", 3)).error().is(Errc::string_embedded_nul));
  StringSpec fixed;
  fixed.fixed_size = 4;
  EXPECT_TRUE(e.string("abcd", fixed).error().is(Errc::actual_exceeds_max));
  StringSpec bounded;
  bounded.max_length = 2;
  EXPECT_TRUE(e.string("abc", bounded).error().is(Errc::string_too_long));
  StringSpec sized;
  sized.size_is = 3;
  EXPECT_TRUE(e.string("abc", sized).error().is(Errc::actual_exceeds_max));
}

}  // namespace
}  // namespace rampart::ndr
