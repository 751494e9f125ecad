#include <gtest/gtest.h>

#include <vector>

#include "unit/ndr/test_types.hpp"

namespace rampart::ndr {
namespace {

using test::Bytes;
using test::le32s;

TEST(NdrArrays, ConformantArrayLittleEndian) {
  const Bytes b = le32s({3, 10, 20, 30});
  Decoder d(b, Drep::little());
  auto v = d.conformant_array<std::uint32_t>(3);
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_EQ(*v, (std::vector<std::uint32_t>{10, 20, 30}));
  EXPECT_TRUE(d.finish());
}

TEST(NdrArrays, ConformantArrayBigEndian) {
  Bytes b;
  for (std::uint32_t v : {2u, 0x01020304u, 0x0a0b0c0du}) test::be32(b, v);
  Decoder d(b, Drep::big());
  auto v = d.conformant_array<std::uint32_t>();
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::vector<std::uint32_t>{0x01020304u, 0x0a0b0c0du}));
}

TEST(NdrArrays, ConformanceMismatchWithSizeIs) {
  const Bytes b = le32s({4, 1, 2, 3, 4});
  Decoder d(b, Drep::little());
  auto v = d.conformant_array<std::uint32_t>(3);
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::conformance_mismatch));
  EXPECT_EQ(v.error().offset(), 0u);
}

TEST(NdrArrays, VaryingOffsetMustBeZero) {
  const Bytes b = le32s({1, 2, 7, 8});
  Decoder d(b, Drep::little());
  auto v = d.varying_array<std::uint32_t>(4);
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::variance_offset_nonzero));
  EXPECT_EQ(v.error().offset(), 0u);
}

TEST(NdrArrays, VaryingActualAboveFixedBound) {
  const Bytes b = le32s({0, 5, 1, 2, 3, 4, 5});
  Decoder d(b, Drep::little());
  auto v = d.varying_array<std::uint32_t>(4);
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::actual_exceeds_max));
  EXPECT_EQ(v.error().offset(), 4u);
}

TEST(NdrArrays, ConformantVaryingActualAboveMax) {
  const Bytes b = le32s({2, 0, 3, 1, 2, 3});
  Decoder d(b, Drep::little());
  auto v = d.conformant_varying_array<std::uint32_t>();
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::actual_exceeds_max));
}

TEST(NdrArrays, ConformantVaryingLengthIsMismatch) {
  const Bytes b = le32s({4, 0, 2, 1, 2});
  Decoder d(b, Drep::little());
  auto v = d.conformant_varying_array<std::uint32_t>(4, 3);
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::length_mismatch));
  EXPECT_EQ(v.error().offset(), 8u);
}

TEST(NdrArrays, ConformantVaryingOk) {
  const Bytes b = le32s({4, 0, 2, 11, 12});
  Decoder d(b, Drep::little());
  auto v = d.conformant_varying_array<std::uint32_t>(4, 2);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::vector<std::uint32_t>{11, 12}));
}

TEST(NdrArrays, HugeMaxCountWithTinyBufferFailsBeforeAllocating) {
  const Bytes b = le32s({0xffffffff, 1});
  Decoder d(b, Drep::little());
  auto v = d.conformant_array<std::uint32_t>();
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::count_exceeds_limit));
  EXPECT_EQ(d.allocated(), 0u);

  DecodeLimits no_element_cap;
  no_element_cap.max_array_elements = 0xffffffff;
  Decoder d2(b, Drep::little(), no_element_cap);
  auto v2 = d2.conformant_array<std::uint64_t>();
  ASSERT_FALSE(v2);
  EXPECT_TRUE(v2.error().is(Errc::count_exceeds_remaining));
  EXPECT_EQ(d2.allocated(), 0u);
}

TEST(NdrArrays, CountTimesElementSizeAgainstRemaining) {
  // Two u32 elements need 8 octets; only 7 remain.
  Bytes b = le32s({2, 1});
  b.insert(b.end(), {0, 0, 0});
  Decoder d(b, Drep::little());
  auto v = d.conformant_array<std::uint32_t>();
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::count_exceeds_remaining));
  EXPECT_EQ(d.allocated(), 0u);
}

TEST(NdrArrays, NeedGuardsMultiplicationOverflow) {
  const Bytes b(16, 0);
  DecodeLimits l;
  l.max_array_elements = 0xffffffff;
  Decoder d(b, Drep::little(), l);
  auto r = d.need(0xffffffffull, static_cast<std::size_t>(-1));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::count_exceeds_remaining));
}

TEST(NdrArrays, AllocationBudget) {
  Bytes b = le32s({8});
  b.resize(4 + 8 * 4, 0);
  DecodeLimits l;
  l.max_alloc_bytes = 16;
  Decoder d(b, Drep::little(), l);
  auto v = d.conformant_array<std::uint32_t>();
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::allocation_limit));
  EXPECT_EQ(d.allocated(), 0u);
}

TEST(NdrArrays, ElementLimit) {
  Bytes b = le32s({5});
  b.resize(4 + 5, 0);
  DecodeLimits l;
  l.max_array_elements = 4;
  Decoder d(b, Drep::little(), l);
  auto v = d.conformant_array<std::uint8_t>();
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().is(Errc::count_exceeds_limit));
}

TEST(NdrArrays, OctetsAreZeroCopy) {
  const Bytes b = {3, 0, 0, 0, 'a', 'b', 'c'};
  Decoder d(b, Drep::little());
  const auto n = *d.conformance();
  auto s = d.octets(n);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->data(), b.data() + 4);
  EXPECT_EQ(s->size(), 3u);
}

TEST(NdrArrays, RoundTripBothOrders) {
  const std::vector<std::uint16_t> in = {1, 0x0203, 0xfffe};
  for (const Drep drep : {Drep::little(), Drep::big()}) {
    std::vector<std::uint8_t> out;
    ByteWriter w(out, drep);
    Encoder e(w);
    e.u8(7);
    ASSERT_TRUE(e.conformant_varying_array(std::span<const std::uint16_t>(in), 5));
    e.u8(1);
    ASSERT_TRUE(e.conformant_array(std::span<const std::uint16_t>(in)));
    Decoder d(out, drep);
    EXPECT_EQ(*d.u8(), 7);
    EXPECT_EQ(*d.conformant_varying_array<std::uint16_t>(5, 3), in);
    EXPECT_EQ(*d.u8(), 1);
    EXPECT_EQ(*d.conformant_array<std::uint16_t>(3), in);
    EXPECT_TRUE(d.finish());
  }
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  Encoder e(w);
  EXPECT_FALSE(e.conformant_varying_array(std::span<const std::uint16_t>(in), 2));
}

TEST(NdrArrays, FixedArrayOfPrimitivesBigEndian) {
  const Bytes b = {0x00, 0x01, 0x00, 0x02};
  Decoder d(b, Drep::big());
  std::array<std::uint16_t, 2> a{};
  ASSERT_TRUE(d.primitives(std::span<std::uint16_t>(a)));
  EXPECT_EQ(a[0], 1);
  EXPECT_EQ(a[1], 2);
}

TEST(NdrArrays, EncoderRejectsCountAbove32Bits) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  Encoder e(w);
  auto r = e.conformance(0x100000000ull);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::value_too_large));
}

}  // namespace
}  // namespace rampart::ndr
