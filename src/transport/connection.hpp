// Connection: one accepted socket and the Association it feeds. Lives on
// one worker thread; the Association is never touched from another.
//
// Reading is an async_read_some into a small buffer of the connection's own
// (kFirstReadSize octets: a bind or an ept_map request fits); when that fills,
// the rest is read synchronously into the worker's shared 64 KiB buffer. So
// an idle connection costs one small buffer, and a busy one no epoll
// re-registration: two recv(2) per wake-up, the one that takes the request
// and the speculative one Asio (1.22) makes when the next read is queued,
// which finds the socket empty. Output is
// written in order; a peer that stops reading is closed once its queue
// passes ServerLimits::max_send_queue or a write makes no progress for
// pdu_timeout.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <asio/generic/stream_protocol.hpp>

#include "admission.hpp"
#include "rampart/transport/pdu_clock.hpp"
#include "rampart/runtime/association.hpp"
#include "rampart/transport/events.hpp"

namespace rampart::transport {

class Worker;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Socket = asio::generic::stream_protocol::socket;
  using Clock = std::chrono::steady_clock;

  Connection(Worker& worker, Socket socket, std::shared_ptr<const runtime::ServerLimits> limits,
             Admission::Ticket ticket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Creates the Association and starts reading. On the worker's thread.
  void start(runtime::PeerInfo peer);
  /// Periodic check: deadlines (header, PDU, bind, idle, write stall) and
  /// Association::on_tick for call budgets (C16).
  void sweep(Clock::time_point now);
  /// Finish pending calls, then close (stop()).
  void drain();
  /// Closes now without flushing.
  void abort(CloseReason why);

 private:
  void arm_read();
  void on_read(const std::error_code& ec, std::size_t n);
  bool take(const std::error_code& ec, std::size_t n, std::span<const std::uint8_t> buffer);
  bool read_some_and_feed();
  [[nodiscard]] bool stopped_reading() const;
  void feed(std::span<const std::uint8_t> bytes);
  void run_posted(const std::function<void(runtime::Output&)>& task);
  void apply(runtime::Output& out);
  void start_write();
  void on_written(const std::error_code& ec, std::size_t n);
  void begin_close(CloseReason why);
  void finish_close();
  void close_socket(CloseReason why, bool reset);
  void report_closed(CloseReason why);
  void check_drained();
  [[nodiscard]] std::optional<CloseReason> expired(Clock::time_point now) const;
  [[nodiscard]] bool quiescent() const;
  [[nodiscard]] runtime::Association::Poster make_poster();

  static constexpr std::size_t kFirstReadSize = 1024;

  Worker& worker_;
  Socket socket_;
  std::shared_ptr<const runtime::ServerLimits> limits_;
  Admission::Ticket ticket_;
  std::optional<runtime::Association> association_;
  PduClock pdu_clock_;
  std::vector<std::uint8_t> writing_;  // in flight, from write_offset_
  std::vector<std::uint8_t> queued_;   // waits for the write in flight
  std::size_t write_offset_ = 0;
  Clock::time_point created_;
  Clock::time_point last_activity_;
  Clock::time_point last_write_progress_;
  Clock::time_point linger_until_{};
  CloseReason close_reason_ = CloseReason::protocol;
  std::array<std::uint8_t, kFirstReadSize> first_read_;  // the outstanding async_read_some's
  bool reading_ = false;    // an async_read_some is outstanding
  bool writing_active_ = false;
  bool closing_ = false;    // no more input is fed; close after the flush
  bool lingering_ = false;  // our side is shut down; discarding input until EOF
  bool draining_ = false;
  bool closed_ = false;
  bool reported_ = false;
};

}  // namespace rampart::transport
