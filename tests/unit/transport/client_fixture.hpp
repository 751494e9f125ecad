// Harness for client transport tests: a hostile server on loopback that
// runs a script against one accepted connection with plain POSIX sockets,
// and a fake endpoint mapper interface for ept_map. Every wait is bounded.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "epm.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/transport/client.hpp"
#include "unit/transport/transport_fixture.hpp"

namespace rampart::transport::testing {

/// Reads one whole PDU from fd within `limit`; nullopt on EOF or timeout.
inline std::optional<std::vector<std::uint8_t>> read_pdu(int fd, std::chrono::milliseconds limit = 2s) {
  std::vector<std::uint8_t> buf;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto fill = [&](std::size_t n) {
    while (buf.size() < n) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      std::uint8_t b[4096];
      const ssize_t got = ::recv(fd, b, std::min(sizeof b, n - buf.size()), 0);
      if (got <= 0) return false;
      buf.insert(buf.end(), b, b + got);
    }
    return true;
  };
  if (!fill(16)) return std::nullopt;
  const std::size_t len = (buf[4] & 0x10) ? (buf[8] | buf[9] << 8) : (buf[8] << 8 | buf[9]);
  if (len < 16 || !fill(len)) return std::nullopt;
  return buf;
}

inline bool send_all(int fd, std::span<const std::uint8_t> bytes) {
  return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

/// Accepts one connection and runs `script(fd)` on it in a thread.
class HostileServer {
 public:
  using Script = std::function<void(int fd)>;
  explicit HostileServer(Script script) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(listen_fd_, 4);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this, script = std::move(script)] {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) return;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      script(fd);
      // Keep the connection open until the client is done (bounded).
      pollfd q{fd, POLLIN, 0};
      for (int i = 0; i < 100 && !stop_; ++i) {
        if (::poll(&q, 1, 50) > 0) {
          std::uint8_t b[4096];
          if (::recv(fd, b, sizeof b, 0) <= 0) break;
        }
      }
      ::close(fd);
    });
  }
  ~HostileServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// Reads the bind and answers with a good bind_ack (call_id echoed).
inline std::uint32_t accept_bind(int fd, std::uint8_t flags = pdu::pfc::kFirstLast) {
  auto bind = read_pdu(fd);
  if (!bind) return 0;
  auto p = pdu::decode(*bind);
  if (!p) return 0;
  pdu::BindAck ack{4280, 4280, 0x77, "135", {}};
  for (std::size_t i = 0; i < p->as<pdu::Bind>()->contexts.size(); ++i)
    ack.results.push_back({pdu::ContextResult::acceptance, 0, syntax::kNdr20});
  auto reply = pdu::testing::make_pdu(pdu::PType::bind_ack, std::move(ack), Drep::little(), flags);
  reply.header.call_id = p->header.call_id;
  send_all(fd, pdu::encode(reply));
  return p->header.call_id;
}

/// Reads one request (all its fragments); returns its call_id or 0.
inline std::uint32_t read_request(int fd) {
  for (int i = 0; i < 4096; ++i) {
    auto bytes = read_pdu(fd);
    if (!bytes) return 0;
    auto p = pdu::decode(*bytes);
    if (!p || p->ptype() != pdu::PType::request) return 0;
    if (p->header.is_last_frag()) return p->header.call_id;
  }
  return 0;
}

inline pdu::Pdu response_pdu(std::uint32_t call_id, std::span<const std::uint8_t> stub,
                             std::uint8_t flags = pdu::pfc::kFirstLast, std::uint16_t context = 0) {
  auto p = pdu::testing::make_pdu(pdu::PType::response,
                                  pdu::Response{static_cast<std::uint32_t>(stub.size()), context, 0, 0, stub},
                                  Drep::little(), flags);
  p.header.call_id = call_id;
  return p;
}

/// ept_map answers with one ncacn_ip_tcp tower for kTestSyntax at `port`.
class FakeEpm : public runtime::Interface {
 public:
  explicit FakeEpm(std::uint16_t port) : port_(port) {}
  const SyntaxId& syntax() const noexcept override { return spec::epm::ept_descriptor().syntax; }
  std::string_view name() const noexcept override { return "fake-epm"; }
  std::uint16_t operation_count() const noexcept override { return 8; }
  void call(const runtime::CallContext& ctx, runtime::Responder responder) override {
    auto req = ndr::decode_stub<spec::epm::ept_map_request>(ctx.stub, ctx.drep);
    spec::epm::ept_map_response resp;
    resp.max_towers = 4;
    auto want = req && req->map_tower ? binding::Tower::decode(req->map_tower->tower_octet_string) : std::unexpected(Error(runtime::ClientErrc::bad_binding, "no tower"));
    auto b = want ? want->binding() : std::unexpected(want.error());
    if (ctx.opnum != 3 || !b || b->interface != kTestSyntax) {
      resp.status = spec::epm::ept_s_not_registered;
    } else {
      b->endpoint = std::to_string(port_);
      b->address = "127.0.0.1";
      auto octets = binding::Tower::build(*b)->encode();
      resp.ITowers.push_back(spec::nbase::twr_t{static_cast<std::uint32_t>(octets.size()), std::move(octets)});
      resp.num_towers = 1;
    }
    auto stub = ndr::encode_stub(resp, ctx.drep);
    responder.respond(runtime::CallOutcome::success(stub ? *stub : std::vector<std::uint8_t>{}));
  }

 private:
  std::uint16_t port_;
};

inline ClientOptions quick_options(std::chrono::milliseconds call_timeout = 2s) {
  ClientOptions o;
  o.connect_timeout = 2s;
  o.call_timeout = call_timeout;
  return o;
}

}  // namespace rampart::transport::testing
