#include <gtest/gtest.h>

// ept_map as the code generated from idl/c706/epm.idl reads and writes it:
// Impacket's and Samba's stubs byte for byte, and the checks twr_t's
// attributes carry (size_is(tower_length), [range(0, twr_max_tower_octets)])
// on hostile input.
#include "unit/interfaces/samples.hpp"

namespace rampart::epm {
namespace {

using test::Bytes;
using spec::epm::ept_map_request;
using spec::epm::ept_map_response;

TEST(EptMap, ImpacketRequestDecodesAndReencodesExactly) {
  const Bytes stub = test::ept_map_request_stub();
  ASSERT_EQ(stub.size(), 132u);
  auto r = ndr::decode_stub<ept_map_request>(stub, Drep::little());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_TRUE(r->obj);
  EXPECT_TRUE(r->obj->is_nil());
  ASSERT_TRUE(r->map_tower);
  EXPECT_EQ(r->map_tower->tower_octet_string, test::tcp_tower(0, {0, 0, 0, 0}));
  EXPECT_TRUE(r->entry_handle.is_null());
  EXPECT_EQ(r->max_towers, 1u);
  auto again = ndr::encode_stub(*r, Drep::little());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, stub);
}

TEST(EptMap, RequestDescribeIsStable) {
  auto r = ndr::decode_stub<ept_map_request>(test::ept_map_request_stub(), Drep::little());
  ASSERT_TRUE(r);
  const std::string d = r->describe();
  EXPECT_EQ(d.rfind("ept_map request\n"
                    "  obj: 00000000-0000-0000-0000-000000000000\n"
                    "  map_tower:\n"
                    "    75 octets\n"
                    "      tower ncacn_ip_tcp, 5 floors\n"
                    "        floor 1: uuid (0x0d) 12345778-1234-abcd-ef00-0123456789ac v1.0\n",
                    0),
            0u)
      << d;
  EXPECT_NE(d.find("  entry_handle: attributes 0x00000000 uuid 00000000-0000-0000-0000-000000000000\n"
                   "  max_towers: 1\n"),
            std::string::npos)
      << d;
}

TEST(EptMap, SambaReplyForOneTower) {
  const Bytes stub = test::ept_map_reply_stub();
  ASSERT_EQ(stub.size() + 24, 152u);
  auto r = ndr::decode_stub<ept_map_response>(stub, Drep::little());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->max_towers, 1u);
  ASSERT_EQ(r->ITowers.size(), 1u);
  ASSERT_TRUE(r->ITowers[0]);
  EXPECT_EQ(r->ITowers[0]->tower_octet_string, test::tcp_tower(49664, {10, 0, 0, 5}));
  EXPECT_EQ(r->status, 0u);
  // Rampart numbers full pointers 1, 2, ...; otherwise the bytes match.
  auto again = ndr::encode_stub(*r, Drep::little());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, test::ept_map_reply_stub(1));
  EXPECT_NE(r->describe().find("tcp (0x07) port 49664"), std::string::npos) << r->describe();
}

TEST(EptMap, NotRegisteredReply) {
  const Bytes stub = test::ept_map_not_registered_stub();
  auto r = ndr::decode_stub<ept_map_response>(stub, Drep::little());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(r->ITowers.empty());
  EXPECT_EQ(r->status, spec::epm::ept_s_not_registered);
  EXPECT_EQ(*ndr::encode_stub(*r, Drep::little()), stub);
  EXPECT_NE(r->describe().find("status: 382312662\n"), std::string::npos) << r->describe();
}

TEST(EptMap, TowerLengthMustEqualConformance) {
  Bytes stub = test::ept_map_request_stub();
  stub[28] = 74;  // tower_length
  auto r = ndr::decode_stub<ept_map_request>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::conformance_mismatch));
  EXPECT_EQ(r.error().offset(), 32u);  // just after the tower_length that disagrees
}

TEST(EptMap, OversizedTowerIsRefusedBeforeReading) {
  Bytes stub = test::ept_map_request_stub();
  stub[24] = stub[28] = 0x00;
  stub[25] = stub[29] = 0x08;  // 2048 octets
  auto r = ndr::decode_stub<ept_map_request>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::range_violation));
}

