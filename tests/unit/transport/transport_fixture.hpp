// Real-socket harness for transport tests: a server on loopback with a
// small test interface, a blocking client with bounded waits, and an event
// recorder. Every wait is bounded in time so a bug fails a test, not CI.
#pragma once

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "rampart/pdu/pdu.hpp"
#include "rampart/transport/server.hpp"
#include "unit/pdu/pdu_fixtures.hpp"

namespace rampart::transport::testing {

using namespace std::chrono_literals;
using runtime::CallOutcome;

inline const SyntaxId kTestSyntax{Uuid::from_string("6b2f1c0e-8a3d-4c1b-9e7f-2d5a4b3c1e01"), 1, 0};

/// opnum 0 echoes the stub; opnum 1 answers from another thread after
/// 100 ms; opnum 2 answers with (stub[0] << 8 | stub[1]) KiB of zeros;
/// opnum 3 answers with the caller's transport, uid and pid as text.
class TestInterface : public runtime::Interface {
 public:
  ~TestInterface() override { join(); }
  const SyntaxId& syntax() const noexcept override { return kTestSyntax; }
  std::string_view name() const noexcept override { return "transport-test"; }
  std::uint16_t operation_count() const noexcept override { return 5; }
  void call(const runtime::CallContext& ctx, runtime::Responder responder) override;
  void join() {
    std::lock_guard lock(mutex_);
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<std::thread> threads_;
};

inline void TestInterface::call(const runtime::CallContext& ctx, runtime::Responder responder) {
  std::vector<std::uint8_t> stub(ctx.stub.begin(), ctx.stub.end());
  switch (ctx.opnum) {
    case 0: return responder.respond(CallOutcome::success(std::move(stub)));
    case 1: {
      std::lock_guard lock(mutex_);
      threads_.emplace_back([r = std::move(responder), stub = std::move(stub)]() mutable {
        std::this_thread::sleep_for(100ms);
        r.respond(CallOutcome::success(std::move(stub)));
      });
      return;
    }
    case 2: {
      const std::size_t kib = stub.size() >= 2 ? (stub[0] << 8 | stub[1]) : 1;
      return responder.respond(CallOutcome::success(std::vector<std::uint8_t>(kib * 1024)));
    }
    case 4: {  // which thread serves the call: a hash of its id, 8 octets
      const std::uint64_t id = std::hash<std::thread::id>{}(std::this_thread::get_id());
      std::vector<std::uint8_t> out(sizeof id);
      std::memcpy(out.data(), &id, sizeof id);
      return responder.respond(CallOutcome::success(std::move(out)));
    }
    default: {
      std::string text = ctx.peer.transport == runtime::TransportKind::local ? "local" : "tcp";
      if (ctx.peer.credentials) {
        text += " uid=" + std::to_string(ctx.peer.credentials->uid) + " pid=" + std::to_string(ctx.peer.credentials->pid);
      }
      text += ctx.peer.loopback ? " loopback" : "";
      return responder.respond(CallOutcome::success({text.begin(), text.end()}));
    }
  }
}

/// Records transport events for assertions.
class RecordingEvents : public TransportEvents {
 public:
  void refused(const runtime::PeerInfo&, RefuseReason why) override {
    std::lock_guard lock(mutex_);
    refusals_.push_back(why);
    cv_.notify_all();
  }
  void closed(const runtime::PeerInfo&, CloseReason why) override {
    std::lock_guard lock(mutex_);
    closes_.push_back(why);
    cv_.notify_all();
  }
  /// Waits until `why` has been reported at least once.
  bool wait_close(CloseReason why, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return std::count(closes_.begin(), closes_.end(), why) > 0; });
  }
  bool wait_refused(RefuseReason why, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return std::count(refusals_.begin(), refusals_.end(), why) > 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<CloseReason> closes_;
  std::vector<RefuseReason> refusals_;
};

/// A blocking test client over a POSIX socket; every receive has a deadline.
class Client {
 public:
  Client() = default;
  Client(Client&& o) noexcept : fd_(std::exchange(o.fd_, -1)), pending_(std::move(o.pending_)) {}
  Client& operator=(Client&& o) noexcept {
    if (this != &o) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(o.fd_, -1);
      pending_ = std::move(o.pending_);
    }
    return *this;
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }

