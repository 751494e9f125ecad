// Reading inputs: format detection, golden hex files, and TCP reassembly
// from captures (real ones from tests/golden and synthetic ones with
// reordered, retransmitted and duplicated segments).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "input.hpp"
#include "rampart/base/hex.hpp"

namespace rampart::cli {
namespace {

namespace fs = std::filesystem;
const fs::path kGolden = RAMPART_GOLDEN_DIR;
using Bytes = std::vector<std::uint8_t>;

Bytes file_bytes(const fs::path& p) {
  std::string error;
  auto b = read_all(p.string(), 1u << 28, error);
  EXPECT_TRUE(b) << error;
  return b ? *b : Bytes{};
}

TEST(Input, DetectsFormats) {
  EXPECT_EQ(detect_format(file_bytes(kGolden / "captures/impacket_ept_lookup/session.pcapng")), InputFormat::pcap);
  EXPECT_EQ(detect_format(file_bytes(kGolden / "captures/impacket_ept_lookup/01-c2s-bind.hex")), InputFormat::hex);
  EXPECT_EQ(detect_format(Bytes{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0}), InputFormat::pcap);
  EXPECT_EQ(detect_format(Bytes{0x05, 0x00, 0x0b, 0x03, 0x10, 0, 0, 0}), InputFormat::raw);
  EXPECT_EQ(detect_format(Bytes{'0', '5', ' ', 'x'}), InputFormat::raw);
}

TEST(Input, DirectionFromGoldenNames) {
  EXPECT_EQ(direction_from_name("a/b/03-c2s-request.hex"), Direction::client_to_server);
  EXPECT_EQ(direction_from_name("04-s2c-response.hex"), Direction::server_to_client);
  EXPECT_EQ(direction_from_name("/tmp/pdu.bin"), Direction::unknown);
}

TEST(Input, HexFilesKeepTheirOctetsAndDropComments) {
  const fs::path p = kGolden / "captures/impacket_ept_lookup/01-c2s-bind.hex";
  std::string error;
  auto loaded = load_input(p.string(), file_bytes(p), InputFormat::automatic, 4, {}, error);
  ASSERT_TRUE(loaded) << error;
  ASSERT_EQ(loaded->chunks.size(), 1u);
  EXPECT_EQ(loaded->chunks[0].stream, 4u);
  EXPECT_EQ(loaded->chunks[0].direction, Direction::client_to_server);
  EXPECT_EQ(loaded->chunks[0].bytes.size(), 72u);
}

// Each direction of a golden session's capture reassembles to exactly the
// concatenation of that direction's .hex files.
TEST(Input, CaptureStreamsEqualTheGoldenHexFiles) {
  for (const auto& dir : fs::directory_iterator(kGolden / "captures")) {
    if (!dir.is_directory()) continue;
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(dir.path()))
      if (f.path().extension() == ".hex") files.push_back(f.path());
    std::sort(files.begin(), files.end());
    Bytes want[2];
    for (const auto& f : files) {
      std::ifstream in(f);
      std::stringstream s;
      s << in.rdbuf();
      auto b = parse_hex(s.str());
      ASSERT_TRUE(b);
      auto& to = want[direction_from_name(f.string()) == Direction::client_to_server ? 0 : 1];
      to.insert(to.end(), b->begin(), b->end());
    }
    std::string error;
    auto loaded = load_input("cap", file_bytes(dir.path() / "session.pcapng"), InputFormat::automatic, 0, {}, error);
    ASSERT_TRUE(loaded) << error;
    ASSERT_EQ(loaded->chunks.size(), 2u) << dir.path();
    EXPECT_EQ(loaded->chunks[0].direction, Direction::client_to_server);
    EXPECT_EQ(loaded->chunks[0].bytes, want[0]) << dir.path();
    EXPECT_EQ(loaded->chunks[1].bytes, want[1]) << dir.path();
    EXPECT_FALSE(loaded->chunks[0].gap);
    EXPECT_GT(loaded->chunks[0].frame_at(0), 0u);
  }
}

// ---- synthetic captures ----

void put16(Bytes& b, std::uint16_t v) { b.insert(b.end(), {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}); }
void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}
void put32le(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

struct Seg {
  bool from_client;
  std::uint32_t seq;
  Bytes data;
  std::uint8_t flags = 0x18;  // PSH|ACK
};

// An IPv4/TCP packet between 10.0.0.1:40000 (client) and 10.0.0.2:135.
Bytes ip_packet(const Seg& s) {
  Bytes p;
  p.insert(p.end(), {0x45, 0});
  put16(p, static_cast<std::uint16_t>(40 + s.data.size()));
  p.insert(p.end(), {0, 1, 0x40, 0, 64, 6, 0, 0});
  const Bytes a{10, 0, 0, 1}, b{10, 0, 0, 2};
  p.insert(p.end(), (s.from_client ? a : b).begin(), (s.from_client ? a : b).end());
  p.insert(p.end(), (s.from_client ? b : a).begin(), (s.from_client ? b : a).end());
  put16(p, s.from_client ? 40000 : 135);
  put16(p, s.from_client ? 135 : 40000);
  put32(p, s.seq);
  put32(p, 0);
  p.insert(p.end(), {0x50, s.flags, 0xff, 0xff, 0, 0, 0, 0});
  p.insert(p.end(), s.data.begin(), s.data.end());
  return p;
}

// A classic little-endian pcap with the given link type and link header.
Bytes pcap_file(std::uint32_t linktype, const Bytes& link_header, const std::vector<Seg>& segs, int copies) {
  Bytes f;
  put32le(f, 0xa1b2c3d4);
  f.insert(f.end(), {2, 0, 4, 0});
  put32le(f, 0);
  put32le(f, 0);
  put32le(f, 65535);
  put32le(f, linktype);
  for (const auto& s : segs)
    for (int c = 0; c < copies; ++c) {
      Bytes frame = link_header;
      const Bytes ip = ip_packet(s);
      frame.insert(frame.end(), ip.begin(), ip.end());
      put32le(f, 0);
      put32le(f, 0);
      put32le(f, static_cast<std::uint32_t>(frame.size()));
      put32le(f, static_cast<std::uint32_t>(frame.size()));
      f.insert(f.end(), frame.begin(), frame.end());
    }
  return f;
}

Bytes ethernet_ipv4() {
  Bytes h(12, 0);
  h.insert(h.end(), {0x08, 0x00});
  return h;
}

TEST(Pcap, ReordersSegmentsAndDropsRetransmissions) {
  const std::vector<Seg> segs = {
      {true, 999, {}, 0x02},  // SYN: the sender is the client, data starts at 1000
      {false, 4999, {}, 0x12},
      {true, 1003, {'d', 'e', 'f'}},        // arrives before the octets it follows
      {true, 1000, {'a', 'b', 'c'}},
      {true, 1000, {'a', 'b', 'c'}},        // retransmission
      {true, 1002, {'c', 'd', 'e', 'f', 'g'}},  // overlaps, adds "g"
      {false, 5000, {'x', 'y'}},
  };
  std::string error;
  auto loaded = load_input("syn", pcap_file(1, ethernet_ipv4(), segs, 1), InputFormat::automatic, 7, {}, error);
  ASSERT_TRUE(loaded) << error;
  ASSERT_EQ(loaded->chunks.size(), 2u);
  const Chunk& c2s = loaded->chunks[0];
  EXPECT_EQ(c2s.stream, 7u);
  EXPECT_EQ(c2s.direction, Direction::client_to_server);
  EXPECT_EQ(std::string(c2s.bytes.begin(), c2s.bytes.end()), "abcdefg");
  EXPECT_EQ(c2s.frame_at(0), 4u);  // "abc" came in frame 4
  EXPECT_EQ(c2s.frame_at(3), 3u);  // "def" was captured in frame 3, placed after frame 4
  EXPECT_EQ(c2s.frame_at(6), 6u);
  EXPECT_EQ(std::string(loaded->chunks[1].bytes.begin(), loaded->chunks[1].bytes.end()), "xy");
}

// A Linux "any" capture sees each loopback packet twice (sent and received);
// the copies must not duplicate octets.
TEST(Pcap, LoopbackDuplicatesAreDroppedInCookedCaptures) {
  Bytes sll(14, 0);
  sll.insert(sll.end(), {0x08, 0x00});
  const std::vector<Seg> segs = {{true, 1, {'h', 'i'}}, {false, 50, {'o', 'k'}}, {true, 3, {'!'}}};
  std::string error;
  auto loaded = load_input("any", pcap_file(113, sll, segs, 2), InputFormat::pcap, 0, {}, error);
  ASSERT_TRUE(loaded) << error;
  ASSERT_EQ(loaded->chunks.size(), 2u);
  EXPECT_EQ(std::string(loaded->chunks[0].bytes.begin(), loaded->chunks[0].bytes.end()), "hi!");
  EXPECT_EQ(std::string(loaded->chunks[1].bytes.begin(), loaded->chunks[1].bytes.end()), "ok");
}

// BSD loopback (a 4-octet address family) and raw IP captures.
TEST(Pcap, ReadsNullAndRawIpLinkTypes) {
  const std::vector<Seg> segs = {{true, 1, {'p', 'q'}}, {false, 9, {'r'}}};
  for (const auto& [linktype, header] : {std::pair<std::uint32_t, Bytes>{0, Bytes{2, 0, 0, 0}},
                                         std::pair<std::uint32_t, Bytes>{101, Bytes{}}}) {
    std::string error;
    auto loaded = load_input("lt", pcap_file(linktype, header, segs, 1), InputFormat::pcap, 0, {}, error);
    ASSERT_TRUE(loaded) << error;
    ASSERT_EQ(loaded->chunks.size(), 2u) << "link type " << linktype;
    EXPECT_EQ(loaded->chunks[0].bytes, (Bytes{'p', 'q'}));
    EXPECT_EQ(loaded->chunks[1].bytes, Bytes{'r'});
  }
}

TEST(Pcap, AGapThatNeverFillsIsReported) {
  const std::vector<Seg> segs = {{true, 1, {'a'}}, {true, 10, {'z'}}};
  std::string error;
  auto loaded = load_input("gap", pcap_file(1, ethernet_ipv4(), segs, 1), InputFormat::pcap, 0, {}, error);
  ASSERT_TRUE(loaded) << error;
  ASSERT_FALSE(loaded->chunks.empty());
  EXPECT_EQ(loaded->chunks[0].bytes, Bytes{'a'});
  EXPECT_TRUE(loaded->chunks[0].gap);
}

TEST(Pcap, GarbageIsAnErrorNotACrash) {
  std::string error;
  Bytes junk{0xd4, 0xc3, 0xb2, 0xa1, 1, 2, 3};
  EXPECT_FALSE(load_input("junk", junk, InputFormat::pcap, 0, {}, error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace rampart::cli
