// PduClock: remembers when the current PDU's first octet and its complete
// 16-octet header arrived, so the transport can apply header_timeout to a
// peer that trickles the header (slowloris) and pdu_timeout to one that
// trickles the body (docs/hardening.md C1: "Time out partial PDUs").
//
// It follows frag_length (C706 12.6.1: octets 8-9, in the integer order that
// drep octet 0 bit 4 selects) only to find PDU boundaries for timing. The
// Framer remains the judge of validity: a header it rejects closes the
// connection, whatever this clock believes.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <span>

namespace rampart::transport {

class PduClock {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kHeaderSize = 16;

  void feed(std::span<const std::uint8_t> bytes, Clock::time_point now) noexcept {
    while (!bytes.empty()) {
      if (pos_ == 0) started_ = now;
      std::size_t take = 0;
      if (pos_ < kHeaderSize) {
        take = std::min(kHeaderSize - pos_, bytes.size());
        for (std::size_t i = 0; i < take; ++i) header_[pos_ + i] = bytes[i];
        pos_ += take;
        if (pos_ == kHeaderSize) on_header(now);
      } else {
        take = std::min(frag_length_ - pos_, bytes.size());
        pos_ += take;
        if (pos_ == frag_length_) pos_ = 0;
      }
      bytes = bytes.subspan(take);
    }
  }

  /// Some but not all of a header has arrived.
  [[nodiscard]] bool in_header() const noexcept { return pos_ > 0 && pos_ < kHeaderSize; }
  [[nodiscard]] Clock::time_point started() const noexcept { return started_; }
  [[nodiscard]] Clock::time_point header_done() const noexcept { return header_done_; }

 private:
  void on_header(Clock::time_point now) noexcept {
    header_done_ = now;
    const bool little = (header_[4] & 0x10) != 0;  // C706 14.1: drep integer format
    frag_length_ = little ? std::size_t{header_[8]} | std::size_t{header_[9]} << 8
                          : std::size_t{header_[9]} | std::size_t{header_[8]} << 8;
    // A frag_length of 16 is a header-only PDU; below 16 the Framer fails
    // the stream, so timing the rest does not matter.
    if (frag_length_ <= kHeaderSize) pos_ = 0;
  }

  std::array<std::uint8_t, kHeaderSize> header_{};
  std::size_t pos_ = 0;  // octets of the current PDU seen so far
  std::size_t frag_length_ = 0;
  Clock::time_point started_{};
  Clock::time_point header_done_{};
};

}  // namespace rampart::transport
