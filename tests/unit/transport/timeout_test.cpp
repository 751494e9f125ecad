// Slow and idle peers (docs/hardening.md C1, C13, "Slow and idle peers") with
// short limits over real loopback sockets.
#include "transport_fixture.hpp"

namespace rampart::transport::testing {
namespace {

runtime::ServerLimits short_limits() {
  runtime::ServerLimits l;
  l.header_timeout = 200ms;
  l.pdu_timeout = 300ms;
  l.bind_timeout = 5000ms;
  l.idle_timeout = 300ms;
  return l;
}

TEST(Timeouts, IdleConnectionIsClosed) {
  Fixture f(short_limits());
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.bind());
  EXPECT_TRUE(c.wait_closed(3s));
  EXPECT_TRUE(f.events->wait_close(CloseReason::idle_timeout));
}

TEST(Timeouts, ActiveConnectionIsNotIdle) {
  Fixture f(short_limits());
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.bind());
  for (std::uint32_t i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(c.call(0, {1}, 10 + i), std::vector<std::uint8_t>{1}) << "call " << i;
  }
}

TEST(Timeouts, TrickledHeaderHitsHeaderTimeout) {
  Fixture f(short_limits());
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.send_bytes(std::vector<std::uint8_t>{5, 0, 11, 3, 0x10}));
  EXPECT_TRUE(c.wait_closed(3s));
  EXPECT_TRUE(f.events->wait_close(CloseReason::header_timeout));
}

TEST(Timeouts, TrickledBodyHitsPduTimeout) {
  Fixture f(short_limits());
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  auto bind = pdu::encode(pdu::testing::make_pdu(pdu::PType::bind,
                                                 pdu::Bind{4280, 4280, 0, {{0, kTestSyntax, {syntax::kNdr20}}}}));
  ASSERT_TRUE(c.send_bytes(std::span(bind).first(24)));  // header plus 8 body octets
  EXPECT_TRUE(c.wait_closed(3s));
  EXPECT_TRUE(f.events->wait_close(CloseReason::pdu_timeout));
}

TEST(Timeouts, UnboundConnectionHitsBindTimeout) {
  auto limits = short_limits();
  limits.bind_timeout = 200ms;
  limits.idle_timeout = 10s;
  Fixture f(limits);
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  EXPECT_TRUE(c.wait_closed(3s));
  EXPECT_TRUE(f.events->wait_close(CloseReason::bind_timeout));
}

TEST(Timeouts, PeerThatDoesNotReadHitsSendQueueCap) {
  runtime::ServerLimits limits;
  limits.max_send_queue = 256 * 1024;
  Fixture f(limits);
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address, 4096));  // a tiny receive window
  ASSERT_TRUE(c.bind());
  // Ask for 64 KiB answers and never read them. Socket buffers absorb a few
  // MiB on loopback; the queue cap must trip before the 400 requests (25 MiB).
  const std::vector<std::uint8_t> stub{0, 64};
  bool closed = false;
  for (std::uint32_t i = 0; i < 400 && !closed; ++i) {
    closed = !c.send_pdu(c.request(2, stub, 100 + i)) ||
             f.events->wait_close(CloseReason::send_queue_full, 1ms);
  }
  EXPECT_TRUE(f.events->wait_close(CloseReason::send_queue_full));
}

TEST(Timeouts, ServerNewLimitsApplyToNewConnections) {
  Fixture f;  // default 120 s idle timeout
  const auto address = f.listen_v4();
  Client before;
  ASSERT_TRUE(before.connect_tcp(address));
  ASSERT_TRUE(before.bind());
  auto updated = short_limits();
  f.server->set_limits(updated);
  Client after;
  ASSERT_TRUE(after.connect_tcp(address));
  ASSERT_TRUE(after.bind());
  EXPECT_TRUE(after.wait_closed(3s));
  EXPECT_EQ(before.call(0, {5}), std::vector<std::uint8_t>{5}) << "the old connection keeps its limits";
}

}  // namespace
}  // namespace rampart::transport::testing
