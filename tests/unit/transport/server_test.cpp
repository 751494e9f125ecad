// End-to-end tests of the transport over real loopback sockets.
#include <sys/stat.h>

#include <set>

#include "transport_fixture.hpp"

namespace rampart::transport::testing {
namespace {

TEST(Server, BindAndEchoOverIpv4Loopback) {
  Fixture f;
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.bind());
  const std::vector<std::uint8_t> stub{1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(c.call(0, stub), stub);
  EXPECT_EQ(c.call(0, stub, 3), stub);  // a second call on the same connection
  EXPECT_EQ(f.server->connection_count(), 1u);
}

TEST(Server, BindAndEchoOverIpv6Loopback) {
  Fixture f;
  auto bound = f.server->listen(*parse_tcp_address("[::1]:0"));
  if (!bound) GTEST_SKIP() << "no IPv6 loopback: " << bound.error().message();
  Client c;
  ASSERT_TRUE(c.connect_tcp(*bound));
  ASSERT_TRUE(c.bind());
  auto answer = c.call(3, {});
  ASSERT_TRUE(answer);
  EXPECT_EQ(std::string(answer->begin(), answer->end()), "tcp loopback");
}

TEST(Server, Ipv4AndIpv6ListenersShareAPort) {
  Fixture f;
  auto v6 = f.server->listen(*parse_tcp_address("[::1]:0"));
  if (!v6) GTEST_SKIP() << "no IPv6 loopback";
  auto v4 = parse_tcp_address("127.0.0.1:0");
  v4->tcp.port(v6->tcp.port());
  EXPECT_TRUE(f.server->listen(*v4).has_value());
  EXPECT_EQ(f.server->listeners().size(), 2u);
}

TEST(Server, EveryWorkerAcceptsConnectionsOnATcpPort) {
  Fixture f;  // two workers
  const auto address = f.listen_v4();
  std::set<std::vector<std::uint8_t>> serving_threads;
  std::vector<Client> clients(64);
  for (auto& c : clients) {
    ASSERT_TRUE(c.connect_tcp(address));
    ASSERT_TRUE(c.bind());
    auto thread = c.call(4, {});
    ASSERT_TRUE(thread);
    serving_threads.insert(*thread);
  }
  // The kernel spreads connections over the workers' SO_REUSEPORT sockets by
  // a hash of the addresses: 64 connections all on one worker is a 2^-63 chance.
  EXPECT_EQ(serving_threads.size(), 2u);
}

TEST(Server, ASecondServerCannotJoinATcpPortInUse) {
  Fixture f;
  const auto address = f.listen_v4();
  Fixture other;
  auto second = other.server->listen(address);
  ASSERT_FALSE(second) << "bound " << second->to_string();
  EXPECT_EQ(second.error().value(), EADDRINUSE) << second.error().message();
  Client c;  // the first server still has every connection
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.bind());
  EXPECT_EQ(c.call(0, {5}), std::vector<std::uint8_t>{5});
}

TEST(Server, OneWorkerServesATcpPortAlone) {
  Fixture f({}, 1);
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.bind());
  EXPECT_EQ(c.call(0, {6}), std::vector<std::uint8_t>{6});
  ASSERT_TRUE(f.server->unlisten(*parse_tcp_address("127.0.0.1:0")));
  Client refused;
  EXPECT_FALSE(refused.connect_tcp(address));
}

TEST(Server, LateAnswerFromAnotherThreadReachesTheClient) {
  Fixture f;
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.bind());
  const std::vector<std::uint8_t> stub{9, 8, 7};
  EXPECT_EQ(c.call(1, stub), stub);
}

TEST(Server, LargeResponseIsFragmentedAndWrittenInOrder) {
  Fixture f;
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.bind());
  auto answer = c.call(2, {0, 200});  // 200 KiB across many fragments
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->size(), 200u * 1024);
}

