#include <gtest/gtest.h>

#include <vector>

#include "unit/ndr/test_types.hpp"

namespace rampart::ndr {
namespace {

using test::Bytes;

TEST(NdrPrimitives, AlignmentIsRelativeToStubStart) {
  // u8, pad to 2, u16, u32 (already aligned), pad to 8, u64.
  const Bytes b = {0x01, 0x00, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                   0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
  Decoder d(b, Drep::little());
  EXPECT_EQ(*d.u8(), 0x01);
  EXPECT_EQ(*d.u16(), 0x0302);
  EXPECT_EQ(*d.u32(), 0x07060504u);
  EXPECT_EQ(*d.u64(), 0x0f0e0d0c0b0a0908ull);
  EXPECT_TRUE(d.finish());
}

TEST(NdrPrimitives, BigEndianVectors) {
  const Bytes b = {0x01, 0x00, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                   0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
  Decoder d(b, Drep::big());
  EXPECT_EQ(*d.u8(), 0x01);
  EXPECT_EQ(*d.u16(), 0x0203);
  EXPECT_EQ(*d.u32(), 0x04050607u);
  EXPECT_EQ(*d.i64(), 0x08090a0b0c0d0e0fll);
}

TEST(NdrPrimitives, SignedAndFloatRoundTripBothOrders) {
  for (const Drep drep : {Drep::little(), Drep::big()}) {
    std::vector<std::uint8_t> out;
    ByteWriter w(out, drep);
    Encoder e(w);
    e.i8(-2);
    e.i16(-300);
    e.i32(-70000);
    e.f32(1.5f);
    e.f64(-2.25);
    e.boolean(true);
    e.i64(-5);
    Decoder d(out, drep);
    EXPECT_EQ(*d.i8(), -2);
    EXPECT_EQ(*d.i16(), -300);
    EXPECT_EQ(*d.i32(), -70000);
    EXPECT_EQ(*d.f32(), 1.5f);
    EXPECT_EQ(*d.f64(), -2.25);
    EXPECT_TRUE(*d.boolean());
    EXPECT_EQ(*d.i64(), -5);
    EXPECT_TRUE(d.finish());
  }
}

TEST(NdrPrimitives, FloatBigEndianVector) {
  const Bytes b = {0x3f, 0xc0, 0x00, 0x00};  // 1.5f, IEEE big-endian
  Decoder d(b, Drep::big());
  EXPECT_EQ(*d.f32(), 1.5f);
}

TEST(NdrPrimitives, BooleanAnyNonZeroIsTrue) {
  const Bytes b = {0x00, 0x01, 0x7f};
  Decoder d(b, Drep::little());
  EXPECT_FALSE(*d.boolean());
  EXPECT_TRUE(*d.boolean());
  EXPECT_TRUE(*d.boolean());
}

TEST(NdrPrimitives, Enum16RejectsAbove7fff) {
  const Bytes b = {0xff, 0x7f, 0x00, 0x80};
  Decoder d(b, Drep::little());
  EXPECT_EQ(*d.enum16(), 0x7fff);
  auto bad = d.enum16();
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is(Errc::bad_enum_value));
  EXPECT_EQ(bad.error().offset(), 2u);
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  Encoder e(w);
  EXPECT_FALSE(e.enum16(0x8000));
}

enum class Color : std::uint32_t { red = 1, green = 2 };

TEST(NdrPrimitives, EnumValueOutsideDeclaredSet) {
  const Bytes b = {0x02, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00};
  Decoder d(b, Drep::little());
  constexpr Color kColors[] = {Color::red, Color::green};
  EXPECT_EQ(*d.enum_value(*d.v1_enum(), kColors), Color::green);
  auto bad = d.enum_value(*d.v1_enum(), kColors);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is(Errc::bad_enum_value));
}

TEST(NdrPrimitives, RangeCheck) {
  const Bytes b = test::le32s({500, 501});
  Decoder d(b, Drep::little());
  EXPECT_EQ(*d.in_range(*d.u32(), 0u, 500u), 500u);
  auto bad = d.in_range(*d.u32(), 0u, 500u);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is(Errc::range_violation));
  EXPECT_EQ(bad.error().offset(), 4u);
}

TEST(NdrPrimitives, UuidAndContextHandleBothOrders) {
  const auto u = Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
  const Bytes le = {0x08, 0x83, 0xaf, 0xe1, 0x1f, 0x5d, 0xc9, 0x11,
                    0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa};
  const Bytes be = {0xe1, 0xaf, 0x83, 0x08, 0x5d, 0x1f, 0x11, 0xc9,
                    0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa};
  Decoder dl(le, Drep::little());
  EXPECT_EQ(*dl.uuid(), u);
  Decoder db(be, Drep::big());
  EXPECT_EQ(*db.uuid(), u);

  ContextHandle h{0x01020304, u};
  for (const Drep drep : {Drep::little(), Drep::big()}) {
    std::vector<std::uint8_t> out;
    ByteWriter w(out, drep);
    Encoder e(w);
    e.u8(9);  // forces 3 padding octets before the handle
    e.context_handle(h);
    ASSERT_EQ(out.size(), 24u);
    Decoder d(out, drep);
    EXPECT_EQ(*d.u8(), 9);
    EXPECT_EQ(*d.context_handle(), h);
  }
  EXPECT_EQ(h.describe(), "attributes 0x01020304 uuid e1af8308-5d1f-11c9-91a4-08002b14a0fa");
  EXPECT_TRUE(ContextHandle{}.is_null());
}

TEST(NdrPrimitives, TruncationPassesThroughAsBaseError) {
  const Bytes b = {0x01, 0x02, 0x03};
  Decoder d(b, Drep::little());
  auto r = d.u32();
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(BaseErrc::truncated));
}

TEST(NdrPrimitives, PaddingPastEndIsTruncation) {
  const Bytes b = {0x01, 0x02};
  Decoder d(b, Drep::little());
  ASSERT_TRUE(d.u8());
  EXPECT_FALSE(d.u32());
}

TEST(NdrPrimitives, TrailingBytes) {
  const Bytes b = {0x01, 0x00, 0x00, 0x00, 0xaa};
  Decoder d(b, Drep::little());
  ASSERT_TRUE(d.u32());
  auto r = d.finish();
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::trailing_bytes));
  EXPECT_EQ(r.error().offset(), 4u);
}

TEST(NdrPrimitives, ErrcNamesAreStable) {
  EXPECT_STREQ(ErrorCodeTraits<Errc>::name(Errc::conformance_mismatch), "conformance_mismatch");
  EXPECT_STREQ(ErrorCodeTraits<Errc>::name(Errc::value_too_large), "value_too_large");
  const Error e(Errc::depth_exceeded, "x", 3);
  EXPECT_EQ(e.to_string(), "ndr.depth_exceeded at byte 3: x");
}

}  // namespace
}  // namespace rampart::ndr
