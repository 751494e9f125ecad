#include "listener.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include <asio/generic/stream_protocol.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "peer_info.hpp"
#include "worker.hpp"

namespace rampart::transport {

namespace {

// accept() failing with EMFILE, ENFILE or ENOBUFS fails again at once;
// waiting a little keeps the loop from spinning while descriptors free up.
constexpr std::chrono::milliseconds kAcceptBackoff{100};

// True when a server answers on the socket file: another rampartd owns it
// and must not have it unlinked from under it. Non-blocking, so a full
// backlog (EAGAIN) counts as "in use" instead of stalling start-up.
bool socket_in_use(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  const int err = errno;
  ::close(fd);
  return rc == 0 || err == EAGAIN || err == EINPROGRESS;
}

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// Opens `acceptor` for `ep` with the options every TCP listener uses.
std::error_code open_tcp(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& ep, bool share_port) {
  std::error_code ec;
  if (acceptor.open(ep.protocol(), ec); ec) return ec;
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) return ec;
  if (share_port && (acceptor.set_option(ReusePort(true), ec), ec)) return ec;
  // So that 0.0.0.0:135 and [::]:135 can both be bound.
  if (ep.address().is_v6() && (acceptor.set_option(asio::ip::v6_only(true), ec), ec)) return ec;
  return ec;
}

template <class Protocol>
class BasicListener final : public Listener, public std::enable_shared_from_this<BasicListener<Protocol>> {
 public:
  BasicListener(asio::io_context& home, SharedState& shared, WorkerPicker pick, bool share_port)
      : home_(home), acceptor_(home), backoff_(home), shared_(shared), pick_(std::move(pick)), share_port_(share_port) {}

  std::error_code bind(const ListenAddress& address);
  std::error_code assign(int fd, const typename Protocol::endpoint& local);
  void start() override { accept_next(); }
  void close() override;
  asio::io_context& context() noexcept override { return home_; }

 private:
  // The pending accept, and its completion until it runs, hold the peer
  // socket. That socket is created on the listener's own io_context, never
  // on the worker's it will serve: the workers' io_contexts are destroyed
  // one after another (Server::Impl), and destroying one runs the
  // destructors of whatever is still queued on it. A queued accept holding a
  // socket of a worker already destroyed would then touch freed memory.
  // Holding only objects of its own io_context, each queue can be destroyed
  // in any order. Another worker gets the descriptor in hand_over().
  void accept_next() {
    acceptor_.async_accept([self = this->shared_from_this()](const std::error_code& ec,
                                                             typename Protocol::socket socket) {
      self->on_accept(ec, std::move(socket));
    });
  }

