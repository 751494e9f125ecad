// Listener: one bound socket that accepts connections and hands each to a
// worker, after the admission caps (HARDENING C13, "Slow and idle peers").
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <system_error>

#include <asio/io_context.hpp>

#include "rampart/transport/listen_address.hpp"
#include "shared_state.hpp"

namespace rampart::transport {

class Worker;

class Listener {
 public:
  /// Picks the worker for the next accepted connection (round-robin).
  using WorkerPicker = std::function<Worker&()>;

  virtual ~Listener() = default;
  [[nodiscard]] const ListenAddress& requested() const noexcept { return requested_; }
  [[nodiscard]] const ListenAddress& bound() const noexcept { return bound_; }
  /// Starts the accept loop on the listener's own context.
  virtual void start() = 0;
  /// Stops accepting and releases the address. On the listener's context.
  virtual void close() = 0;
  [[nodiscard]] virtual asio::io_context& context() noexcept = 0;

  /// Binds `address`; the accept loop runs on `home`.
  static std::expected<std::shared_ptr<Listener>, std::error_code> open(const ListenAddress& address,
                                                                         asio::io_context& home,
                                                                         SharedState& shared,
                                                                         WorkerPicker pick);

 protected:
  ListenAddress requested_;
  ListenAddress bound_;
};

}  // namespace rampart::transport
