// Worker: one thread running one io_context, and the connections that live
// on it. Everything a connection does happens on its worker's thread.
#pragma once

#include <mutex>

#include <chrono>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "shared_state.hpp"

namespace rampart::transport {

class Connection;

/// Whether a worker's io_context still takes work from other threads. A
/// thread answering a call late (runtime::Responder) posts through it; the
/// worker closes it before its io_context stops, and anything done under
/// its mutex while open (finding the connection, posting, dropping the
/// connection's last reference) happens while that io_context lives.
struct PostGate {
  std::mutex mutex;
  bool open = true;
};

class Worker {
 public:
  explicit Worker(SharedState& shared);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  [[nodiscard]] asio::io_context& context() noexcept { return context_; }
  [[nodiscard]] SharedState& shared() noexcept { return shared_; }
  [[nodiscard]] const std::shared_ptr<PostGate>& post_gate() const noexcept { return post_gate_; }
  /// Scratch space for reads: one per thread instead of one per connection,
  /// so an idle connection holds no read buffer.
  [[nodiscard]] std::span<std::uint8_t> read_buffer() noexcept { return read_buffer_; }

  /// Takes ownership of an accepted socket. Runs on this worker's thread.
  void adopt(asio::generic::stream_protocol::socket socket, runtime::PeerInfo peer, Admission::Ticket ticket);
  /// Drops a closed connection. The caller holds a reference to it.
  void forget(Connection* connection) noexcept;

  /// Posts "finish your calls, then close" to every connection.
  void drain();
  /// Posts an immediate close of every connection.
  void close_all();
  /// Stops the event loop and joins the thread.
  void join();

 private:
  void arm_tick();
  void sweep();
  [[nodiscard]] std::chrono::milliseconds tick_interval() const;
  template <class F>
  void for_each_connection(F&& f);

  SharedState& shared_;
  asio::io_context context_{1};  // one thread per context: no internal locking needed
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  asio::steady_timer tick_;
  std::vector<std::uint8_t> read_buffer_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
  std::shared_ptr<PostGate> post_gate_ = std::make_shared<PostGate>();
  std::thread thread_;
};

}  // namespace rampart::transport
