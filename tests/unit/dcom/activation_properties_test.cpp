// The activation properties blob ([MS-DCOM] 2.2.22): the blob Impacket
// 0.10.0's CoCreateInstanceEx sends, and the MS03-039 shapes.
#include <gtest/gtest.h>

#include "rampart/base/hex.hpp"
#include "rampart/dcom/activation_properties.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/fault_policy.hpp"
#include "rampart/dcom/hresult.hpp"

namespace rampart::dcom {
namespace {

// Impacket 0.10.0, CoCreateInstanceEx(CLSID 7f1b2c3d-...-5f01, IID ...-5f02):
// InstantiationInfo, ActivationContextInfo, ServerLocationInfo and
// ScmRequestInfo (protseq 7); its InstantiationInfo gives the unpadded
// ObjectBufferLength 0x44.
const std::vector<std::uint8_t> kImpacket = *parse_hex(
    "680100000000000001100800cccccccc88000000cccccccc68010000980000000000000002000000040000000000000000000000000000000000000087530000a0d000000000000004000000ab01000000000000c000000000000046a501000000000000c000000000000046a401000000000000c000000000000046aa01000000000000c000000000000046040000005800000028000000200000003000000001100800cccccccc44000000cccccccc3d2c1b7f4e0a5f4c9d6e2b8a1c0e5f010000000000000000000000000100000000000000218500000000000005000700010000003d2c1b7f4e0a5f4c9d6e2b8a1c0e5f02fafafafa01100800cccccccc18000000cccccccc00000000000000000000000000000000000000000000000001100800cccccccc10000000cccccccc0000000000000000000000000000000001100800cccccccc1a000000cccccccc00000000618c0000000000000100aaaa97390000010000000700fafafafafafa");

constexpr std::size_t kTotalSizeAt = 8 + 16;
constexpr std::size_t kCIfsAt = 8 + 16 + 16;
constexpr std::size_t kPclsidAt = 8 + 16 + 48 + 4;  // after the max_count
constexpr std::size_t kPSizesAt = kPclsidAt + 4 * 16 + 4;

void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

Errc refused(const std::vector<std::uint8_t>& b) {
  auto r = parse_activation_properties(b);
  EXPECT_FALSE(r);
  if (r) return Errc::unknown_oxid;
  EXPECT_EQ(react(r.error()), (DcomReaction{DcomReaction::Kind::fault, hr::kInvalidArg}));
  return r.error().code_as<Errc>();
}

TEST(ActivationProperties, ReadsImpacketsRequest) {
  auto r = parse_activation_properties(kImpacket);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->clsid, Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01"));
  ASSERT_EQ(r->iids.size(), 1u);
  EXPECT_EQ(r->iids[0], Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02"));
  EXPECT_EQ(r->protseqs, std::vector<std::uint16_t>{7});
  EXPECT_EQ(r->properties.size(), 4u);
  EXPECT_FALSE(r->server_name);
}

TEST(ActivationProperties, RefusesInconsistentCustomHeaderSizes) {
  auto b = kImpacket;
  put32(b, kTotalSizeAt, 0x169);
  EXPECT_EQ(refused(b), Errc::actprop_bad_sizes);
  b = kImpacket;
  put32(b, 0, 0x167);  // dwSize
  EXPECT_EQ(refused(b), Errc::actprop_bad_sizes);
  b = kImpacket;
  put32(b, kPSizesAt, 0x60);  // pSizes no longer sum to totalSize
  EXPECT_EQ(refused(b), Errc::actprop_bad_sizes);
  b = kImpacket;
  put32(b, kTotalSizeAt + 4, 0xffff);  // headerSize past the blob
  EXPECT_EQ(refused(b), Errc::actprop_bad_sizes);
  b = kImpacket;
  put32(b, kCIfsAt, 11);  // cIfs above MAX_ACTPROP_LIMIT
  EXPECT_EQ(refused(b), Errc::actprop_bad_property);
  for (std::size_t n : {std::size_t{0}, std::size_t{31}, std::size_t{200}, kImpacket.size() - 1}) {
    std::vector<std::uint8_t> cut(kImpacket.begin(), kImpacket.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(refused(cut), Errc::actprop_bad_sizes) << n;
  }
}

TEST(ActivationProperties, PropertiesAreReadOnlyInsideTheirSlices) {
  // Move 8 octets from InstantiationInfo's slice to ActivationContext's:
  // the sum still matches, but neither property fits its slice.
  auto b = kImpacket;
  put32(b, kPSizesAt, 0x50);
  put32(b, kPSizesAt + 4, 0x30);
  EXPECT_EQ(refused(b), Errc::actprop_bad_property);
}

TEST(ActivationProperties, RequiresInstantiationAndScmRequestAndKnownUniqueProperties) {
  auto b = kImpacket;
  b[kPclsidAt + 3 * 16] = 0xa5;  // ScmRequestInfo renamed ActivationContextInfo: named twice
  EXPECT_EQ(refused(b), Errc::actprop_unknown_property);
  b = kImpacket;
  b[kPclsidAt + 3 * 16] = 0xee;  // an unknown property CLSID
  EXPECT_EQ(refused(b), Errc::actprop_unknown_property);
  b = kImpacket;
  b[kPclsidAt + 3 * 16] = 0xa6;  // ScmRequestInfo read as SecurityInfo: it does not decode as one
  const auto e = refused(b);
  EXPECT_TRUE(e == Errc::actprop_bad_property || e == Errc::actprop_missing_property);
}

TEST(ActivationProperties, BoundsTheInterfacesRequested) {
  ActivationLimits limits;
  limits.max_iids = 0;
  auto r = parse_activation_properties(kImpacket, limits);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::actprop_bad_value));
}

}  // namespace
}  // namespace rampart::dcom