TEST(Server, LocalSocketCarriesPeerCredentials) {
  Fixture f;
  const auto path = temp_socket_path("cred");
  auto bound = f.server->listen(*local_address(path));
  ASSERT_TRUE(bound) << bound.error().message();
  Client c;
  ASSERT_TRUE(c.connect_local(path));
  ASSERT_TRUE(c.bind());
  auto answer = c.call(3, {});
  ASSERT_TRUE(answer);
  const std::string expected =
      "local uid=" + std::to_string(::getuid()) + " pid=" + std::to_string(::getpid()) + " loopback";
  EXPECT_EQ(std::string(answer->begin(), answer->end()), expected);
  EXPECT_TRUE(f.server->unlisten(*bound));
  EXPECT_FALSE(std::filesystem::exists(path)) << "the socket file is removed with its listener";
}

TEST(Server, LocalSocketReplacesAStaleFileButNotALiveServer) {
  Fixture f;
  const auto path = temp_socket_path("stale");
  ASSERT_TRUE(f.server->listen(*local_address(path)));
  Fixture other;
  auto second = other.server->listen(*local_address(path));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), std::make_error_code(std::errc::address_in_use));
  f.server->stop();
  // Leave a stale socket file behind, as a crashed daemon would.
  {
    Client dead;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    ::close(fd);
  }
  EXPECT_TRUE(other.server->listen(*local_address(path)));
  other.server->stop();
}

TEST(Server, PerSourceCapRefusesTheExtraConnection) {
  runtime::ServerLimits limits;
  limits.max_connections_per_source = 3;
  Fixture f(limits);
  const auto address = f.listen_v4();
  std::vector<Client> held(3);
  for (auto& c : held) {
    ASSERT_TRUE(c.connect_tcp(address));
    ASSERT_TRUE(c.bind());
  }
  Client extra;
  ASSERT_TRUE(extra.connect_tcp(address));  // the kernel completes the handshake
  EXPECT_TRUE(extra.wait_closed());
  EXPECT_TRUE(f.events->wait_refused(RefuseReason::too_many_from_source));
  held.pop_back();  // frees a slot
  for (int i = 0; i < 100 && f.server->connection_count() > 2; ++i) std::this_thread::sleep_for(10ms);
  Client again;
  ASSERT_TRUE(again.connect_tcp(address));
  EXPECT_TRUE(again.bind());
}

TEST(Server, TotalCapRefusesTheExtraConnection) {
  runtime::ServerLimits limits;
  limits.max_connections = 2;
  Fixture f(limits);
  const auto address = f.listen_v4();
  std::vector<Client> held(2);
  for (auto& c : held) {
    ASSERT_TRUE(c.connect_tcp(address));
    ASSERT_TRUE(c.bind());
  }
  Client extra;
  ASSERT_TRUE(extra.connect_tcp(address));
  EXPECT_TRUE(extra.wait_closed());
  EXPECT_TRUE(f.events->wait_refused(RefuseReason::too_many_connections));
}

TEST(Server, HalfOpenConnectionsDoNotStopANewClient) {
  runtime::ServerLimits limits;
  limits.max_connections_per_source = 1000;
  Fixture f(limits);
  const auto address = f.listen_v4();
  std::vector<Client> idle(500);
  for (std::size_t i = 0; i < idle.size(); ++i) {
    ASSERT_TRUE(idle[i].connect_tcp(address));
    // Half of them start a PDU header and stop (slowloris), half send nothing.
    if (i % 2 == 0) {
      ASSERT_TRUE(idle[i].send_bytes(std::vector<std::uint8_t>{5, 0, 11}));
    }
  }
  const auto start = std::chrono::steady_clock::now();
  Client fresh;
  ASSERT_TRUE(fresh.connect_tcp(address));
  ASSERT_TRUE(fresh.bind());
  EXPECT_EQ(fresh.call(0, {42}), std::vector<std::uint8_t>{42});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(Server, ProtocolErrorClosesOnlyThatConnection) {
  Fixture f;
  const auto address = f.listen_v4();
  Client good;
  ASSERT_TRUE(good.connect_tcp(address));
  ASSERT_TRUE(good.bind());
  Client bad;
  ASSERT_TRUE(bad.connect_tcp(address));
  std::vector<std::uint8_t> garbage(16, 0xff);  // rpc_vers 255
  ASSERT_TRUE(bad.send_bytes(garbage));
  EXPECT_TRUE(bad.wait_closed());
  EXPECT_TRUE(f.events->wait_close(CloseReason::protocol, 1s));
  EXPECT_EQ(good.call(0, {1, 2}), (std::vector<std::uint8_t>{1, 2}));
}

TEST(Server, BindNakArrivesBeforeTheClose) {
  Fixture f;
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  // A request before any bind gets a bind_nak (C706 12.6.4.5) and a close.
  const std::vector<std::uint8_t> stub{1};
  ASSERT_TRUE(c.send_pdu(c.request(0, stub, 5)));
  auto reply = c.recv_pdu();
  ASSERT_TRUE(reply);
  auto decoded = pdu::decode(*reply);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->ptype(), pdu::PType::bind_nak);
  EXPECT_TRUE(c.wait_closed());
}

