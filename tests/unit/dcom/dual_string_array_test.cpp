// DUALSTRINGARRAY ([MS-DCOM] 2.2.19): round trips and every refusal.
#include <gtest/gtest.h>

#include "rampart/dcom/dual_string_array.hpp"
#include "rampart/dcom/errc.hpp"

namespace rampart::dcom {
namespace {

std::vector<std::uint16_t> u(std::initializer_list<int> v) {
  std::vector<std::uint16_t> out;
  for (int x : v) out.push_back(static_cast<std::uint16_t>(x));
  return out;
}

TEST(DualStringArray, SmallestArrayFromTheSpec) {
  // 2.2.19.1: wNumEntries 4, wSecurityOffset 2, four zeros.
  const auto units = u({0, 0, 0, 0});
  auto d = DualStringArray::parse_units(4, 2, units);
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_TRUE(d->strings.empty());
  EXPECT_TRUE(d->security.empty());
  auto enc = d->to_units();
  ASSERT_TRUE(enc);
  EXPECT_EQ(enc->units, units);
  EXPECT_EQ(enc->security_offset, 2);
}

TEST(DualStringArray, BindingsRoundTrip) {
  DualStringArray d;
  d.strings.push_back({kTowerNcacnIpTcp, u"127.0.0.1[49152]"});
  d.strings.push_back({kTowerNcacnIpTcp, u"host"});
  d.security.push_back({0x0a, 0xffff, u"rampart"});
  auto enc = d.to_units();
  ASSERT_TRUE(enc);
  auto back = DualStringArray::parse_units(static_cast<std::uint16_t>(enc->units.size()), enc->security_offset, enc->units);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, d);
  std::vector<std::uint8_t> packed;
  ASSERT_TRUE(d.encode_packed(packed));
  ByteReader r(packed);
  auto again = DualStringArray::decode_packed(r);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, d);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(DualStringArray, WindowsShapeWithEmptyPrincipalsParses) {
  // tower 7 "a", end; security (0x0a, 0xffff, "") (0x09, 0xffff, ""), end.
  const auto units = u({7, 'a', 0, 0, 0x0a, 0xffff, 0, 0x09, 0xffff, 0, 0});
  auto d = DualStringArray::parse_units(static_cast<std::uint16_t>(units.size()), 4, units);
  ASSERT_TRUE(d) << d.error().to_string();
  ASSERT_EQ(d->security.size(), 2u);
  EXPECT_TRUE(d->security[0].princ_name.empty());
}

TEST(DualStringArray, NeverEncodesWhatItWouldRefuse) {
  DualStringArray d;
  d.strings.push_back({0, u"a"});
  EXPECT_TRUE(d.to_units().error().is(Errc::dsa_bad_binding));
  d.strings = {{7, u""}};
  EXPECT_TRUE(d.to_units().error().is(Errc::dsa_bad_binding));
  d.strings = {{7, std::u16string(1, u'\0')}};
  EXPECT_TRUE(d.to_units().error().is(Errc::dsa_bad_binding));
}

struct Bad {
  const char* name;
  std::uint16_t num;
  std::uint16_t offset;
  std::vector<std::uint16_t> units;
  Errc expected;
};

TEST(DualStringArray, RefusesEachHostileShape) {
  const Bad cases[] = {
      {"count exceeds units", 5, 2, u({0, 0, 0, 0}), Errc::dsa_truncated},
      {"offset zero", 4, 0, u({0, 0, 0, 0}), Errc::dsa_bad_security_offset},
      {"offset at end", 4, 4, u({0, 0, 0, 0}), Errc::dsa_bad_security_offset},
      {"offset past end", 4, 9, u({0, 0, 0, 0}), Errc::dsa_bad_security_offset},
      {"string unterminated", 4, 3, u({7, 'a', 'b', 0}), Errc::dsa_missing_terminator},
      {"no section zero", 5, 3, u({7, 'a', 0, 0, 0}), Errc::dsa_missing_terminator},
      {"units after zero", 6, 4, u({7, 'a', 0, 0, 0, 5}), Errc::dsa_missing_terminator},
      {"security runs over", 6, 4, u({7, 'a', 0, 0, 10, 0xffff}), Errc::dsa_missing_terminator},
      {"empty address", 5, 3, u({7, 0, 0, 0, 0}), Errc::dsa_bad_binding},
      {"too large", 9000, 2, std::vector<std::uint16_t>(9000, 0), Errc::dsa_too_large},
  };
  for (const auto& c : cases) {
    auto d = DualStringArray::parse_units(c.num, c.offset, c.units);
    ASSERT_FALSE(d) << c.name;
    EXPECT_TRUE(d.error().is(c.expected)) << c.name << ": " << d.error().to_string();
  }
}

TEST(DualStringArray, BoundsNamesAndBindingCounts) {
  DsaLimits limits;
  limits.max_name_units = 4;
  limits.max_bindings = 1;
  const auto long_name = u({7, 'a', 'b', 'c', 'd', 'e', 0, 0, 0, 0});
  EXPECT_TRUE(DualStringArray::parse_units(10, 8, long_name, limits).error().is(Errc::dsa_name_too_long));
  const auto two = u({7, 'a', 0, 7, 'b', 0, 0, 0, 0});
  EXPECT_TRUE(DualStringArray::parse_units(9, 7, two, limits).error().is(Errc::dsa_too_many_bindings));
}

TEST(DualStringArray, PackedFormRefusesCountsPastTheData) {
  const std::vector<std::uint8_t> bytes = {0xff, 0x00, 0x02, 0x00, 0, 0, 0, 0};
  ByteReader r(bytes);
  EXPECT_TRUE(DualStringArray::decode_packed(r).error().is(Errc::dsa_truncated));
}

}  // namespace
}  // namespace rampart::dcom
