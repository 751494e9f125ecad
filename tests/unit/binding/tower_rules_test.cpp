// One test per tower rule (docs/hardening.md "Endpoint mapper"; C706 Appendix L):
// each malformed tower fails with its own code at the offending byte.
#include <gtest/gtest.h>

#include <vector>

#include "rampart/base/hex.hpp"
#include "rampart/binding/tower.hpp"

namespace rampart::binding {
namespace {

using Bytes = std::vector<std::uint8_t>;

const SyntaxId kEpm{Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

Bytes hex(const char* text) { return *parse_hex(text); }

// floor_count then the given floors.
Bytes tower(std::uint16_t count, const std::vector<Bytes>& floors) {
  Bytes out = {static_cast<std::uint8_t>(count), static_cast<std::uint8_t>(count >> 8)};
  for (const auto& f : floors) out.insert(out.end(), f.begin(), f.end());
  return out;
}

const Bytes kIfFloor =
    hex("13 00 0d 08 83 af e1 1f 5d c9 11 91 a4 08 00 2b 14 a0 fa 03 00 02 00 00 00");
const Bytes kNdrFloor =
    hex("13 00 0d 04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60 02 00 02 00 00 00");
const Bytes kCoFloor = hex("01 00 0b 02 00 00 00");
const Bytes kTcpFloor = hex("01 00 07 02 00 00 87");
const Bytes kIpFloor = hex("01 00 09 04 00 7f 00 00 01");

Bytes golden() { return tower(5, {kIfFloor, kNdrFloor, kCoFloor, kTcpFloor, kIpFloor}); }

template <class T>
void expect_error(const Result<T>& r, Errc code, std::size_t offset = kNoOffset) {
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().is(code)) << r.error().to_string();
  if (offset != kNoOffset) {
    EXPECT_EQ(r.error().offset(), offset) << r.error().to_string();
  }
}

TEST(TowerRules, GoldenIsAccepted) { ASSERT_TRUE(Tower::decode(golden())); }

TEST(TowerRules, EveryTruncationIsTowerTruncated) {
  const Bytes full = golden();
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto r = Tower::decode(std::span(full).first(n));
    expect_error(r, Errc::tower_truncated);
  }
}

TEST(TowerRules, TooLong) {
  TowerLimits small;
  small.max_tower_octets = 74;
  expect_error(Tower::decode(golden(), small), Errc::tower_too_long, 0);
}

TEST(TowerRules, NoFloors) { expect_error(Tower::decode(hex("00 00")), Errc::no_floors, 0); }

TEST(TowerRules, TooManyFloors) {
  expect_error(Tower::decode(tower(9, {})), Errc::too_many_floors, 0);
  expect_error(Tower::decode(hex("ff ff")), Errc::too_many_floors, 0);
  TowerLimits four;
  four.max_floors = 4;
  expect_error(Tower::decode(golden(), four), Errc::too_many_floors, 0);
}

TEST(TowerRules, UnknownFloorProtocolIds) {
  for (const std::uint8_t id : {0x00, 0x01, 0x06, 0x0e, 0x12, 0x20, 0x21, 0xff}) {
    Bytes f = hex("01 00 00 02 00 00 00");
    f[2] = id;
    expect_error(Tower::decode(tower(1, {f})), Errc::unknown_floor_protocol, 4);
  }
}

TEST(TowerRules, PlainFloorLhsMustBeOneOctet) {
  expect_error(Tower::decode(tower(1, {hex("00 00 02 00 00 00")})), Errc::floor_lhs_length, 2);
  expect_error(Tower::decode(tower(1, {hex("02 00 0b 00 02 00 00 00")})), Errc::floor_lhs_length, 2);
}

TEST(TowerRules, UuidFloorLhsMustBe19) {
  Bytes f = kIfFloor;
  f[0] = 0x12;  // lhs 18: the rhs_length then reads the UUID's last octet
  expect_error(Tower::decode(tower(1, {f})), Errc::uuid_floor_lhs_length, 2);
  expect_error(Tower::decode(tower(1, {hex("01 00 0d 02 00 00 00")})), Errc::uuid_floor_lhs_length, 2);
}

TEST(TowerRules, UuidFloorRhsMustBe2) {
  Bytes f = kIfFloor;
  f[21] = 0x03;
  f.push_back(0);
  expect_error(Tower::decode(tower(1, {f})), Errc::uuid_floor_rhs_length, 2 + 23);
}

TEST(TowerRules, ProtocolFloorRhsMustBe2) {
  expect_error(Tower::decode(tower(1, {hex("01 00 0b 01 00 00")})), Errc::version_rhs_length, 7);
  expect_error(Tower::decode(tower(1, {hex("01 00 0c 03 00 00 00 00")})), Errc::version_rhs_length);
  expect_error(Tower::decode(tower(1, {hex("01 00 0a 00 00")})), Errc::version_rhs_length);
}

TEST(TowerRules, PortFloorRhsMustBe2) {
  for (const char* f : {"01 00 07 01 00 87", "01 00 08 04 00 00 00 00 87", "01 00 1f 00 00"})
    expect_error(Tower::decode(tower(1, {hex(f)})), Errc::port_rhs_length, 7);
}

TEST(TowerRules, IpFloorRhsMustBe4) {
  expect_error(Tower::decode(tower(1, {hex("01 00 09 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01")})),
               Errc::ipv4_rhs_length, 7);
  expect_error(Tower::decode(tower(1, {hex("01 00 09 02 00 7f 01")})), Errc::ipv4_rhs_length, 7);
}

TEST(TowerRules, NamesMustBeTerminated) {
  expect_error(Tower::decode(tower(1, {hex("01 00 0f 00 00")})), Errc::string_not_terminated, 7);
  expect_error(Tower::decode(tower(1, {hex("01 00 10 03 00 61 62 63")})), Errc::string_not_terminated, 7);
}

TEST(TowerRules, NamesMustNotHoldEmbeddedNul) {
  expect_error(Tower::decode(tower(1, {hex("01 00 11 04 00 61 00 62 00")})), Errc::string_embedded_nul, 8);
}

TEST(TowerRules, NamesAreBounded) {
  Bytes f = hex("01 00 10 01 01");  // rhs 257 octets
  f.insert(f.end(), 256, 'a');
  f.push_back(0);
  expect_error(Tower::decode(tower(1, {f})), Errc::string_too_long, 7);
  f[3] = 0x00;  // rhs 256 octets: within the default limit
  f.erase(f.begin() + 5);
  EXPECT_TRUE(Tower::decode(tower(1, {f})));
}

TEST(TowerRules, NoTrailingBytes) {
  Bytes t = golden();
  t.push_back(0);
  expect_error(Tower::decode(t), Errc::trailing_bytes, 75);
  // A floor count that is too small leaves the later floors as trailing bytes.
  Bytes short_count = golden();
  short_count[0] = 4;
  expect_error(Tower::decode(short_count), Errc::trailing_bytes, 66);
}

TEST(TowerRules, LengthsPastTheEnd) {
  expect_error(Tower::decode(tower(1, {hex("05 00 0b")})), Errc::tower_truncated, 2);
  expect_error(Tower::decode(tower(1, {hex("01 00 0b 09 00 00")})), Errc::tower_truncated, 5);
}

// The typed view and the protocol view: decoded towers whose floors do not
// form a known protseq; both views refuse each with the same rule.
TEST(TowerView, Rules) {
  const std::vector<std::pair<std::vector<Bytes>, Errc>> cases = {
      {{kIfFloor, kNdrFloor, kCoFloor}, Errc::floor_count_mismatch},
      {{kCoFloor, kNdrFloor, kCoFloor, kTcpFloor, kIpFloor}, Errc::not_a_uuid_floor},
      {{kIfFloor, kCoFloor, kCoFloor, kTcpFloor, kIpFloor}, Errc::not_a_uuid_floor},
      {{kIfFloor, kNdrFloor, kTcpFloor, kTcpFloor, kIpFloor}, Errc::unknown_protseq},
      {{kIfFloor, kNdrFloor, hex("01 00 0a 02 00 00 00"), kTcpFloor, kIpFloor}, Errc::unknown_protseq},
      {{kIfFloor, kNdrFloor, kCoFloor, kTcpFloor}, Errc::floor_count_mismatch},
      {{kIfFloor, kNdrFloor, kCoFloor, kTcpFloor, kIpFloor, kIpFloor}, Errc::floor_count_mismatch},
      {{kIfFloor, kNdrFloor, kCoFloor, kTcpFloor, kTcpFloor}, Errc::unexpected_floor},
  };
  for (const auto& [floors, code] : cases) {
    auto t = Tower::decode(tower(static_cast<std::uint16_t>(floors.size()), floors));
    ASSERT_TRUE(t) << t.error().to_string();
    expect_error(t->binding(), code);
    expect_error(t->protocol(), code);
  }
}

// protocol() is binding() without the endpoint and address text, for
// every protseq.
TEST(TowerView, ProtocolAgreesWithBinding) {
  const std::vector<TowerBinding> bindings = {
      {kEpm, syntax::kNdr20, Protseq::ncacn_ip_tcp, 0, "135", "10.0.0.1"},
      {kEpm, syntax::kNdr20, Protseq::ncadg_ip_udp, 0, "135", ""},
      {kEpm, syntax::kNdr20, Protseq::ncacn_np, 0, "\\PIPE\\epmapper", "\\\\HOST"},
      {kEpm, syntax::kNdr20, Protseq::ncalrpc, 0, "epmapper", ""},
      {kEpm, syntax::kNdr20, Protseq::ncacn_http, 0, "593", "0.0.0.0"},
  };
  for (const auto& want : bindings) {
    auto t = Tower::build(want);
    ASSERT_TRUE(t) << t.error().to_string();
    const auto b = t->binding();
    const auto p = t->protocol();
    ASSERT_TRUE(b && p);
    EXPECT_EQ(p->interface, b->interface);
    EXPECT_EQ(p->transfer, b->transfer);
    EXPECT_EQ(p->info->id, b->protseq);
    EXPECT_EQ(p->info->id, want.protseq);
    EXPECT_EQ(p->protocol_minor, b->protocol_minor);
  }
}

TEST(TowerBuild, Rules) {
  auto build = [](Protseq p, std::string endpoint, std::string address) {
    return Tower::build({kEpm, syntax::kNdr20, p, 0, std::move(endpoint), std::move(address)});
  };
  for (const char* port : {"x", "65536", "0135", "-1", "1 ", "99999999999"})
    expect_error(build(Protseq::ncacn_ip_tcp, port, ""), Errc::bad_port);
  for (const char* ip : {"host.example", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..2.3", "::1"})
    expect_error(build(Protseq::ncadg_ip_udp, "135", ip), Errc::bad_ipv4);
  expect_error(build(Protseq::ncalrpc, "epmapper", "host"), Errc::unexpected_address);
  expect_error(build(Protseq::ncalrpc, std::string(256, 'a'), ""), Errc::string_too_long);
  expect_error(build(Protseq::ncacn_np, "\\pipe\\x", std::string("a\0b", 3)), Errc::string_embedded_nul);
  TowerLimits tight;
  tight.max_tower_octets = 70;
  expect_error(Tower::build({kEpm, syntax::kNdr20, Protseq::ncacn_ip_tcp, 0, "1", ""}, tight),
               Errc::tower_too_long);
  EXPECT_TRUE(build(Protseq::ncalrpc, std::string(255, 'a'), ""));
}

TEST(TowerText, Ipv4AndPorts) {
  EXPECT_EQ(*parse_ipv4("255.0.10.1"), (std::array<std::uint8_t, 4>{255, 0, 10, 1}));
  EXPECT_EQ(format_ipv4({10, 0, 0, 255}), "10.0.0.255");
  EXPECT_EQ(*parse_port("0"), 0);
  EXPECT_EQ(*parse_port("65535"), 65535);
  expect_error(parse_port(""), Errc::bad_port);
  expect_error(parse_ipv4(""), Errc::bad_ipv4);
  expect_error(parse_ipv4("1.2.3.4."), Errc::bad_ipv4);
}

TEST(Errc, EveryCodeHasAName) {
  for (std::uint16_t c = 1; c <= static_cast<std::uint16_t>(Errc::too_many_options); ++c) {
    EXPECT_STRNE(ErrorCodeTraits<Errc>::name(static_cast<Errc>(c)), "unknown") << c;
  }
  EXPECT_EQ(Error(Errc::trailing_bytes, "x", 3).to_string(), "binding.trailing_bytes at byte 3: x");
}

}  // namespace
}  // namespace rampart::binding