TEST(Server, UnlistenStopsAcceptingButKeepsConnections) {
  Fixture f;
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.bind());
  ASSERT_TRUE(f.server->unlisten(*parse_tcp_address("127.0.0.1:0")));
  EXPECT_TRUE(f.server->listeners().empty());
  Client refused;
  EXPECT_FALSE(refused.connect_tcp(address));
  EXPECT_EQ(c.call(0, {7}), std::vector<std::uint8_t>{7});
}

// A listening socket made the way systemd makes one for socket activation.
int listening_socket_v4() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 16) != 0) return -1;
  return fd;
}

TEST(Server, AdoptsAPassedTcpSocket) {
  Fixture f;
  const int fd = listening_socket_v4();
  ASSERT_GE(fd, 0);
  auto bound = f.server->adopt(fd);
  ASSERT_TRUE(bound) << bound.error().message();
  EXPECT_EQ(bound->kind, ListenAddress::Kind::tcp);
  EXPECT_NE(bound->tcp.port(), 0);
  EXPECT_EQ(f.server->listeners().size(), 1u);
  Client c;
  ASSERT_TRUE(c.connect_tcp(*bound));
  ASSERT_TRUE(c.bind());
  const std::vector<std::uint8_t> stub{9, 8, 7};
  EXPECT_EQ(c.call(0, stub), stub);
}

TEST(Server, AdoptsAPassedLocalSocketAndLeavesItsFile) {
  Fixture f;
  const std::string path = temp_socket_path("adopt");
  ::unlink(path.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  auto bound = f.server->adopt(fd);
  ASSERT_TRUE(bound) << bound.error().message();
  EXPECT_EQ(bound->kind, ListenAddress::Kind::local);
  EXPECT_EQ(bound->path, path);
  Client c;
  ASSERT_TRUE(c.connect_local(path));
  ASSERT_TRUE(c.bind());
  EXPECT_TRUE(f.server->unlisten(*bound));
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << "the service manager's socket file was unlinked";
  ::unlink(path.c_str());
}

TEST(Server, AdoptRefusesASocketThatDoesNotListen) {
  Fixture f;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto bound = f.server->adopt(fd);
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error(), std::errc::invalid_argument);
  ::close(fd);
}

TEST(Server, HeldListenersServeNothingUntilReleased) {
  Fixture f;
  f.server->hold_accepting();
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));  // the kernel completes it into the backlog
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(f.server->connection_count(), 0u) << "a held listener accepted";
  f.server->release_accepting();
  ASSERT_TRUE(c.bind()) << "the connection waiting in the backlog was not served after the release";
  EXPECT_EQ(f.server->connection_count(), 1u);
}

TEST(Server, StopDrainsAPendingCall) {
  Fixture f;
  const auto address = f.listen_v4();
  Client c;
  ASSERT_TRUE(c.connect_tcp(address));
  ASSERT_TRUE(c.bind());
  const std::vector<std::uint8_t> stub{3, 1, 4};
  ASSERT_TRUE(c.send_pdu(c.request(1, stub, 9)));  // answered after 100 ms
  std::this_thread::sleep_for(20ms);
  const auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] { f.server->stop(5s); });
  auto reply = c.recv_pdu();
  const bool closed = c.wait_closed();
  c = Client{};  // our EOF ends the server's linger
  stopper.join();
  ASSERT_TRUE(reply);
  EXPECT_EQ(pdu::decode(*reply)->ptype(), pdu::PType::response);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(f.events->wait_close(CloseReason::drained, 0ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "stop() returns once drained, not at the deadline";
  EXPECT_FALSE(f.core.listening.load());
  EXPECT_EQ(f.server->connection_count(), 0u);
}

}  // namespace
}  // namespace rampart::transport::testing
