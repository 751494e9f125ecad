// Towers (C706 Appendix L): the golden ept_map tower, per-protseq round
// trips, and one test per decode rule with its error code.
#include <gtest/gtest.h>

#include <vector>

#include "rampart/base/hex.hpp"
#include "rampart/binding/tower.hpp"

namespace rampart::binding {
namespace {

using Bytes = std::vector<std::uint8_t>;

const SyntaxId kEpm{Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

// The 5-floor ncacn_ip_tcp tower Impacket's hept_map sends in ept_map, here
// for the endpoint mapper itself on port 135 and address 0.0.0.0.
Bytes golden_epm_tower() {
  return *parse_hex(
      "05 00"
      // floor 1: lhs 19 = 0x0d, interface UUID (LE GUID), major 3; rhs 2 = minor 0
      "13 00 0d 08 83 af e1 1f 5d c9 11 91 a4 08 00 2b 14 a0 fa 03 00 02 00 00 00"
      // floor 2: NDR20 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0
      "13 00 0d 04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60 02 00 02 00 00 00"
      // floor 3: 0x0b connection-oriented RPC, minor 0
      "01 00 0b 02 00 00 00"
      // floor 4: 0x07 TCP port 135, big-endian
      "01 00 07 02 00 00 87"
      // floor 5: 0x09 IPv4 0.0.0.0
      "01 00 09 04 00 00 00 00 00");
}

const char* const kGoldenDescribe =
    "tower ncacn_ip_tcp, 5 floors\n"
    "  floor 1: uuid (0x0d) e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0\n"
    "  floor 2: uuid (0x0d) 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0\n"
    "  floor 3: ncacn (0x0b) minor 0\n"
    "  floor 4: tcp (0x07) port 135\n"
    "  floor 5: ip (0x09) 0.0.0.0\n";

TEST(Tower, GoldenEptMapTowerIsByteExact) {
  const Bytes bytes = golden_epm_tower();
  ASSERT_EQ(bytes.size(), 75u);
  auto t = Tower::decode(bytes);
  ASSERT_TRUE(t) << t.error().to_string();
  EXPECT_EQ(t->floors().size(), 5u);
  EXPECT_EQ(t->encode(), bytes);
  EXPECT_EQ(t->describe(), kGoldenDescribe);
}

TEST(Tower, GoldenTowerTypedView) {
  auto t = Tower::decode(golden_epm_tower());
  ASSERT_TRUE(t);
  auto b = t->binding();
  ASSERT_TRUE(b) << b.error().to_string();
  EXPECT_EQ(b->protseq, Protseq::ncacn_ip_tcp);
  EXPECT_EQ(b->interface, kEpm);
  EXPECT_EQ(b->transfer, syntax::kNdr20);
  EXPECT_EQ(b->protocol_minor, 0);
  EXPECT_EQ(b->endpoint, "135");
  EXPECT_EQ(b->address, "0.0.0.0");
}

TEST(Tower, BuildReproducesGoldenTower) {
  TowerBinding b{kEpm, syntax::kNdr20, Protseq::ncacn_ip_tcp, 0, "135", "0.0.0.0"};
  auto t = Tower::build(b);
  ASSERT_TRUE(t) << t.error().to_string();
  EXPECT_EQ(t->encode(), golden_epm_tower());
}

TEST(Tower, EmptyEndpointAndAddressMeanZero) {
  TowerBinding b{kEpm, syntax::kNdr20, Protseq::ncacn_ip_tcp, 0, "", ""};
  auto t = Tower::build(b);
  ASSERT_TRUE(t);
  auto v = t->binding();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->endpoint, "0");
  EXPECT_EQ(v->address, "0.0.0.0");
}

struct ProtseqCase {
  Protseq protseq;
  const char* endpoint;
  const char* address;
  std::size_t floors;
  std::size_t octets;
};

class TowerRoundTrip : public ::testing::TestWithParam<ProtseqCase> {};

TEST_P(TowerRoundTrip, BuildEncodeDecodeView) {
  const auto& c = GetParam();
  TowerBinding b{kEpm, syntax::kNdr20, c.protseq, 0, c.endpoint, c.address};
  auto built = Tower::build(b);
  ASSERT_TRUE(built) << built.error().to_string();
  const auto bytes = built->encode();
  EXPECT_EQ(bytes.size(), c.octets);
  auto decoded = Tower::decode(bytes);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_EQ(*decoded, *built);
  EXPECT_EQ(decoded->floors().size(), c.floors);
  EXPECT_EQ(decoded->encode(), bytes);
  auto view = decoded->binding();
  ASSERT_TRUE(view) << view.error().to_string();
  EXPECT_EQ(*view, b);
}

INSTANTIATE_TEST_SUITE_P(
    EveryProtseq, TowerRoundTrip,
    ::testing::Values(
        ProtseqCase{Protseq::ncacn_ip_tcp, "49664", "192.168.1.10", 5, 75},
        ProtseqCase{Protseq::ncadg_ip_udp, "135", "10.0.0.1", 5, 75},
        // 2+25+25+7 + (5+15 "\PIPE\epmapper\0") + (5+9 "\\SERVER\0")
        ProtseqCase{Protseq::ncacn_np, "\\PIPE\\epmapper", "\\\\SERVER", 5, 93},
        ProtseqCase{Protseq::ncalrpc, "epmapper", "", 4, 73},
        ProtseqCase{Protseq::ncacn_http, "593", "127.0.0.1", 5, 75}));

TEST(Tower, DescribesNameFloorsAndUnknownShapes) {
  TowerBinding b{kEpm, syntax::kNdr20, Protseq::ncacn_np, 0, "\\pipe\\epmapper", "\\\\HOST"};
  auto t = Tower::build(b);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->describe(),
            "tower ncacn_np, 5 floors\n"
            "  floor 1: uuid (0x0d) e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0\n"
            "  floor 2: uuid (0x0d) 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0\n"
            "  floor 3: ncacn (0x0b) minor 0\n"
            "  floor 4: named_pipe (0x0f) \"\\\\pipe\\\\epmapper\"\n"
            "  floor 5: netbios (0x11) \"\\\\\\\\HOST\"\n");
  Tower odd({Floor::address({1, 2, 3, 4})});
  EXPECT_EQ(odd.describe(), "tower unrecognised, 1 floor\n  floor 1: ip (0x09) 1.2.3.4\n");
  Tower ctl({Floor::name(FloorProtocol::pipe, "a\x01\"")});
  EXPECT_EQ(ctl.describe(), "tower unrecognised, 1 floor\n  floor 1: local_name (0x10) \"a\\x01\\\"\"\n");
}

TEST(Tower, ImpacketNpMapTowerWithEmptyPipeName) {
  // hept_map for ncacn_np sends a pipe floor holding only the NUL.
  auto tail = *parse_hex("01 00 0b 02 00 00 00  01 00 0f 01 00 00  01 00 11 05 00 5c 5c 48 53 00");
  auto bytes = golden_epm_tower();
  bytes.resize(2 + 25 + 25);
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  auto t = Tower::decode(bytes);
  ASSERT_TRUE(t) << t.error().to_string();
  EXPECT_EQ(t->encode(), bytes);
  auto v = t->binding();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->protseq, Protseq::ncacn_np);
  EXPECT_EQ(v->endpoint, "");
  EXPECT_EQ(v->address, "\\\\HS");
}

}  // namespace
}  // namespace rampart::binding
