// One probe connection: connect, write octets, read whole PDUs, each
// bounded by a deadline (Asio coroutines; one thread).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rampart::probe {

/// What one read produced.
struct ReadOutcome {
  enum class Kind : std::uint8_t { pdu, closed, timeout, error, malformed };
  Kind kind = Kind::timeout;
  std::vector<std::uint8_t> octets;  // the whole PDU (Kind::pdu)
  std::string detail;
};

class ProbeConn {
 public:
  explicit ProbeConn(asio::any_io_executor ex) : socket_(ex) {}

  /// Empty string on success, the error otherwise.
  asio::awaitable<std::string> connect(const asio::ip::tcp::endpoint& ep, std::chrono::milliseconds timeout);
  /// Empty string on success.
  asio::awaitable<std::string> write(std::span<const std::uint8_t> octets, std::chrono::milliseconds timeout);
  /// One PDU framed by its frag_length (read in its own drep, C706 12.6.3.1).
  asio::awaitable<ReadOutcome> read_pdu(std::chrono::milliseconds timeout);
  void close() noexcept;

 private:
  asio::awaitable<ReadOutcome> read_exact(std::span<std::uint8_t> into, std::chrono::milliseconds timeout);

  asio::ip::tcp::socket socket_;
};

/// frag_length of a common header in its drep (C706 12.6.3.1: byte 4's
/// high nibble 0 means big-endian integers).
[[nodiscard]] std::uint16_t header_frag_length(std::span<const std::uint8_t, 16> header) noexcept;

}  // namespace rampart::probe