  bool connect_tcp(const ListenAddress& a, int rcvbuf = 0);
  bool connect_local(const std::string& path);
  bool send_bytes(std::span<const std::uint8_t> bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  bool send_pdu(const pdu::Pdu& p) { return send_bytes(pdu::encode(p)); }
  /// One whole PDU, or nullopt on EOF, error or timeout.
  std::optional<std::vector<std::uint8_t>> recv_pdu(std::chrono::milliseconds limit = 3s);
  /// True when the server closed the connection (EOF or reset) within limit.
  bool wait_closed(std::chrono::milliseconds limit = 3s);
  bool bind(std::uint32_t call_id = 1);
  /// Sends a request and returns the response's stub, reassembled.
  std::optional<std::vector<std::uint8_t>> call(std::uint16_t opnum, std::vector<std::uint8_t> stub,
                                                std::uint32_t call_id = 2);
  pdu::Pdu request(std::uint16_t opnum, std::span<const std::uint8_t> stub, std::uint32_t call_id) const;
  [[nodiscard]] int fd() const { return fd_; }

 private:
  /// Reads into pending_ until it holds n octets; false on EOF/timeout.
  bool fill(std::size_t n, std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::vector<std::uint8_t> pending_;
};

inline bool Client::connect_tcp(const ListenAddress& a, int rcvbuf) {
  const bool v6 = a.tcp.address().is_v6();
  fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  const auto ep = a.tcp;
  return ::connect(fd_, ep.data(), static_cast<socklen_t>(ep.size())) == 0;
}

inline bool Client::connect_local(const std::string& path) {
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  return fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
}

inline bool Client::fill(std::size_t n, std::chrono::steady_clock::time_point deadline) {
  std::uint8_t buf[65536];
  while (pending_.size() < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got <= 0) return false;
    pending_.insert(pending_.end(), buf, buf + got);
  }
  return true;
}

inline std::optional<std::vector<std::uint8_t>> Client::recv_pdu(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  if (!fill(16, deadline)) return std::nullopt;
  const bool little = pending_[4] & 0x10;
  const std::size_t len = little ? (pending_[8] | pending_[9] << 8) : (pending_[8] << 8 | pending_[9]);
  if (len < 16 || !fill(len, deadline)) return std::nullopt;
  std::vector<std::uint8_t> out(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(len));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(len));
  return out;
}

inline bool Client::wait_closed(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::uint8_t buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) < 0) return false;
    if (p.revents == 0) continue;
    const ssize_t got = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN)) return true;
  }
  return false;
}

inline bool Client::bind(std::uint32_t call_id) {
  auto p = pdu::testing::make_pdu(pdu::PType::bind, pdu::Bind{4280, 4280, 0, {{0, kTestSyntax, {syntax::kNdr20}}}});
  p.header.call_id = call_id;
  if (!send_pdu(p)) return false;
  auto reply = recv_pdu();
  if (!reply) return false;
  auto decoded = pdu::decode(*reply);
  return decoded && decoded->ptype() == pdu::PType::bind_ack &&
         decoded->as<pdu::BindAck>()->results.at(0).result == pdu::ContextResult::acceptance;
}

inline pdu::Pdu Client::request(std::uint16_t opnum, std::span<const std::uint8_t> stub, std::uint32_t call_id) const {
  auto p = pdu::testing::make_pdu(
      pdu::PType::request, pdu::Request{static_cast<std::uint32_t>(stub.size()), 0, opnum, std::nullopt, stub});
  p.header.call_id = call_id;
  return p;
}

inline std::optional<std::vector<std::uint8_t>> Client::call(std::uint16_t opnum, std::vector<std::uint8_t> stub,
                                                             std::uint32_t call_id) {
  if (!send_pdu(request(opnum, stub, call_id))) return std::nullopt;
  std::vector<std::uint8_t> out;
  for (int fragments = 0; fragments < 4096; ++fragments) {
    auto reply = recv_pdu();
    if (!reply) return std::nullopt;
    auto decoded = pdu::decode(*reply);
    if (!decoded || decoded->ptype() != pdu::PType::response) return std::nullopt;
    const auto* r = decoded->as<pdu::Response>();
    out.insert(out.end(), r->stub.begin(), r->stub.end());
    if (decoded->header.is_last_frag()) return out;
  }
  return std::nullopt;
}

/// A Server on loopback with the test interface registered.
struct Fixture {
  explicit Fixture(runtime::ServerLimits limits = {}, std::size_t threads = 2)
      : core(limits), events(std::make_shared<RecordingEvents>()) {
    iface = std::make_shared<TestInterface>();
    core.interfaces.add(iface);
    ServerOptions options;
    options.threads = threads;
    server = std::make_unique<Server>(core, options, events);
  }
  ~Fixture() {
    iface->join();  // late answers first, while their connections' threads still run
    server.reset();
  }

  ListenAddress listen_v4() {
    auto bound = server->listen(*parse_tcp_address("127.0.0.1:0"));
    EXPECT_TRUE(bound.has_value());
    return bound.value_or(ListenAddress{});
  }

  runtime::ServerCore core;
  std::shared_ptr<RecordingEvents> events;
  std::shared_ptr<TestInterface> iface;
  std::unique_ptr<Server> server;
};

inline std::string temp_socket_path(const char* tag) {
  return (std::filesystem::temp_directory_path() /
          ("rampart-" + std::string(tag) + "-" + std::to_string(::getpid()) + ".sock"))
      .string();
}

}  // namespace rampart::transport::testing
