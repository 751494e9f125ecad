// Framer: turns a byte stream into whole PDUs, framed strictly by frag_length
// (docs/hardening.md C1). It validates each header as soon as its 16 octets are in,
// so an oversized or malformed PDU is refused before its body is read. After
// an error it stays failed: it never resynchronises on a byte stream.
//
// State diagram: docs/fragment-layer.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rampart/pdu/header.hpp"
#include "rampart/runtime/frag_errc.hpp"

namespace rampart::runtime {

class Framer {
 public:
  enum class State { header, body, frame_ready, failed };

  struct Progress {
    std::size_t consumed = 0;  // octets taken from the input
    bool frame_ready = false;  // a whole PDU is available via frame()
  };

  explicit Framer(pdu::DecodeLimits limits = {}) : limits_(limits) {}

  /// Takes octets up to the end of the current PDU. Returns how many were
  /// consumed; call again with the rest after taking the frame.
  [[nodiscard]] Result<Progress> feed(std::span<const std::uint8_t> input);

  /// The complete PDU (valid until pop() or the next feed).
  [[nodiscard]] std::span<const std::uint8_t> frame() const noexcept { return buffer_; }
  [[nodiscard]] const pdu::CommonHeader& header() const noexcept { return header_; }
  /// Discards the current frame and waits for the next header.
  void pop() noexcept;

  [[nodiscard]] State state() const noexcept { return state_; }
  /// True while part of a PDU has arrived: the transport applies its PDU
  /// read timeout then, and its idle timeout otherwise.
  [[nodiscard]] bool mid_pdu() const noexcept { return state_ == State::body || !buffer_.empty(); }

  /// After bind: request/response/fault fragments above the negotiated
  /// receive size are refused (C706 12.6.3.1).
  void set_max_frag_length(std::uint16_t n) noexcept { limits_.max_frag_length = n; }
  [[nodiscard]] const pdu::DecodeLimits& limits() const noexcept { return limits_; }

 private:
  Result<void> on_header_complete();

  /// Buffer capacity kept between PDUs: every ept_map request fits, so the
  /// hot path does not reallocate; anything larger is released after use.
  static constexpr std::size_t kKeptCapacity = 512;

  pdu::DecodeLimits limits_;
  State state_ = State::header;
  pdu::CommonHeader header_;
  std::vector<std::uint8_t> buffer_;
  std::optional<Error> failure_;
};

}  // namespace rampart::runtime
