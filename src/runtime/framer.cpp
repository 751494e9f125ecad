#include "rampart/runtime/framer.hpp"

#include <algorithm>

namespace rampart::runtime {

Result<Framer::Progress> Framer::feed(std::span<const std::uint8_t> input) {
  if (state_ == State::failed) return std::unexpected(*failure_);
  Progress p;
  if (state_ == State::frame_ready) return p;  // caller must pop() first
  while (p.consumed < input.size() && state_ != State::frame_ready) {
    const std::size_t want = state_ == State::header ? pdu::kHeaderSize : header_.frag_length;
    const std::size_t take = std::min(want - buffer_.size(), input.size() - p.consumed);
    buffer_.insert(buffer_.end(), input.begin() + static_cast<std::ptrdiff_t>(p.consumed),
                   input.begin() + static_cast<std::ptrdiff_t>(p.consumed + take));
    p.consumed += take;
    if (buffer_.size() < want) break;
    if (state_ == State::header) {
      if (auto ok = on_header_complete(); !ok) {
        state_ = State::failed;
        failure_ = ok.error();
        return std::unexpected(ok.error());
      }
    } else {
      state_ = State::frame_ready;
    }
  }
  p.frame_ready = state_ == State::frame_ready;
  return p;
}

Result<void> Framer::on_header_complete() {
  // C1: frame strictly by frag_length, checked against the PTYPE's minimum
  // and maximum (and the negotiated size) before the body is read.
  header_ = RAMPART_TRY(pdu::CommonHeader::decode(buffer_, limits_));
  if (header_.frag_length == pdu::kHeaderSize) {
    state_ = State::frame_ready;
  } else {
    buffer_.reserve(header_.frag_length);
    state_ = State::body;
  }
  return {};
}

void Framer::pop() noexcept {
  if (state_ != State::frame_ready) return;
  buffer_.clear();
  // An idle connection should hold almost nothing: after a large PDU the
  // buffer is released (the next one reserves exactly its frag_length).
  if (buffer_.capacity() > kKeptCapacity) buffer_ = {};
  state_ = State::header;
}

}  // namespace rampart::runtime
