// AsyncClient: connecting (name resolution, TCP or Unix socket, all under
// connect_timeout), reading into the ClientAssociation, writing its output
// in order, and closing. Bind and calls: client_calls.cpp.
#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>

#include <sys/socket.h>

#include "client_impl.hpp"

namespace rampart::transport {

using runtime::ClientErrc;

ClientEndpoint ClientEndpoint::tcp(std::string host, std::uint16_t port) {
  ClientEndpoint e;
  e.host = std::move(host);
  e.port = port;
  return e;
}

ClientEndpoint ClientEndpoint::local(std::string path) {
  ClientEndpoint e;
  e.kind = Kind::local;
  e.path = std::move(path);
  return e;
}

std::string ClientEndpoint::to_string() const {
  if (kind == Kind::local) return "local:" + path;
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

AsyncClient::AsyncClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AsyncClient::~AsyncClient() { impl_->shutdown_socket(); }

std::shared_ptr<AsyncClient> AsyncClient::create(asio::io_context& io, ClientOptions options) {
  return std::shared_ptr<AsyncClient>(new AsyncClient(std::make_unique<Impl>(io, options)));
}

void AsyncClient::async_connect(const ClientEndpoint& endpoint, ConnectHandler done) {
  impl_->connect(shared_from_this(), endpoint, std::move(done));
}
void AsyncClient::async_bind(std::vector<SyntaxId> interfaces, BindHandler done, std::chrono::milliseconds timeout) {
  impl_->bind(shared_from_this(), std::move(interfaces), std::move(done), timeout);
}
AsyncClient::CallTicket AsyncClient::async_call(CallRequest request, CallHandler done) {
  return impl_->call(shared_from_this(), std::move(request), std::move(done));
}
bool AsyncClient::cancel(CallTicket ticket, bool orphan) { return impl_->cancel(shared_from_this(), ticket, orphan); }
void AsyncClient::close() { impl_->fail_all(Error(ClientErrc::call_cancelled, "the client closed the connection")); }
bool AsyncClient::is_open() const noexcept { return impl_->phase == Impl::Phase::open; }
std::optional<runtime::PeerInfo::Credentials> AsyncClient::peer_credentials() const noexcept {
  if (impl_->phase != Impl::Phase::open) return std::nullopt;
  ucred cred{};
  socklen_t len = sizeof cred;
  // socket(7) SO_PEERCRED: for AF_UNIX, the credentials the listening
  // process had when it called listen(). (asio's native_handle is not const.)
  auto& s = const_cast<Impl::Socket&>(impl_->socket);
  std::error_code ec;
  const auto local = s.local_endpoint(ec);
  if (ec || local.protocol().family() != AF_UNIX) return std::nullopt;
  if (::getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return std::nullopt;
  return runtime::PeerInfo::Credentials{cred.pid, cred.uid, cred.gid};
}
bool AsyncClient::conc_mpx() const noexcept { return impl_->assoc.conc_mpx(); }
std::optional<SyntaxId> AsyncClient::transfer_syntax(const SyntaxId& interface) const noexcept {
  return impl_->assoc.transfer_syntax_for(interface);
}
Drep AsyncClient::drep() const noexcept { return impl_->assoc.drep(); }
std::size_t AsyncClient::outstanding_calls() const noexcept { return impl_->by_ticket.size(); }
const runtime::ClientAssociation& AsyncClient::association() const noexcept { return impl_->assoc; }
asio::io_context& AsyncClient::context() noexcept { return impl_->io; }

void AsyncClient::Impl::connect(const std::shared_ptr<AsyncClient>& self, const ClientEndpoint& ep,
                                ConnectHandler done) {
  if (phase != Phase::idle) {
    asio::post(io, [done = std::move(done)] { done(fail(ClientErrc::wrong_state, "connect once per client")); });
    return;
  }
  phase = Phase::connecting;
  connect_done = std::move(done);
  connect_timer.expires_after(options.connect_timeout);
  connect_timer.async_wait([this, self](const std::error_code& ec) {
    if (ec || phase != Phase::connecting) return;
    finish_connect(fail(ClientErrc::connect_failed, "connect timed out"));
  });
  if (ep.kind == ClientEndpoint::Kind::local) {
    try_connect(self, {asio::generic::stream_protocol::endpoint(asio::local::stream_protocol::endpoint(ep.path))}, 0);
    return;
  }
  resolver.async_resolve(ep.host, std::to_string(ep.port), asio::ip::tcp::resolver::numeric_service,
                         [this, self](const std::error_code& ec, asio::ip::tcp::resolver::results_type results) {
                           if (phase != Phase::connecting) return;
                           if (ec || results.empty())
                             return finish_connect(fail(ClientErrc::connect_failed, "host name did not resolve"));
                           std::vector<asio::generic::stream_protocol::endpoint> eps;
                           for (const auto& r : results) eps.emplace_back(r.endpoint());
                           try_connect(self, std::move(eps), 0);
                         });
}

void AsyncClient::Impl::try_connect(const std::shared_ptr<AsyncClient>& self,
                                    std::vector<asio::generic::stream_protocol::endpoint> eps, std::size_t i) {
  if (i >= eps.size()) return finish_connect(fail(ClientErrc::connect_failed, "connection refused or unreachable"));
  std::error_code ec;
  socket.close(ec);
  socket.open(eps[i].protocol(), ec);
  if (ec) return try_connect(self, std::move(eps), i + 1);
  auto ep = eps[i];
  socket.async_connect(ep, [this, self, eps = std::move(eps), i](const std::error_code& ec2) mutable {
    if (phase != Phase::connecting) return;
    if (ec2) return try_connect(self, std::move(eps), i + 1);
    if (eps[i].protocol().family() != AF_UNIX) {
      std::error_code ignored;
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
    phase = Phase::open;
    finish_connect({});
    start_read(self);
  });
}

void AsyncClient::Impl::finish_connect(Result<void> r) {
  connect_timer.cancel();
  if (!r) {
    resolver.cancel();
    shutdown_socket();
    phase = Phase::closed;
  }
  if (connect_done) asio::post(io, [done = std::move(connect_done), r = std::move(r)] { done(r); });
  connect_done = nullptr;
}

void AsyncClient::Impl::start_read(const std::shared_ptr<AsyncClient>& self) {
  socket.async_read_some(asio::buffer(read_buffer), [this, self](const std::error_code& ec, std::size_t n) {
    if (phase != Phase::open) return;
    if (ec) return fail_all(Error(ClientErrc::connection_closed, "the server closed the connection"));
    std::vector<runtime::ClientEvent> events;
    assoc.on_bytes(std::span<const std::uint8_t>(read_buffer.data(), n), events);
    on_events(self, events);
    if (phase == Phase::open) start_read(self);
  });
}

void AsyncClient::Impl::write(const std::shared_ptr<AsyncClient>& self, std::vector<std::uint8_t> bytes) {
  if (bytes.empty() || phase != Phase::open) return;
  writes.push_back(std::move(bytes));
  if (!writing) start_write(self);
}

void AsyncClient::Impl::start_write(const std::shared_ptr<AsyncClient>& self) {
  writing = true;
  asio::async_write(socket, asio::buffer(writes.front()), [this, self](const std::error_code& ec, std::size_t) {
    writing = false;
    if (phase != Phase::open) return;
    if (ec) return fail_all(Error(ClientErrc::connection_closed, "write to the server failed"));
    writes.pop_front();
    if (!writes.empty()) start_write(self);
  });
}

void AsyncClient::Impl::shutdown_socket() noexcept {
  std::error_code ec;
  socket.shutdown(Socket::shutdown_both, ec);
  socket.close(ec);
}

void AsyncClient::Impl::fail_all(const Error& e) {
  if (phase == Phase::connecting) finish_connect(std::unexpected(e));
  phase = Phase::closed;
  assoc.close();
  shutdown_socket();
  bind_timer.cancel();
  writes.clear();
  if (bind_op) complete_bind(std::unexpected(e));
  // Every outstanding call completes exactly once, with this error.
  auto ops = std::move(by_ticket);
  by_ticket.clear();
  queued.clear();
  in_flight.clear();
  for (auto& [ticket, op] : ops) {
    op->timer.cancel();
    asio::post(io, [done = std::move(op->done), e] { done(std::unexpected(e)); });
  }
}

}  // namespace rampart::transport