  void on_accept(const std::error_code& ec, typename Protocol::socket socket) {
    if (!acceptor_.is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {
      shared_.events->accept_failed(requested_.to_string(), ec);
      backoff_.expires_after(kAcceptBackoff);
      backoff_.async_wait([self = this->shared_from_this()](const std::error_code& wait_ec) {
        if (!wait_ec && self->acceptor_.is_open()) self->accept_next();
      });
      return;
    }
    hand_over(std::move(socket), pick_());
    accept_next();
  }

  void hand_over(typename Protocol::socket socket, Worker& worker);
  std::optional<runtime::PeerInfo> describe(typename Protocol::socket& socket);
  std::optional<asio::generic::stream_protocol::socket> move_to(typename Protocol::socket& socket,
                                                                asio::io_context& target);

  asio::io_context& home_;
  typename Protocol::acceptor acceptor_;
  asio::steady_timer backoff_;
  SharedState& shared_;
  WorkerPicker pick_;
  bool share_port_;
  struct stat socket_file_ {};  // Kind::local: what we created, so close() unlinks only that
};

template <>
std::error_code BasicListener<asio::ip::tcp>::bind(const ListenAddress& address) {
  std::error_code ec;
  const auto& ep = address.tcp;
  if ((ec = open_tcp(acceptor_, ep, share_port_))) return ec;
  if (acceptor_.bind(ep, ec); ec) return ec;
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return ec;
  requested_ = address;
  bound_ = address;
  bound_.tcp = acceptor_.local_endpoint(ec);
  return ec;
}

template <>
std::error_code BasicListener<asio::local::stream_protocol>::bind(const ListenAddress& address) {
  const auto& path = address.path;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    // Replace only a stale socket: never a regular file, never a live server.
    if (!S_ISSOCK(st.st_mode)) return std::make_error_code(std::errc::file_exists);
    if (socket_in_use(path)) return std::make_error_code(std::errc::address_in_use);
    ::unlink(path.c_str());
  }
  std::error_code ec;
  const asio::local::stream_protocol::endpoint ep(path);
  if (acceptor_.open(ep.protocol(), ec); ec) return ec;
  if (acceptor_.bind(ep, ec); ec) return ec;
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return ec;
  if (::chmod(path.c_str(), static_cast<mode_t>(shared_.options.local_socket_mode)) != 0 ||
      ::lstat(path.c_str(), &socket_file_) != 0) {
    return {errno, std::generic_category()};
  }
  requested_ = address;
  bound_ = address;
  return {};
}

template <class Protocol>
std::error_code BasicListener<Protocol>::assign(int fd, const typename Protocol::endpoint& local) {
  std::error_code ec;
  if (acceptor_.assign(local.protocol(), fd, ec); ec) return ec;
  if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
    requested_ = ListenAddress{ListenAddress::Kind::tcp, local, {}};
  } else {
    requested_ = ListenAddress{ListenAddress::Kind::local, {}, local.path()};
  }
  bound_ = requested_;
  return {};
}

template <class Protocol>
void BasicListener<Protocol>::close() {
  std::error_code ec;
  acceptor_.close(ec);
  backoff_.cancel();
  if constexpr (std::is_same_v<Protocol, asio::local::stream_protocol>) {
    struct stat st {};
    const auto& path = requested_.path;
    if (!path.empty() && ::lstat(path.c_str(), &st) == 0 && st.st_dev == socket_file_.st_dev &&
        st.st_ino == socket_file_.st_ino) {
      ::unlink(path.c_str());
    }
  }
}

template <class Protocol>
std::optional<runtime::PeerInfo> BasicListener<Protocol>::describe(typename Protocol::socket& socket) {
  if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
    std::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return std::nullopt;  // already gone
    const auto local = socket.local_endpoint(ec);
    if (ec) return std::nullopt;
    return tcp_peer(remote, local);
  } else {
    return local_peer(socket.native_handle(), bound_.path);
  }
}

// Re-creates `socket` on `target`, the io_context of the worker that will
// serve it, by passing the descriptor: an asio socket cannot change its
// io_context. Empty when the descriptor cannot be moved (it is closed then).
template <class Protocol>
std::optional<asio::generic::stream_protocol::socket> BasicListener<Protocol>::move_to(
    typename Protocol::socket& socket, asio::io_context& target) {
  std::error_code ec;
  const asio::generic::stream_protocol protocol = [&] {
    if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
      return asio::generic::stream_protocol(bound_.tcp.protocol());  // accepted sockets share the family
    } else {
      return asio::generic::stream_protocol(Protocol());
    }
  }();
  const int fd = socket.release(ec);
  if (ec) return std::nullopt;
  asio::generic::stream_protocol::socket moved(target);
  if (moved.assign(protocol, fd, ec); ec) {
    ::close(fd);
    return std::nullopt;
  }
  return moved;
}

