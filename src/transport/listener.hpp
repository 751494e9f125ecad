// Listener: one bound socket that accepts connections and hands each to a
// worker, after the admission caps (docs/hardening.md C13, "Slow and idle peers").
// A TCP address served by several workers has one Listener per worker, all
// bound with SO_REUSEPORT, each accepting for its own worker: the kernel
// spreads the connections and none crosses threads (server.cpp).
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <system_error>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include "rampart/transport/listen_address.hpp"
#include "shared_state.hpp"

namespace rampart::transport {

class Worker;

class Listener {
 public:
  /// Picks the worker for the next accepted connection: the next one round
  /// robin, or always the listener's own worker (server.cpp).
  using WorkerPicker = std::function<Worker&()>;

  virtual ~Listener() = default;
  [[nodiscard]] const ListenAddress& bound() const noexcept { return bound_; }
  /// Starts the accept loop on the listener's own context.
  virtual void start() = 0;
  /// Stops accepting and releases the address. On the listener's context.
  virtual void close() = 0;
  [[nodiscard]] virtual asio::io_context& context() noexcept = 0;

  /// Binds `address`; the accept loop runs on `home`. `share_port` sets
  /// SO_REUSEPORT (TCP only), so that further listeners can bind the port.
  static std::expected<std::shared_ptr<Listener>, std::error_code> open(const ListenAddress& address,
                                                                         asio::io_context& home,
                                                                         SharedState& shared, WorkerPicker pick,
                                                                         bool share_port = false);

  /// Takes over `fd`, a stream socket already bound and listening (socket
  /// activation: systemd passes it, sd_listen_fds(3)); TCP or Unix-domain
  /// by its address family. The listener owns the descriptor from then on;
  /// it never unlinks a socket file it did not create.
  static std::expected<std::shared_ptr<Listener>, std::error_code> adopt(int fd, asio::io_context& home,
                                                                          SharedState& shared, WorkerPicker pick);

  /// Whether `endpoint` can be bound by a socket that does not share its
  /// port: not when anyone listens there, even with SO_REUSEPORT. Checked
  /// before a group of port-sharing listeners binds, so that a second daemon
  /// is refused instead of silently taking half the connections.
  static std::error_code check_port_free(const asio::ip::tcp::endpoint& endpoint);

 protected:
  ListenAddress requested_;
  ListenAddress bound_;
};

}  // namespace rampart::transport
