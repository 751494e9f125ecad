// BlockingClient: the synchronous wrapper tools use. Each operation starts
// the asynchronous one and runs the private io_context on the calling
// thread until it completes; the AsyncClient's own timers bound every wait,
// and a backstop deadline closes the connection if they somehow do not.
#include <algorithm>
#include <variant>

#include <asio/post.hpp>

#include "rampart/transport/client.hpp"

namespace rampart::transport {

using runtime::ClientErrc;

namespace {
constexpr std::chrono::milliseconds kBackstop{2000};
}  // namespace

Result<ClientEndpoint> endpoint_for(const binding::StringBinding& b) {
  switch (b.protseq) {
    case binding::Protseq::ncacn_ip_tcp: {
      if (b.endpoint.empty())
        return fail(ClientErrc::endpoint_not_found, "binding has no endpoint; resolve it with ept_map");
      auto port = binding::parse_port(b.endpoint);
      if (!port || *port == 0) return fail(ClientErrc::bad_binding, "ncacn_ip_tcp endpoint is not a port");
      // C706 2.x: an empty host means the local host.
      return ClientEndpoint::tcp(b.host.empty() ? "127.0.0.1" : b.host, *port);
    }
    case binding::Protseq::ncalrpc:
      // Rampart's local transport is a Unix-domain socket: the endpoint is its path.
      if (b.endpoint.empty() || b.endpoint.front() != '/')
        return fail(ClientErrc::bad_binding, "ncalrpc endpoint must be an absolute socket path");
      return ClientEndpoint::local(b.endpoint);
    default: return fail(ClientErrc::bad_binding, "protocol sequence not supported by this client");
  }
}

BlockingClient::BlockingClient(ClientOptions options)
    : options_(options), io_(std::make_unique<asio::io_context>()) {}

BlockingClient::~BlockingClient() { close(); }

template <class T>
Result<T> BlockingClient::run(std::function<void(std::function<void(Result<T>)>)> start,
                              std::chrono::milliseconds budget) {
  auto result = std::make_shared<std::optional<Result<T>>>();
  start([result](Result<T> r) { *result = std::move(r); });
  const auto deadline = std::chrono::steady_clock::now() + budget + kBackstop;
  io_->restart();
  while (!*result && std::chrono::steady_clock::now() < deadline) {
    if (io_->run_one_until(deadline) == 0 && io_->stopped()) break;
  }
  if (!*result) {
    // Unreachable unless a timer failed to fire: never hang the caller.
    if (client_) client_->close();
    io_->restart();
    io_->poll();
    if (!*result) return fail(ClientErrc::call_timed_out, "operation did not complete in time");
  }
  return std::move(**result);
}

Result<void> BlockingClient::connect(const ClientEndpoint& endpoint) {
  close();
  io_ = std::make_unique<asio::io_context>();
  client_ = AsyncClient::create(*io_, options_);
  auto r = run<std::monostate>(
      [&](auto done) {
        client_->async_connect(endpoint, [done](Result<void> v) {
          if (v) return done(std::monostate{});
          done(std::unexpected(v.error()));
        });
      },
      options_.connect_timeout);
  if (!r) {
    client_.reset();
    return std::unexpected(r.error());
  }
  return {};
}

Result<void> BlockingClient::connect_tcp(std::string_view host, std::uint16_t port) {
  return connect(ClientEndpoint::tcp(std::string(host), port));
}

Result<void> BlockingClient::connect_local(std::string_view path) {
  return connect(ClientEndpoint::local(std::string(path)));
}

Result<void> BlockingClient::connect(const binding::StringBinding& b, std::optional<SyntaxId> interface) {
  if (b.protseq == binding::Protseq::ncacn_ip_tcp && b.endpoint.empty()) {
    if (!interface) return fail(ClientErrc::endpoint_not_found, "dynamic endpoint needs an interface to resolve");
    const std::string host = b.host.empty() ? "127.0.0.1" : b.host;
    auto tower = RAMPART_TRY(resolve_endpoint(host, *interface, b.protseq, options_.connect_timeout, options_.epm_port));
    auto port = binding::parse_port(tower.endpoint);
    if (!port || *port == 0) return fail(ClientErrc::endpoint_not_found, "ept_map returned no usable port");
    return connect_tcp(host, *port);
  }
  auto ep = RAMPART_TRY(endpoint_for(b));
  return connect(ep);
}

Result<BindInfo> BlockingClient::bind(std::span<const SyntaxId> interfaces) {
  if (!client_) return fail(ClientErrc::not_connected, "bind needs a connection");
  std::vector<SyntaxId> list(interfaces.begin(), interfaces.end());
  auto info = RAMPART_TRY(run<BindInfo>(
      [&](auto done) { client_->async_bind(std::move(list), std::move(done)); }, options_.call_timeout));
  if (!first_interface_) {
    for (const auto& c : info.contexts)
      if (c.accepted()) {
        first_interface_ = c.abstract_syntax;
        break;
      }
  }
  if (!bind_info_) {
    bind_info_ = info;
  } else {
    for (const auto& c : info.contexts)
      if (std::ranges::find(bind_info_->contexts, c.context_id, &runtime::ContextOutcome::context_id) ==
          bind_info_->contexts.end())
        bind_info_->contexts.push_back(c);
  }
  return info;
}

Result<BindInfo> BlockingClient::bind(const SyntaxId& interface) {
  auto info = RAMPART_TRY(bind(std::span<const SyntaxId>(&interface, 1)));
  if (info.contexts.empty() || !info.contexts.front().accepted())
    return fail(ClientErrc::context_rejected, "the server rejected the interface");
  return info;
}

Result<CallReply> BlockingClient::call(const CallRequest& request) {
  if (!client_) return fail(ClientErrc::not_connected, "calls need a connection");
  const auto budget = request.timeout.count() > 0 ? request.timeout : options_.call_timeout;
  auto reply = RAMPART_TRY(run<CallReply>([&](auto done) { client_->async_call(request, std::move(done)); }, budget));
  if (reply.is_fault()) last_fault_ = reply.fault_status;
  return reply;
}

Result<std::vector<std::uint8_t>> BlockingClient::call(std::uint16_t opnum, std::span<const std::uint8_t> stub,
                                                       std::chrono::milliseconds timeout) {
  if (!client_) return fail(ClientErrc::not_connected, "calls need a connection");
  if (!first_interface_) return fail(ClientErrc::unknown_context, "no interface is bound");
  CallRequest request{*first_interface_, opnum, {stub.begin(), stub.end()}, std::nullopt, timeout};
  auto reply = RAMPART_TRY(call(request));
  if (reply.is_fault()) return fail(ClientErrc::call_faulted, "the server answered with a fault (see last_fault)");
  return std::move(reply.stub);
}

void BlockingClient::close() {
  if (client_) {
    client_->close();
    io_->restart();
    io_->poll();  // run the handlers close() posted
    client_.reset();
    io_->restart();
    io_->poll();
  }
  bind_info_.reset();
  first_interface_.reset();
}

bool BlockingClient::is_open() const noexcept { return client_ && client_->is_open(); }
std::optional<runtime::PeerInfo::Credentials> BlockingClient::peer_credentials() const noexcept {
  return client_ ? client_->peer_credentials() : std::nullopt;
}
std::optional<SyntaxId> BlockingClient::transfer_syntax(const SyntaxId& interface) const noexcept {
  return client_ ? client_->transfer_syntax(interface) : std::nullopt;
}

}  // namespace rampart::transport
