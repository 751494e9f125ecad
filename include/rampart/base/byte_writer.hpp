// ByteWriter: drep-aware appends to a growable buffer.
//
// Positions are offsets from where the writer started, so NDR alignment is
// relative to the start of the stub being written even when the buffer
// already holds a PDU header.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "rampart/base/drep.hpp"

namespace rampart {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out, Drep drep = Drep::little()) noexcept
      : out_(out), base_(out.size()), drep_(drep) {}

  [[nodiscard]] std::size_t position() const noexcept { return out_.size() - base_; }
  [[nodiscard]] const Drep& drep() const noexcept { return drep_; }
  [[nodiscard]] std::vector<std::uint8_t>& buffer() noexcept { return out_; }

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { put(v, drep_.is_little()); }
  void u32(std::uint32_t v) { put(v, drep_.is_little()); }
  void u64(std::uint64_t v) { put(v, drep_.is_little()); }
  void i8(std::int8_t v) { u8(static_cast<std::uint8_t>(v)); }
  void i16(std::int16_t v) { u16(static_cast<std::uint16_t>(v)); }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void u16_be(std::uint16_t v) { put(v, false); }
  void u32_be(std::uint32_t v) { put(v, false); }
  void u16_le(std::uint16_t v) { put(v, true); }
  void u32_le(std::uint32_t v) { put(v, true); }
  void f32(float v) { u32(std::bit_cast<std::uint32_t>(v)); }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }

  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
  /// Pads with zero octets to the next multiple of `alignment` (a power of two).
  void align(std::size_t alignment) {
    // Most fields are already aligned: an empty insert still costs a call.
    if (const std::size_t pad = (alignment - (position() & (alignment - 1))) & (alignment - 1); pad != 0) zeros(pad);
  }

  /// Overwrites a previously written field at writer-relative `pos`.
  void patch_u16(std::size_t pos, std::uint16_t v) { patch(pos, v, drep_.is_little()); }
  void patch_u32(std::size_t pos, std::uint32_t v) { patch(pos, v, drep_.is_little()); }

 private:
  template <class T>
  static T ordered(T v, bool little) noexcept {
    if (little != (std::endian::native == std::endian::little)) return std::byteswap(v);
    return v;
  }
  template <class T>
  void put(T v, bool little) {
    v = ordered(v, little);
    // insert, not resize: resize zero-fills first, a call per field.
    std::uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out_.insert(out_.end(), b, b + sizeof(T));
  }
  template <class T>
  void patch(std::size_t pos, T v, bool little) {
    v = ordered(v, little);
    std::memcpy(out_.data() + base_ + pos, &v, sizeof(T));
  }

  std::vector<std::uint8_t>& out_;
  std::size_t base_;
  Drep drep_;
};

}  // namespace rampart
