#include <gtest/gtest.h>

#include "rampart/interfaces/mgmt.hpp"
#include "unit/interfaces/vectors.hpp"

namespace rampart::mgmt {
namespace {

using epm::test::Bytes;
using epm::test::put32;

TEST(Mgmt, InqIfIdsWireForm) {
  const RpcIfId epm{epm::kInterface.uuid, 3, 0};
  InqIfIdsResponse r{std::vector<std::optional<RpcIfId>>{epm}, 0};
  auto bytes = ndr::encode_stub(r, Drep::little());
  ASSERT_TRUE(bytes);
  Bytes expect;
  for (std::uint32_t v : {0x00020000u, 1u, 1u, 0x00020004u}) put32(expect, v);
  expect.insert(expect.end(), {0x08, 0x83, 0xaf, 0xe1, 0x1f, 0x5d, 0xc9, 0x11, 0x91, 0xa4, 0x08,
                               0x00, 0x2b, 0x14, 0xa0, 0xfa, 0x03, 0x00, 0x00, 0x00});
  put32(expect, 0);
  EXPECT_EQ(*bytes, expect);
  EXPECT_EQ(r.describe(),
            "mgmt inq_if_ids response\n  if_id_vector: 1 entries\n"
            "    if_id[0]: e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0\n  status: 0x00000000\n");
  expect[8] = 2;  // count differs from max_count
  auto bad = ndr::decode_stub<InqIfIdsResponse>(expect, Drep::little());
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is(ndr::Errc::conformance_mismatch));
}

TEST(Mgmt, InqIfIdsNullVector) {
  Bytes stub;
  put32(stub, 0);
  put32(stub, 0x16c9a0d6);
  auto r = ndr::decode_stub<InqIfIdsResponse>(stub, Drep::little());
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->if_id_vector);
}

TEST(Mgmt, InqStatsCountCorrelation) {
  Bytes stub;
  for (std::uint32_t v : {2u, 3u, 1u, 2u, 3u, 0u}) put32(stub, v);
  auto r = ndr::decode_stub<InqStatsResponse>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::conformance_mismatch));
}

TEST(Mgmt, IsServerListeningOrder) {
  Bytes stub;
  put32(stub, 0);
  put32(stub, 1);
  auto r = ndr::decode_stub<IsServerListeningResponse>(stub, Drep::little());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 0u);
  EXPECT_EQ(r->listening, 1u);
}

TEST(Mgmt, PrincNameBoundedAndTerminated) {
  Bytes stub;
  for (std::uint32_t v : {2000u, 0u, 1100u}) put32(stub, v);
  stub.insert(stub.end(), 1099, 'a');
  stub.push_back(0);
  put32(stub, 0);
  auto r = ndr::decode_stub<InqPrincNameResponse>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::string_too_long));

  Bytes unterminated;
  for (std::uint32_t v : {4u, 0u, 4u}) put32(unterminated, v);
  unterminated.insert(unterminated.end(), {'a', 'b', 'c', 'd'});
  put32(unterminated, 0);
  r = ndr::decode_stub<InqPrincNameResponse>(unterminated, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::string_not_terminated));

  Bytes zero_max;
  for (std::uint32_t v : {0u, 0u, 0u, 0u}) put32(zero_max, v);
  r = ndr::decode_stub<InqPrincNameResponse>(zero_max, Drep::little());
  ASSERT_FALSE(r);
}

TEST(Mgmt, PrincNameEncoderRespectsSize) {
  InqPrincNameResponse r{4, "abcd", 0};
  auto enc = ndr::encode_stub(r, Drep::little());
  ASSERT_FALSE(enc);
  EXPECT_TRUE(enc.error().is(ndr::Errc::actual_exceeds_max));
}

}  // namespace
}  // namespace rampart::mgmt