TEST(EptMap, MaxTowersRange) {
  Bytes stub = test::ept_map_request_stub();
  stub[128] = 0xf5;
  stub[129] = 0x01;  // 501
  auto r = ndr::decode_stub<ept_map_request>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::range_violation));
  stub[128] = 0xf4;  // 500 is allowed
  EXPECT_TRUE(ndr::decode_stub<ept_map_request>(stub, Drep::little()));
}

TEST(EptMap, TopLevelReferentIdReusedAcrossTypes) {
  Bytes stub = test::ept_map_request_stub();
  stub[20] = 1;  // map_tower reuses the object's id
  auto r = ndr::decode_stub<ept_map_request>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::bad_referent_id));
}

TEST(EptMap, NullPointersAreRepresentable) {
  Bytes stub(8, 0x00);
  stub.insert(stub.end(), 20, 0x00);
  test::put32(stub, 0);
  auto r = ndr::decode_stub<ept_map_request>(stub, Drep::little());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_FALSE(r->obj);
  EXPECT_FALSE(r->map_tower);
  EXPECT_EQ(*ndr::encode_stub(*r, Drep::little()), stub);
  EXPECT_NE(r->describe().find("map_tower: NULL"), std::string::npos);
}

TEST(EptMap, EveryTruncationFailsCleanly) {
  const Bytes stub = test::ept_map_request_stub();
  for (std::size_t n = 0; n < stub.size(); ++n) {
    auto r = ndr::decode_stub<ept_map_request>(std::span(stub.data(), n), Drep::little());
    EXPECT_FALSE(r) << "length " << n;
  }
  Bytes longer = stub;
  longer.push_back(0);
  auto r = ndr::decode_stub<ept_map_request>(longer, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::trailing_bytes));
}

TEST(EptMap, ReplyCorrelations) {
  Bytes stub = test::ept_map_reply_stub();
  stub[20] = 2;  // num_towers 2 but actual_count 1
  auto r = ndr::decode_stub<ept_map_response>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::actual_exceeds_max) || r.error().is(ndr::Errc::length_mismatch));
  stub = test::ept_map_reply_stub();
  stub[28] = 1;  // offset 1
  r = ndr::decode_stub<ept_map_response>(stub, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::variance_offset_nonzero));
}

TEST(EptMap, ReplyWithHugeCountsAllocatesNothing) {
  Bytes stub(20, 0x00);
  test::put32(stub, 0x00ffffff);
  test::put32(stub, 0x00ffffff);
  test::put32(stub, 0);
  test::put32(stub, 0x00ffffff);
  stub.insert(stub.end(), 8, 0x00);
  ndr::Decoder d(stub, Drep::little());
  auto r = ept_map_response::decode(d);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::count_exceeds_limit));
  EXPECT_EQ(d.allocated(), 0u);
}

// Two towers with one referent id (C706 14.3.11.3 aliasing): generated
// stubs refuse it (docs/deviations.md 4), as bad stub data.
TEST(EptMap, ReplyTowerAliasesAreRefused) {
  Bytes b(20, 0x00);
  for (std::uint32_t v : {3u, 3u, 0u, 3u, 7u, 0u, 7u}) test::put32(b, v);
  test::put32(b, 3);
  test::put32(b, 3);
  b.insert(b.end(), {0xaa, 0xbb, 0xcc, 0x00});
  test::put32(b, 0);
  auto r = ndr::decode_stub<ept_map_response>(b, Drep::little());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ndr::Errc::bad_referent_id)) << r.error().to_string();
}

TEST(EptMap, BigEndianRoundTrip) {
  auto r = ndr::decode_stub<ept_map_request>(test::ept_map_request_stub(), Drep::little());
  ASSERT_TRUE(r);
  auto be = ndr::encode_stub(*r, Drep::big());
  ASSERT_TRUE(be);
  ASSERT_EQ(be->size(), 132u);
  EXPECT_EQ((*be)[3], 0x01);  // referent id 1, big-endian
  EXPECT_EQ((*be)[27], 75);   // conformance, big-endian
  auto back = ndr::decode_stub<ept_map_request>(*be, Drep::big());
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, *r);
}

}  // namespace
}  // namespace rampart::epm
