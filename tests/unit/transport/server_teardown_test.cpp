// Tearing a Server down while every kind of listener has an accept pending.
// Each worker has its own io_context and the workers die one after another,
// so nothing queued on one worker's io_context may hold an object of
// another's (listener.cpp, accept_next). The cases repeat, because a
// teardown race shows only in some runs; under AddressSanitizer a wrong
// order is a heap-use-after-free, in the ordinary build usually a crash.
#include <sys/socket.h>
#include <sys/un.h>

#include "transport_fixture.hpp"

namespace rampart::transport::testing {
namespace {

constexpr int kRounds = 100;
constexpr std::size_t kWorkers = 4;  // single listeners hand over to three other io_contexts

int listening_local_socket(const std::string& path) {
  ::unlink(path.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 16) != 0) return -1;
  return fd;
}

int listening_tcp_socket() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 16) != 0) return -1;
  return fd;
}

// One listener of every kind: TCP shared by the workers, a local socket the
// server creates, and a TCP and a local socket passed in (socket activation).
// The single listeners sit on different workers and accept for all of them.
std::vector<ListenAddress> listen_on_everything(Server& server, int round) {
  std::vector<ListenAddress> bound;
  auto tcp = server.listen(*parse_tcp_address("127.0.0.1:0"));
  EXPECT_TRUE(tcp) << tcp.error().message();
  const auto own_path = temp_socket_path(("teardown-own-" + std::to_string(round % 2)).c_str());
  auto own = server.listen(*local_address(own_path));
  EXPECT_TRUE(own) << own.error().message();
  auto passed_tcp = server.adopt(listening_tcp_socket());
  EXPECT_TRUE(passed_tcp) << passed_tcp.error().message();
  const auto passed_path = temp_socket_path("teardown-passed");
  auto passed_local = server.adopt(listening_local_socket(passed_path));
  EXPECT_TRUE(passed_local) << passed_local.error().message();
  for (const auto* b : {&tcp, &own, &passed_tcp, &passed_local}) {
    if (*b) bound.push_back(**b);
  }
  return bound;
}

// A connection the accept loop may or may not have completed when the server
// goes: both the aborted and the finished accept must be torn down safely.
void knock(const ListenAddress& address) {
  Client c;
  if (address.kind == ListenAddress::Kind::tcp) {
    (void)c.connect_tcp(address);
  } else {
    (void)c.connect_local(address.path);
  }
}

TEST(ServerTeardown, DestroyedWithAcceptsPendingOnEveryListenerKind) {
  for (int round = 0; round < kRounds; ++round) {
    Fixture f({}, kWorkers);
    const auto bound = listen_on_everything(*f.server, round);
    ASSERT_EQ(bound.size(), 4u);
    EXPECT_EQ(f.server->listeners().size(), 4u);
  }
  ::unlink(temp_socket_path("teardown-passed").c_str());
}

TEST(ServerTeardown, StoppedThenDestroyedWithAcceptsPendingOnEveryListenerKind) {
  for (int round = 0; round < kRounds; ++round) {
    Fixture f({}, kWorkers);
    const auto bound = listen_on_everything(*f.server, round);
    ASSERT_EQ(bound.size(), 4u);
    f.server->stop();
    EXPECT_TRUE(f.server->listeners().empty());
  }
  ::unlink(temp_socket_path("teardown-passed").c_str());
}

TEST(ServerTeardown, DestroyedWhileConnectionsArrive) {
  for (int round = 0; round < kRounds; ++round) {
    Fixture f({}, kWorkers);
    const auto bound = listen_on_everything(*f.server, round);
    ASSERT_EQ(bound.size(), 4u);
    for (const auto& address : bound) knock(address);
  }
  ::unlink(temp_socket_path("teardown-passed").c_str());
}

}  // namespace
}  // namespace rampart::transport::testing
