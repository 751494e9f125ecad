#include "connection.hpp"

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/post.hpp>

#include "worker.hpp"

namespace rampart::transport {

namespace {

// Reads per readiness notification: one busy peer cannot starve the others
// sharing its thread (docs/hardening.md C16: never hold the event loop).
constexpr int kReadsPerWakeup = 4;
// After our last PDU, how long a half-closed connection waits for the
// peer's EOF before it is reset.
constexpr std::chrono::milliseconds kMaxLinger{2000};

enum class ReadResult { more, would_block, stop };

}  // namespace

Connection::Connection(Worker& worker, Socket socket, std::shared_ptr<const runtime::ServerLimits> limits,
                       Admission::Ticket ticket)
    : worker_(worker), socket_(std::move(socket)), limits_(std::move(limits)), ticket_(std::move(ticket)) {}

Connection::~Connection() = default;

void Connection::start(runtime::PeerInfo peer) {
  created_ = last_activity_ = Clock::now();
  association_.emplace(worker_.shared().core, std::move(peer), make_poster(), limits_);
  worker_.shared().events->accepted(association_->peer());
  std::error_code ec;
  socket_.non_blocking(true, ec);
  if (ec) return close_socket(CloseReason::io_error, true);
  arm_read();
}

runtime::Association::Poster Connection::make_poster() {
  // Only a weak reference to the connection is captured, so a completion
  // that arrives after the connection closed is dropped. It runs on the
  // application's thread, under the worker's PostGate: the connection is
  // neither posted to nor released (its last reference may be this one)
  // once the worker's io_context is going away.
  return [weak = weak_from_this(), gate = worker_.post_gate()](std::function<void(runtime::Output&)> task) {
    std::lock_guard lock(gate->mutex);
    if (!gate->open) return;
    auto self = weak.lock();
    if (!self) return;
    auto& context = self->worker_.context();
    asio::post(context, [self = std::move(self), task = std::move(task)] { self->run_posted(task); });
  };
}

void Connection::run_posted(const std::function<void(runtime::Output&)>& task) {
  if (closed_ || closing_) return;
  runtime::Output out;
  task(out);
  last_activity_ = Clock::now();
  apply(out);
  check_drained();
}

// An asynchronous read, not a readiness wait: Asio re-registers the socket
// with epoll (EPOLL_CTL_MOD) on every async_wait, while a queued read costs
// one speculative recv(2) after a wake-up (none once the socket reported
// EOF) and no epoll_ctl.
void Connection::arm_read() {
  if (reading_ || stopped_reading()) return;
  reading_ = true;
  socket_.async_read_some(asio::buffer(first_read_),
                          [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
                            self->reading_ = false;
                            self->on_read(ec, n);
                          });
}

void Connection::on_read(const std::error_code& ec, std::size_t n) {
  if (closed_) return;
  if (!take(ec, n, first_read_)) return;
  if (stopped_reading()) return;
  // A full buffer means more may be waiting: read on into the worker's large
  // buffer, a bounded number of times (C16: one busy peer must not hold the
  // thread), before queueing the next read.
  if (n == first_read_.size()) {
    for (int i = 0; i < kReadsPerWakeup; ++i) {
      const bool more = read_some_and_feed();
      if (stopped_reading()) return;
      if (!more) break;
    }
  }
  arm_read();
}

bool Connection::stopped_reading() const { return closed_ || (closing_ && !lingering_); }

// Feeds what a read returned; false when the read ended the connection.
bool Connection::take(const std::error_code& ec, std::size_t n, std::span<const std::uint8_t> buffer) {
  if (ec == asio::error::eof) {
    close_socket(lingering_ ? close_reason_ : CloseReason::peer_closed, false);
    return false;
  }
  if (ec) {
    close_socket(CloseReason::io_error, true);
    return false;
  }
  if (!lingering_) feed(buffer.first(n));  // after shutdown, input is discarded
  return true;
}

// Returns true when the buffer was filled, so more input may be waiting.
bool Connection::read_some_and_feed() {
  const auto buffer = worker_.read_buffer();
  std::error_code ec;
  const std::size_t n = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return false;
  return take(ec, n, buffer) && n == buffer.size();
}

void Connection::feed(std::span<const std::uint8_t> bytes) {
  const auto now = Clock::now();
  last_activity_ = now;
  pdu_clock_.feed(bytes, now);
  runtime::Output out;
  association_->on_bytes(bytes, out);
  apply(out);
  check_drained();
}

void Connection::apply(runtime::Output& out) {
  if (closed_) return;
  if (!out.send.empty()) {
    if (queued_.empty()) {
      queued_ = std::move(out.send);
    } else {
      queued_.insert(queued_.end(), out.send.begin(), out.send.end());
    }
    // A peer that sends requests but does not read the answers must not
    // make us buffer without bound (docs/hardening.md C13).
    if (writing_.size() - write_offset_ + queued_.size() > limits_->max_send_queue) {
      return abort(CloseReason::send_queue_full);
    }
    start_write();
  }
  if (out.close || association_->state() == runtime::Association::State::closed) {
    begin_close(CloseReason::protocol);
  }
}

void Connection::start_write() {
  if (writing_active_ || closed_) return;
  if (write_offset_ >= writing_.size()) {
    if (queued_.empty()) return;
    writing_ = std::exchange(queued_, {});
    write_offset_ = 0;
  }
  writing_active_ = true;
  last_write_progress_ = Clock::now();
  socket_.async_write_some(asio::buffer(writing_.data() + write_offset_, writing_.size() - write_offset_),
                           [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
                             self->on_written(ec, n);
                           });
}

void Connection::on_written(const std::error_code& ec, std::size_t n) {
  writing_active_ = false;
  if (closed_) return;
  if (ec) return close_socket(CloseReason::io_error, true);
  const auto now = Clock::now();
  last_write_progress_ = last_activity_ = now;
  write_offset_ += n;
  if (write_offset_ >= writing_.size()) {
    writing_ = {};  // an idle connection keeps no output buffer
    write_offset_ = 0;
  }
  if (!writing_.empty() || !queued_.empty()) return start_write();
  if (closing_) return finish_close();
  check_drained();
}

void Connection::begin_close(CloseReason why) {
  if (closing_ || closed_) return;
  closing_ = true;
  close_reason_ = why;
  report_closed(why);
  if (!writing_active_ && writing_.empty() && queued_.empty()) finish_close();
}

void Connection::finish_close() {
  // Half-close, then read to EOF: closing a socket with unread input makes
  // the kernel send RST, which can destroy the bind_nak or fault we just
  // wrote before the peer reads it.
  std::error_code ec;
  socket_.shutdown(Socket::shutdown_send, ec);
  if (ec) return close_socket(close_reason_, true);
  lingering_ = true;
  linger_until_ = Clock::now() + std::min(kMaxLinger, limits_->header_timeout);
  arm_read();
}

void Connection::close_socket(CloseReason why, bool reset) {
  if (closed_) return;
  const auto self = shared_from_this();  // forget() drops the worker's reference
  closed_ = true;
  std::error_code ec;
  // A reset frees the kernel's socket state at once instead of leaving it
  // in TIME_WAIT: right for peers we time out or refuse.
  if (reset) socket_.set_option(asio::socket_base::linger(true, 0), ec);
  socket_.close(ec);
  if (association_) association_->on_closed();
  report_closed(why);
  worker_.forget(this);
}

// Reported when the decision is made, not when a lingering socket finally
// goes, so the log line carries the real reason at the real time.
void Connection::report_closed(CloseReason why) {
  if (reported_ || !association_) return;
  reported_ = true;
  worker_.shared().events->closed(association_->peer(), why);
}

void Connection::abort(CloseReason why) { close_socket(why, true); }

void Connection::drain() {
  draining_ = true;
  check_drained();
}

bool Connection::quiescent() const {
  return association_->pending_calls() == 0 && !association_->mid_pdu() && !writing_active_ && writing_.empty() &&
         queued_.empty();
}

void Connection::check_drained() {
  if (draining_ && !closing_ && !closed_ && quiescent()) begin_close(CloseReason::drained);
}

void Connection::sweep(Clock::time_point now) {
  if (closed_) return;
  if (const auto why = expired(now)) return close_socket(*why, true);
  if (!closing_ && association_->pending_calls() > 0) {
    runtime::Output out;
    association_->on_tick(now, out);  // faults calls past call_timeout (C16)
    apply(out);
  }
  check_drained();
}

std::optional<CloseReason> Connection::expired(Clock::time_point now) const {
  const auto& l = *limits_;
  if (lingering_) return now >= linger_until_ ? std::optional{close_reason_} : std::nullopt;
  if (writing_active_ && now - last_write_progress_ > l.pdu_timeout) return CloseReason::write_stall;
  if (closing_) return std::nullopt;
  if (association_->state() == runtime::Association::State::awaiting_bind && now - created_ > l.bind_timeout) {
    return CloseReason::bind_timeout;
  }
  if (association_->mid_pdu()) {
    if (pdu_clock_.in_header()) {
      return now - pdu_clock_.started() > l.header_timeout ? std::optional{CloseReason::header_timeout}
                                                           : std::nullopt;
    }
    return now - pdu_clock_.header_done() > l.pdu_timeout ? std::optional{CloseReason::pdu_timeout}
                                                          : std::nullopt;
  }
  if (association_->pending_calls() == 0 && !writing_active_ && now - last_activity_ > l.idle_timeout) {
    return CloseReason::idle_timeout;
  }
  return std::nullopt;
}

}  // namespace rampart::transport
