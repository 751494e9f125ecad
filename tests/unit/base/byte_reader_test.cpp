#include "rampart/base/byte_reader.hpp"
#include "rampart/base/byte_writer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rampart {
namespace {

const std::vector<std::uint8_t> kBytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

TEST(ByteReader, ReadsLittleEndian) {
  ByteReader r(kBytes, Drep::little());
  EXPECT_EQ(*r.u16(), 0x0201);
  EXPECT_EQ(*r.u16(), 0x0403);
  EXPECT_EQ(*r.u32(), 0x08070605u);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReader, ReadsBigEndian) {
  ByteReader r(kBytes, Drep::big());
  EXPECT_EQ(*r.u32(), 0x01020304u);
  EXPECT_EQ(*r.u32(), 0x05060708u);
  ByteReader r64(kBytes, Drep::big());
  EXPECT_EQ(*r64.u64(), 0x0102030405060708ull);
}

TEST(ByteReader, FixedOrderReadsIgnoreDrep) {
  ByteReader r(kBytes, Drep::big());
  EXPECT_EQ(*r.u16_le(), 0x0201);
  EXPECT_EQ(*r.u16_be(), 0x0304);
}

TEST(ByteReader, TruncationReportsOffsetAndLeavesPosition) {
  ByteReader r(kBytes);
  ASSERT_TRUE(r.skip(6));
  auto v = r.u32();
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(BaseErrc::truncated));
  EXPECT_EQ(v.error().offset(), 6u);
  EXPECT_EQ(r.position(), 6u);
  EXPECT_FALSE(r.bytes(3));
  EXPECT_TRUE(r.bytes(2));
}

TEST(ByteReader, AlignIsRelativeToSpanStart) {
  ByteReader r(kBytes);
  ASSERT_TRUE(r.skip(1));
  ASSERT_TRUE(r.align(4));
  EXPECT_EQ(r.position(), 4u);
  ASSERT_TRUE(r.align(4));
  EXPECT_EQ(r.position(), 4u);
  ASSERT_TRUE(r.skip(1));
  EXPECT_TRUE(r.align(8));
  EXPECT_EQ(r.position(), 8u);
  ASSERT_TRUE(r.seek(7));
  EXPECT_FALSE(r.align(16)) << "padding past the end is truncation";
}

TEST(ByteReader, IeeeFloatsRoundTripInBothOrders) {
  for (Drep d : {Drep::little(), Drep::big()}) {
    std::vector<std::uint8_t> buf;
    ByteWriter w(buf, d);
    w.f32(1.5f);
    w.f64(-2.25);
    ByteReader r(buf, d);
    EXPECT_EQ(*r.f32(), 1.5f);
    EXPECT_EQ(*r.f64(), -2.25);
  }
}

TEST(ByteReader, NonIeeeFloatsAreUnsupported) {
  for (FloatRep f : {FloatRep::vax, FloatRep::cray, FloatRep::ibm}) {
    ByteReader r(kBytes, Drep{IntRep::little_endian, CharRep::ascii, f});
    auto v = r.f32();
    ASSERT_FALSE(v);
    EXPECT_TRUE(v.error().is(BaseErrc::unsupported_drep));
    EXPECT_TRUE(r.u32()) << "integers still read under a non-IEEE float label";
  }
}

TEST(ByteWriter, AlignAndPatchAreRelativeToWriterStart) {
  std::vector<std::uint8_t> buf = {0xaa, 0xbb, 0xcc};
  ByteWriter w(buf, Drep::big());
  w.u8(1);
  w.align(4);
  EXPECT_EQ(w.position(), 4u);
  w.u32(0);
  w.patch_u32(4, 0x11223344);
  const std::vector<std::uint8_t> want = {0xaa, 0xbb, 0xcc, 1, 0, 0, 0, 0x11, 0x22, 0x33, 0x44};
  EXPECT_EQ(buf, want);
}

}  // namespace
}  // namespace rampart
