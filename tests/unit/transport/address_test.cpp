#include <gtest/gtest.h>

#include "rampart/transport/pdu_clock.hpp"
#include "rampart/transport/listen_address.hpp"

namespace rampart::transport {
namespace {

TEST(ListenAddress, ParsesIpv4AndBracketedIpv6) {
  auto v4 = parse_tcp_address("0.0.0.0:135");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->tcp.port(), 135);
  EXPECT_EQ(v4->to_string(), "0.0.0.0:135");
  auto v6 = parse_tcp_address("[::1]:50000");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->tcp.address().is_v6());
  EXPECT_EQ(v6->to_string(), "[::1]:50000");
}

TEST(ListenAddress, RefusesWhatIsNotANumericAddressAndPort) {
  EXPECT_TRUE(parse_tcp_address("localhost:135").error().is(Errc::bad_address));
  EXPECT_TRUE(parse_tcp_address("::1:135").error().is(Errc::bad_address));
  EXPECT_TRUE(parse_tcp_address("[127.0.0.1]:135").error().is(Errc::bad_address));
  EXPECT_TRUE(parse_tcp_address("[::1]135").error().is(Errc::bad_address));
  EXPECT_TRUE(parse_tcp_address("127.0.0.1").error().is(Errc::bad_port));
  EXPECT_TRUE(parse_tcp_address("127.0.0.1:").error().is(Errc::bad_port));
  EXPECT_TRUE(parse_tcp_address("127.0.0.1:65536").error().is(Errc::bad_port));
  EXPECT_TRUE(parse_tcp_address("127.0.0.1:13x").error().is(Errc::bad_port));
}

TEST(ListenAddress, LocalPathMustBeAbsoluteAndFitSunPath) {
  EXPECT_TRUE(local_address("/run/rampart/epmapper.sock"));
  EXPECT_EQ(local_address("/run/x.sock")->to_string(), "local:/run/x.sock");
  EXPECT_TRUE(local_address("relative.sock").error().is(Errc::bad_address));
  EXPECT_TRUE(local_address("/" + std::string(200, 'a')).error().is(Errc::path_too_long));
}

TEST(PduClock, SeparatesHeaderFromBodyAcrossSplitReads) {
  using Clock = PduClock::Clock;
  PduClock clock;
  const auto t0 = Clock::time_point{} + std::chrono::seconds(1);
  // A little-endian bind header announcing 72 octets, fed in pieces.
  std::vector<std::uint8_t> pdu(72, 0);
  pdu[0] = 5;
  pdu[2] = 11;
  pdu[4] = 0x10;
  pdu[8] = 72;
  clock.feed(std::span(pdu).first(5), t0);
  EXPECT_TRUE(clock.in_header());
  EXPECT_EQ(clock.started(), t0);
  clock.feed(std::span(pdu).subspan(5, 20), t0 + std::chrono::seconds(1));
  EXPECT_FALSE(clock.in_header());
  EXPECT_EQ(clock.header_done(), t0 + std::chrono::seconds(1));
  // The rest of this PDU plus three octets of the next one.
  std::vector<std::uint8_t> tail(pdu.begin() + 25, pdu.end());
  tail.insert(tail.end(), {5, 0, 0});
  clock.feed(tail, t0 + std::chrono::seconds(2));
  EXPECT_TRUE(clock.in_header());
  EXPECT_EQ(clock.started(), t0 + std::chrono::seconds(2));
}

TEST(PduClock, ReadsBigEndianFragLength) {
  PduClock clock;
  std::vector<std::uint8_t> header(16, 0);
  header[8] = 0x01;  // 256 octets, big-endian drep (octet 4 = 0)
  header[9] = 0x00;
  clock.feed(header, PduClock::Clock::now());
  std::vector<std::uint8_t> body(239, 0);
  clock.feed(body, PduClock::Clock::now());
  EXPECT_FALSE(clock.in_header());
  std::vector<std::uint8_t> last{0, 5};
  clock.feed(last, PduClock::Clock::now());  // completes the PDU, starts the next
  EXPECT_TRUE(clock.in_header());
}

}  // namespace
}  // namespace rampart::transport
