// AsyncClient::Impl: the state behind transport/client.hpp, shared by
// client.cpp (connection, reads, writes, close) and client_calls.cpp
// (bind, alter_context, calls, timeouts).
#pragma once

#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <asio/generic/stream_protocol.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "rampart/transport/client.hpp"

namespace rampart::transport {

struct AsyncClient::Impl {
  using Socket = asio::generic::stream_protocol::socket;
  enum class Phase { idle, connecting, open, closed };

  struct CallOp {
    CallTicket ticket = 0;
    CallRequest request;
    CallHandler done;
    asio::steady_timer timer;
    std::optional<std::uint32_t> call_id;  // set once sent
    CallOp(asio::io_context& io, CallTicket t, CallRequest r, CallHandler d)
        : ticket(t), request(std::move(r)), done(std::move(d)), timer(io) {}
  };
  struct BindOp {
    std::vector<SyntaxId> interfaces;
    BindHandler done;
  };

  Impl(asio::io_context& io, ClientOptions o)
      : io(io), options(o), socket(io), resolver(io), connect_timer(io), bind_timer(io), assoc(o.limits, o.drep) {}

  // client.cpp
  void connect(const std::shared_ptr<AsyncClient>& self, const ClientEndpoint& ep, ConnectHandler done);
  void try_connect(const std::shared_ptr<AsyncClient>& self, std::vector<asio::generic::stream_protocol::endpoint> eps,
                   std::size_t i);
  void finish_connect(Result<void> r);
  void start_read(const std::shared_ptr<AsyncClient>& self);
  void write(const std::shared_ptr<AsyncClient>& self, std::vector<std::uint8_t> bytes);
  void start_write(const std::shared_ptr<AsyncClient>& self);
  void fail_all(const Error& e);
  void shutdown_socket() noexcept;

  // client_calls.cpp
  void bind(const std::shared_ptr<AsyncClient>& self, std::vector<SyntaxId> interfaces, BindHandler done,
            std::chrono::milliseconds timeout);
  CallTicket call(const std::shared_ptr<AsyncClient>& self, CallRequest request, CallHandler done);
  bool cancel(const std::shared_ptr<AsyncClient>& self, CallTicket ticket, bool orphan);
  void on_events(const std::shared_ptr<AsyncClient>& self, std::vector<runtime::ClientEvent>& events);
  void pump(const std::shared_ptr<AsyncClient>& self);
  void on_call_timeout(const std::shared_ptr<AsyncClient>& self, CallTicket ticket);
  void complete_call(std::shared_ptr<CallOp> op, Result<CallReply> r);
  void complete_bind(Result<BindInfo> r);
  BindInfo bind_info_for(const std::vector<SyntaxId>& interfaces) const;
  void maybe_close_after_shutdown();

  asio::io_context& io;
  ClientOptions options;
  Socket socket;
  asio::ip::tcp::resolver resolver;
  asio::steady_timer connect_timer;
  asio::steady_timer bind_timer;
  ConnectHandler connect_done;
  runtime::ClientAssociation assoc;
  Phase phase = Phase::idle;
  bool shutdown_requested = false;
  std::array<std::uint8_t, 16384> read_buffer{};
  std::deque<std::vector<std::uint8_t>> writes;
  bool writing = false;

  std::optional<BindOp> bind_op;
  BindInfo session;  // negotiated values and every context answer so far
  std::vector<std::pair<SyntaxId, std::uint16_t>> offered;  // interface -> context id

  CallTicket next_ticket = 1;
  std::deque<std::shared_ptr<CallOp>> queued;
  std::unordered_map<std::uint32_t, std::shared_ptr<CallOp>> in_flight;
  std::unordered_map<CallTicket, std::shared_ptr<CallOp>> by_ticket;
};

}  // namespace rampart::transport