template <class Protocol>
void BasicListener<Protocol>::hand_over(typename Protocol::socket socket, Worker& worker) {
  auto peer = describe(socket);
  if (!peer) return;
  peer->connection_id = shared_.next_connection_id.fetch_add(1);
  const auto limits = shared_.limits();
  Admission::Ticket ticket;
  const auto verdict =
      shared_.admission.admit(peer->source_key, limits->max_connections, limits->max_connections_per_source, ticket);
  std::error_code ec;
  if (verdict != Admission::Verdict::admitted) {
    // Refused by closing at once, with a reset so no state lingers.
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
    shared_.events->refused(*peer, verdict == Admission::Verdict::too_many ? RefuseReason::too_many_connections
                                                                           : RefuseReason::too_many_from_source);
    return;
  }
  if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
    // RPC is request/response with small PDUs: Nagle would delay each reply.
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
  }
  if (&worker.context() == &home_) {
    // Accepted by the worker's own listener: no hand-over between threads.
    worker.adopt(asio::generic::stream_protocol::socket(std::move(socket)), std::move(*peer), std::move(ticket));
    return;
  }
  // Posted onto the io_context the socket now belongs to: if that worker
  // goes before the handler runs, both go together (see accept_next()).
  auto moved = move_to(socket, worker.context());
  if (!moved) return;
  asio::post(worker.context(), [&worker, generic = std::move(*moved), peer = std::move(*peer),
                                ticket = std::move(ticket)]() mutable {
    worker.adopt(std::move(generic), std::move(peer), std::move(ticket));
  });
}

template <class Protocol>
std::expected<std::shared_ptr<Listener>, std::error_code> open_as(const ListenAddress& address,
                                                                   asio::io_context& home, SharedState& shared,
                                                                   Listener::WorkerPicker pick, bool share_port) {
  auto listener = std::make_shared<BasicListener<Protocol>>(home, shared, std::move(pick), share_port);
  if (const auto ec = listener->bind(address)) {
    listener->close();
    return std::unexpected(ec);
  }
  return listener;
}

}  // namespace

std::expected<std::shared_ptr<Listener>, std::error_code> Listener::open(const ListenAddress& address,
                                                                         asio::io_context& home,
                                                                         SharedState& shared, WorkerPicker pick,
                                                                         bool share_port) {
  if (address.kind == ListenAddress::Kind::tcp) {
    return open_as<asio::ip::tcp>(address, home, shared, std::move(pick), share_port);
  }
  return open_as<asio::local::stream_protocol>(address, home, shared, std::move(pick), false);
}

std::expected<std::shared_ptr<Listener>, std::error_code> Listener::adopt(int fd, asio::io_context& home,
                                                                          SharedState& shared, WorkerPicker pick) {
  int type = 0, listening = 0;
  socklen_t len = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) return std::unexpected(std::error_code(errno, std::generic_category()));
  len = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || type != SOCK_STREAM || listening == 0)
    return std::unexpected(std::make_error_code(std::errc::invalid_argument));
  sockaddr_storage addr{};
  len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return std::unexpected(std::error_code(errno, std::generic_category()));
  std::error_code ec;
  if (addr.ss_family == AF_INET || addr.ss_family == AF_INET6) {
    auto l = std::make_shared<BasicListener<asio::ip::tcp>>(home, shared, std::move(pick), false);
    asio::ip::tcp::endpoint local;
    local.resize(len);
    std::memcpy(local.data(), &addr, len);
    if ((ec = l->assign(fd, local))) return std::unexpected(ec);
    return l;
  }
  if (addr.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&addr);
    const std::size_t max = len > offsetof(sockaddr_un, sun_path) ? len - offsetof(sockaddr_un, sun_path) : 0;
    // Abstract sockets (a leading NUL) have no path to publish.
    if (max == 0 || un->sun_path[0] == '\0') return std::unexpected(std::make_error_code(std::errc::invalid_argument));
    const std::string path(un->sun_path, ::strnlen(un->sun_path, max));
    auto l = std::make_shared<BasicListener<asio::local::stream_protocol>>(home, shared, std::move(pick), false);
    if ((ec = l->assign(fd, asio::local::stream_protocol::endpoint(path)))) return std::unexpected(ec);
    return l;
  }
  return std::unexpected(std::make_error_code(std::errc::address_family_not_supported));
}

std::error_code Listener::check_port_free(const asio::ip::tcp::endpoint& endpoint) {
  asio::io_context scratch;
  asio::ip::tcp::acceptor probe(scratch);
  // Bound the way a lone listener would be, then closed without listening.
  if (auto ec = open_tcp(probe, endpoint, false)) return ec;
  std::error_code ec;
  probe.bind(endpoint, ec);
  return ec;
}

}  // namespace rampart::transport
