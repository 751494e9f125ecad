#include "rampart/base/drep.hpp"
#include "rampart/base/hex.hpp"
#include "rampart/base/uuid.hpp"

#include <gtest/gtest.h>

namespace rampart {
namespace {

TEST(Drep, DecodesLegalLabels) {
  auto le = Drep::decode({0x10, 0, 0, 0});
  ASSERT_TRUE(le);
  EXPECT_EQ(*le, Drep::little());
  auto be_ebcdic_vax = Drep::decode({0x01, 1, 0, 0});
  ASSERT_TRUE(be_ebcdic_vax);
  EXPECT_EQ(be_ebcdic_vax->int_rep, IntRep::big_endian);
  EXPECT_EQ(be_ebcdic_vax->char_rep, CharRep::ebcdic);
  EXPECT_EQ(be_ebcdic_vax->float_rep, FloatRep::vax);
  EXPECT_EQ(be_ebcdic_vax->encode(), (std::array<std::uint8_t, 4>{0x01, 1, 0, 0}));
}

TEST(Drep, RejectsIllegalLabels) {
  for (auto label : {std::array<std::uint8_t, 4>{0x20, 0, 0, 0}, {0x12, 0, 0, 0},
                     {0x10, 4, 0, 0}, {0x10, 0, 1, 0}, {0x10, 0, 0, 0x80}}) {
    auto d = Drep::decode(label);
    ASSERT_FALSE(d);
    EXPECT_TRUE(d.error().is(BaseErrc::bad_drep));
  }
}

TEST(Uuid, ParsesAndFormats) {
  auto u = Uuid::parse("E1AF8308-5D1F-11C9-91A4-08002B14A0FA");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->to_string(), "e1af8308-5d1f-11c9-91a4-08002b14a0fa");
  EXPECT_TRUE(Uuid::parse("{e1af8308-5d1f-11c9-91a4-08002b14a0fa}"));
  for (auto bad : {"", "e1af8308-5d1f-11c9-91a4-08002b14a0f", "e1af8308x5d1f-11c9-91a4-08002b14a0fa",
                   "g1af8308-5d1f-11c9-91a4-08002b14a0fa"}) {
    auto r = Uuid::parse(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_TRUE(r.error().is(BaseErrc::bad_uuid_text));
  }
}

TEST(Uuid, WireFormFollowsDrep) {
  const Uuid u = Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
  std::vector<std::uint8_t> le, be;
  ByteWriter wl(le, Drep::little()), wb(be, Drep::big());
  u.encode(wl);
  u.encode(wb);
  EXPECT_EQ(to_hex(le), "0883afe11f5dc91191a408002b14a0fa");
  EXPECT_EQ(to_hex(be), "e1af83085d1f11c991a408002b14a0fa");
  ByteReader rl(le, Drep::little()), rb(be, Drep::big());
  EXPECT_EQ(*Uuid::decode(rl), u);
  EXPECT_EQ(*Uuid::decode(rb), u);
}

TEST(SyntaxId, VersionPacksMajorLowMinorHigh) {
  const SyntaxId s{Uuid::from_string("afa8bd80-7d8a-11c9-bef4-08002b102989"), 1, 2};
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  s.encode(w);
  ASSERT_EQ(out.size(), 20u);
  EXPECT_EQ(to_hex(std::span(out).subspan(16)), "01000200");
  ByteReader r(out);
  EXPECT_EQ(*SyntaxId::decode(r), s);
  EXPECT_EQ(s.to_string(), "afa8bd80-7d8a-11c9-bef4-08002b102989 v1.2");
}

TEST(SyntaxId, BindTimeFeatureRoundTrips) {
  const SyntaxId s = syntax::make_bind_time_feature(0x0003);
  EXPECT_TRUE(syntax::is_bind_time_feature(s));
  EXPECT_EQ(syntax::bind_time_features(s), 0x0003);
  EXPECT_EQ(s.uuid.to_string(), "6cb71c2c-9812-4540-0300-000000000000");
  EXPECT_FALSE(syntax::is_bind_time_feature(syntax::kNdr20));
}

TEST(Hex, ParsesLooseText) {
  auto v = parse_hex("05 00 0b 03 # header\n0x10,00:00 00");
  ASSERT_TRUE(v);
  EXPECT_EQ(to_hex(*v, true), "05 00 0b 03 10 00 00 00");
  EXPECT_FALSE(parse_hex("0"));
  EXPECT_FALSE(parse_hex("zz"));
}

}  // namespace
}  // namespace rampart
