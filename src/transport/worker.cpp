#include "worker.hpp"

#include <algorithm>

#include <asio/post.hpp>

#include "connection.hpp"

namespace rampart::transport {

namespace {
// Large enough for a maximum-size fragment (65535 octets) in one read.
constexpr std::size_t kReadBufferSize = 64 * 1024;
constexpr std::chrono::milliseconds kMinTick{5};
constexpr std::chrono::milliseconds kMaxTick{250};
}  // namespace

Worker::Worker(SharedState& shared)
    : shared_(shared),
      guard_(asio::make_work_guard(context_)),
      tick_(context_),
      read_buffer_(kReadBufferSize),
      thread_([this] { context_.run(); }) {
  asio::post(context_, [this] { arm_tick(); });
}

Worker::~Worker() {
  {
    // From here on, answers from other threads are dropped (PostGate).
    std::lock_guard lock(post_gate_->mutex);
    post_gate_->open = false;
  }
  join();
  // Connections go before the io_context they were created on.
  connections_.clear();
}

void Worker::adopt(asio::generic::stream_protocol::socket socket, runtime::PeerInfo peer,
                   Admission::Ticket ticket) {
  if (!shared_.accepting.load()) return;  // stop() began after the accept
  auto connection = std::make_shared<Connection>(*this, std::move(socket), shared_.limits(), std::move(ticket));
  connections_.emplace(connection.get(), connection);
  connection->start(std::move(peer));
}

void Worker::forget(Connection* connection) noexcept { connections_.erase(connection); }

template <class F>
void Worker::for_each_connection(F&& f) {
  // Copy first: f may close a connection, which erases it from the map.
  std::vector<std::shared_ptr<Connection>> all;
  all.reserve(connections_.size());
  for (const auto& [ptr, connection] : connections_) all.push_back(connection);
  for (const auto& connection : all) f(*connection);
}

void Worker::drain() {
  asio::post(context_, [this] { for_each_connection([](Connection& c) { c.drain(); }); });
}

void Worker::close_all() {
  asio::post(context_, [this] { for_each_connection([](Connection& c) { c.abort(CloseReason::shutdown); }); });
}

void Worker::join() {
  if (!thread_.joinable()) return;
  guard_.reset();
  asio::post(context_, [this] { tick_.cancel(); });
  context_.stop();
  thread_.join();
}

std::chrono::milliseconds Worker::tick_interval() const {
  if (shared_.options.tick.count() > 0) return shared_.options.tick;
  const auto l = shared_.limits();
  const auto shortest = std::min({l->header_timeout, l->pdu_timeout, l->idle_timeout, l->bind_timeout,
                                  l->call_timeout});
  return std::clamp(shortest / 4, kMinTick, kMaxTick);
}

void Worker::arm_tick() {
  tick_.expires_after(tick_interval());
  tick_.async_wait([this](const std::error_code& ec) {
    if (ec) return;
    sweep();
    arm_tick();
  });
}

void Worker::sweep() {
  const auto now = Connection::Clock::now();
  // A plain walk would be invalidated when a connection closes; the copy
  // costs one pointer per connection per tick.
  for_each_connection([now](Connection& c) { c.sweep(now); });
}

}  // namespace rampart::transport
