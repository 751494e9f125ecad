// OBJREF ([MS-DCOM] 2.2.18): each form round-trips; every hostile shape is
// refused with the code the DCOM fault policy turns into RPC_E_INVALID_OBJREF.
#include <gtest/gtest.h>

#include "rampart/base/byte_writer.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/fault_policy.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/objref.hpp"

namespace rampart::dcom {
namespace {

const Uuid kIid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02");
const Uuid kIpid = Uuid::from_string("00001234-0000-0000-0000-000000000001");

DualStringArray sample_dsa() {
  DualStringArray d;
  d.strings.push_back({kTowerNcacnIpTcp, u"127.0.0.1[49152]"});
  d.security.push_back({0x0a, 0xffff, u"rampart"});
  return d;
}

ObjRef standard() {
  ObjRef o;
  o.iid = kIid;
  o.form = ObjRefStandard{StdObjRef{kSorfNoPing, 5, 0x1122334455667788ull, 0x99, kIpid}, sample_dsa()};
  return o;
}

void round_trip(const ObjRef& o) {
  auto bytes = o.encode();
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  auto back = ObjRef::decode(*bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, o);
  EXPECT_FALSE(back->describe().empty());
}

TEST(ObjRef, EveryFormRoundTrips) {
  round_trip(standard());
  ObjRef h = standard();
  h.form = ObjRefHandler{StdObjRef{0, 1, 2, 3, kIpid}, kIid, sample_dsa()};
  round_trip(h);
  ObjRef c = standard();
  c.form = ObjRefCustom{kIid, 0, 12, {1, 2, 3, 4, 5}};
  round_trip(c);
  ObjRef x = standard();
  x.form = ObjRefExtended{StdObjRef{0, 1, 2, 3, kIpid}, sample_dsa(), DataElement{kIid, {9, 9, 9}}};
  round_trip(x);
}

TEST(ObjRef, StandardLayoutMatchesTheSpecOffsets) {
  auto bytes = standard().encode();
  ASSERT_TRUE(bytes);
  const auto& b = *bytes;
  // 'MEOW', flags 1, iid, then STDOBJREF at 24: flags, refs, oxid at 32.
  EXPECT_EQ(b[0], 0x4d);
  EXPECT_EQ(b[3], 0x57);
  EXPECT_EQ(b[4], 0x01);
  EXPECT_EQ(b[25], 0x10);  // SORF_NOPING 0x1000, little-endian
  EXPECT_EQ(b[28], 5);
  EXPECT_EQ(b[32], 0x88);
  EXPECT_TRUE(ObjRef::decode(b)->form.index() == 0);
  EXPECT_TRUE(std::get<ObjRefStandard>(ObjRef::decode(b)->form).std.no_ping());
}

Errc decode_error(std::vector<std::uint8_t> b) {
  auto r = ObjRef::decode(b);
  EXPECT_FALSE(r);
  if (r) return Errc::objref_truncated;
  EXPECT_EQ(react(r.error()), (DcomReaction{DcomReaction::Kind::fault, hr::kInvalidObjref}));
  return r.error().code_as<Errc>();
}

TEST(ObjRef, RefusesHostileShapes) {
  const auto good = *standard().encode();
  auto b = good;
  b[0] = 'X';
  EXPECT_EQ(decode_error(b), Errc::objref_bad_signature);  // no MEOW
  for (std::uint8_t flags : {0x00, 0x03, 0x10, 0x05}) {
    b = good;
    b[4] = flags;
    EXPECT_EQ(decode_error(b), Errc::objref_bad_flags) << int{flags};
  }
  b = good;
  std::fill(b.begin() + 8, b.begin() + 24, 0);
  EXPECT_EQ(decode_error(b), Errc::objref_null_iid);
  b = good;
  b.push_back(0);
  EXPECT_EQ(decode_error(b), Errc::objref_trailing_bytes);
  for (std::size_t n : {std::size_t{0}, std::size_t{23}, std::size_t{40}, std::size_t{63}, std::size_t{66}}) {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    const auto e = decode_error(cut);
    EXPECT_TRUE(e == Errc::objref_truncated || e == Errc::dsa_truncated) << n;
  }
  b = good;
  b[64] = 0xff;  // wNumEntries of saResAddr beyond the data
  EXPECT_EQ(decode_error(b), Errc::dsa_truncated);
}

TEST(ObjRef, RefusesBadExtendedParts) {
  ObjRef x = standard();
  x.form = ObjRefExtended{StdObjRef{0, 1, 2, 3, kIpid}, sample_dsa(), DataElement{kIid, {1, 2, 3}}};
  const auto good = *x.encode();
  auto b = good;
  b[64] ^= 1;  // Signature1
  EXPECT_EQ(decode_error(b), Errc::objref_bad_extended);
  const std::size_t elm = good.size() - 8 - 24 - 8;  // nElms
  b = good;
  b[elm] = 2;
  EXPECT_EQ(decode_error(b), Errc::objref_bad_extended);
  b = good;
  b[elm + 8 + 16 + 4] = 16;  // cbRounded no longer cbSize rounded up
  EXPECT_EQ(decode_error(b), Errc::objref_bad_extended);
  b = good;
  b[elm + 8 + 16] = 9;  // cbSize 9 -> cbRounded must be 16
  b[elm + 8 + 16 + 4] = 16;
  EXPECT_EQ(decode_error(b), Errc::objref_truncated);
}

TEST(ObjRef, BoundsCustomData) {
  ObjRef c = standard();
  c.form = ObjRefCustom{kIid, 0, 0, std::vector<std::uint8_t>(100, 1)};
  ObjRefLimits limits;
  limits.max_custom_data = 99;
  EXPECT_TRUE(c.encode(limits).error().is(Errc::objref_custom_too_large));
  auto bytes = c.encode();
  ASSERT_TRUE(bytes);
  EXPECT_TRUE(ObjRef::decode(*bytes, limits).error().is(Errc::objref_custom_too_large));
}

}  // namespace
}  // namespace rampart::dcom
