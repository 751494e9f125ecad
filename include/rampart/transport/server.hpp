// Server: the Asio transport under a runtime::ServerCore. It owns N worker
// threads, each running its own io_context. Each worker accepts on its own
// SO_REUSEPORT socket of every TCP address (the kernel spreads connections);
// a local socket's listener hands connections round robin. A connection
// stays on one thread for life, so an Association is only ever touched by
// that thread and needs no lock per PDU.
//
// Listeners (TCP over IPv4/IPv6, and a Unix-domain stream socket for the
// local transport) can be added and removed while the server runs, which is
// how rampartd applies a SIGHUP reload. stop() drains: it stops accepting,
// lets pending calls finish until a deadline, then closes what is left.
//
// Timeouts and caps come from runtime::ServerLimits (docs/hardening.md C1, C13, C16
// and "Slow and idle peers"); see docs/man/rampartd.8 for how each is used.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "rampart/runtime/server_core.hpp"
#include "rampart/transport/events.hpp"
#include "rampart/transport/listen_address.hpp"

namespace rampart::transport {

struct ServerOptions {
  /// Worker threads; 0 means std::thread::hardware_concurrency().
  std::size_t threads = 0;
  /// How often each worker checks its connections' deadlines and calls
  /// Association::on_tick. Zero derives it from the limits: a quarter of the
  /// shortest timeout, between 5 ms and 250 ms.
  std::chrono::milliseconds tick{0};
  /// Permissions of a local socket file. Anyone may connect; the endpoint
  /// mapper decides from SO_PEERCRED what a caller may do (docs/hardening.md C14).
  unsigned local_socket_mode = 0666;
  /// Threads that run security provider steps (GSSAPI), and how many steps
  /// may wait for them; beyond that a new exchange is refused
  /// (docs/hardening.md C16). Zero threads: steps run on the transport
  /// thread (only sensible in tests).
  std::size_t auth_threads = 2;
  std::size_t auth_queue = 256;
};

class Server {
 public:
  /// Starts the worker threads. `core` must outlive the Server; its limits
  /// are the initial transport limits.
  explicit Server(runtime::ServerCore& core, ServerOptions options = {},
                  std::shared_ptr<TransportEvents> events = std::make_shared<TransportEvents>());
  /// stop() with no drain time, then joins the threads.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and starts accepting. Returns the bound address (with the port
  /// the kernel chose for port 0), or why the socket could not be bound.
  std::expected<ListenAddress, std::error_code> listen(const ListenAddress& address);
  /// Accepts on `fd`, a TCP or Unix-domain stream socket already bound and
  /// listening (socket activation). Its connections go to the workers round
  /// robin. Returns its address; the Server owns the descriptor.
  std::expected<ListenAddress, std::error_code> adopt(int fd);
  /// Listeners opened from now on are bound (and the kernel queues
  /// connections in their backlog) but accept nothing until
  /// release_accepting(): rampartd binds as root, gives up root, and only
  /// then serves a byte.
  void hold_accepting();
  void release_accepting();
  /// Stops accepting on a listener started with this (requested) address.
  /// Open connections stay. Returns false if there was no such listener.
  bool unlisten(const ListenAddress& address);
  /// The requested addresses of the running listeners.
  [[nodiscard]] std::vector<ListenAddress> listeners() const;

  /// Limits for connections accepted from now on (a SIGHUP reload); open
  /// connections keep the limits they started with.
  void set_limits(const runtime::ServerLimits& limits);
  [[nodiscard]] std::shared_ptr<const runtime::ServerLimits> limits() const;

  /// Stops accepting, lets pending calls finish until `drain` has passed,
  /// then closes every connection and joins the workers. Idempotent. Must
  /// not be called from a worker thread (for example from a handler).
  void stop(std::chrono::milliseconds drain = std::chrono::milliseconds{0});

  [[nodiscard]] std::size_t connection_count() const noexcept;
  [[nodiscard]] std::size_t thread_count() const noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rampart::transport
