#include <gtest/gtest.h>

#include <variant>
#include <vector>

#include "unit/ndr/test_types.hpp"

namespace rampart::ndr {
namespace {

using test::Bytes;

// union switch (short kind) { case 1: unsigned char small; case 2: hyper big; }
using Arm = std::variant<std::uint8_t, std::uint64_t>;

Result<Arm> decode_arm(Decoder& d, std::uint32_t kind) {
  switch (kind) {
    case 1: return Arm{RAMPART_TRY(d.u8())};
    case 2: return Arm{RAMPART_TRY(d.u64())};
    default: return d.unknown_arm();
  }
}

TEST(NdrUnions, NonEncapsulatedArmsAlignByTheirOwnType) {
  // discriminant u16 = 2, then pad to 8, then the hyper.
  const Bytes b = {0x02, 0x00, 0, 0, 0, 0, 0, 0, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
  Decoder d(b, Drep::little());
  const auto kind = *d.discriminant(DiscriminantWidth::u16);
  auto arm = decode_arm(d, kind);
  ASSERT_TRUE(arm);
  EXPECT_EQ(std::get<std::uint64_t>(*arm), 0x0102030405060708ull);
  EXPECT_TRUE(d.finish());
}

TEST(NdrUnions, UnknownArmIsAnError) {
  const Bytes b = {0x03, 0x00, 0xff};
  Decoder d(b, Drep::little());
  const auto kind = *d.discriminant(DiscriminantWidth::u16);
  auto arm = decode_arm(d, kind);
  ASSERT_FALSE(arm);
  EXPECT_TRUE(arm.error().is(Errc::unknown_union_arm));
  EXPECT_EQ(arm.error().offset(), 2u);
}

TEST(NdrUnions, EncapsulatedUnionAlignsToLargestOfDiscriminantAndArms) {
  // Starts at offset 1: aligned to 8 (the hyper arm), u16 discriminant 1,
  // arm area aligned to 8, then the u8 arm.
  const Bytes b = {0xee, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0x5a};
  Decoder d(b, Drep::little());
  ASSERT_TRUE(d.u8());
  const auto kind = d.encapsulated_union(DiscriminantWidth::u16, 8);
  ASSERT_TRUE(kind);
  EXPECT_EQ(*kind, 1u);
  EXPECT_EQ(d.position(), 16u);
  auto arm = decode_arm(d, *kind);
  ASSERT_TRUE(arm);
  EXPECT_EQ(std::get<std::uint8_t>(*arm), 0x5a);
  EXPECT_TRUE(d.finish());

  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  Encoder e(w);
  e.u8(0xee);
  e.encapsulated_union(DiscriminantWidth::u16, 8, 1);
  e.u8(0x5a);
  EXPECT_EQ(out, b);
}

TEST(NdrUnions, DiscriminantWidthsBigEndian) {
  const Bytes b = {0x07, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x03};
  Decoder d(b, Drep::big());
  EXPECT_EQ(*d.discriminant(DiscriminantWidth::u8), 7u);
  EXPECT_EQ(*d.discriminant(DiscriminantWidth::u16), 0x0102u);
  EXPECT_EQ(*d.discriminant(DiscriminantWidth::u32), 3u);
}

}  // namespace
}  // namespace rampart::ndr
