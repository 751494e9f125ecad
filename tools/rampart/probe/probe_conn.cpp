// Deadlines through awaitable_operators: `op || timer` cancels whichever
// loses, so no completion handler outlives the operation it belongs to.
#include "probe_conn.hpp"

#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "rampart/pdu/constants.hpp"

namespace rampart::probe {

namespace {

using namespace asio::experimental::awaitable_operators;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

bool is_close(const std::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

}  // namespace

std::uint16_t header_frag_length(std::span<const std::uint8_t, 16> h) noexcept {
  const bool little = (h[4] & 0xf0) != 0;
  return little ? static_cast<std::uint16_t>(h[8] | h[9] << 8) : static_cast<std::uint16_t>(h[8] << 8 | h[9]);
}

asio::awaitable<std::string> ProbeConn::connect(const asio::ip::tcp::endpoint& ep, std::chrono::milliseconds timeout) {
  asio::steady_timer timer(socket_.get_executor(), timeout);
  auto r = co_await (socket_.async_connect(ep, kNoThrow) || timer.async_wait(kNoThrow));
  if (r.index() == 1) co_return "connect timed out";
  auto [ec] = std::get<0>(r);
  if (ec) co_return ec.message();
  socket_.set_option(asio::ip::tcp::no_delay(true));
  co_return std::string{};
}

asio::awaitable<std::string> ProbeConn::write(std::span<const std::uint8_t> octets, std::chrono::milliseconds timeout) {
  asio::steady_timer timer(socket_.get_executor(), timeout);
  auto r = co_await (asio::async_write(socket_, asio::buffer(octets.data(), octets.size()), kNoThrow) ||
                     timer.async_wait(kNoThrow));
  if (r.index() == 1) co_return "write timed out";
  auto [ec, n] = std::get<0>(r);
  if (ec) co_return is_close(ec) ? "closed" : ec.message();
  co_return std::string{};
}

asio::awaitable<ReadOutcome> ProbeConn::read_exact(std::span<std::uint8_t> into, std::chrono::milliseconds timeout) {
  asio::steady_timer timer(socket_.get_executor(), timeout);
  auto r = co_await (asio::async_read(socket_, asio::buffer(into.data(), into.size()), kNoThrow) ||
                     timer.async_wait(kNoThrow));
  ReadOutcome out;
  if (r.index() == 1) co_return out;  // timeout
  auto [ec, n] = std::get<0>(r);
  if (!ec) {
    out.kind = ReadOutcome::Kind::pdu;
    co_return out;
  }
  out.kind = is_close(ec) ? ReadOutcome::Kind::closed : ReadOutcome::Kind::error;
  out.detail = n == 0 ? ec.message() : ec.message() + " (mid-PDU)";
  co_return out;
}

asio::awaitable<ReadOutcome> ProbeConn::read_pdu(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::uint8_t> buf(pdu::kHeaderSize);
  auto head = co_await read_exact(buf, timeout);
  if (head.kind != ReadOutcome::Kind::pdu) co_return head;
  const std::uint16_t frag = header_frag_length(std::span<const std::uint8_t, 16>(buf.data(), 16));
  if (frag < pdu::kHeaderSize) {
    // The reply cannot be framed; keep what arrived for the report.
    co_return ReadOutcome{ReadOutcome::Kind::malformed, std::move(buf), "reply frag_length below 16"};
  }
  buf.resize(frag);
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  auto body = co_await read_exact(std::span<std::uint8_t>(buf).subspan(pdu::kHeaderSize),
                                  std::max(left, std::chrono::milliseconds{1}));
  if (body.kind != ReadOutcome::Kind::pdu) co_return body;
  co_return ReadOutcome{ReadOutcome::Kind::pdu, std::move(buf), {}};
}

void ProbeConn::close() noexcept {
  std::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace rampart::probe
