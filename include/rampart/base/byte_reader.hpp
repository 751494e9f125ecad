// ByteReader: bounds-checked, drep-aware reads over untrusted bytes.
//
// Every read checks `n > remaining()` before touching memory, so no pointer
// arithmetic runs ahead of a bounds check. Positions are offsets from the
// start of the span the reader was built over; NDR alignment is relative to
// that start (C706 14.2.2: alignment is relative to the stub's beginning).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>

#include "rampart/base/drep.hpp"
#include "rampart/base/error.hpp"

namespace rampart {

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::span<const std::uint8_t> data, Drep drep = Drep::little()) noexcept
      : data_(data), drep_(drep) {}

  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  [[nodiscard]] std::size_t size() const noexcept { return data_.size(); }
  [[nodiscard]] std::size_t remaining() const noexcept { return data_.size() - pos_; }
  [[nodiscard]] bool empty() const noexcept { return pos_ == data_.size(); }
  [[nodiscard]] const Drep& drep() const noexcept { return drep_; }
  void set_drep(Drep d) noexcept { drep_ = d; }
  [[nodiscard]] std::span<const std::uint8_t> data() const noexcept { return data_; }
  [[nodiscard]] std::span<const std::uint8_t> rest() const noexcept { return data_.subspan(pos_); }

  [[nodiscard, gnu::always_inline]] Result<std::uint8_t> u8() noexcept {
    if (1 > remaining()) [[unlikely]] return truncated();
    return data_[pos_++];
  }
  [[nodiscard, gnu::always_inline]] Result<std::uint16_t> u16() noexcept { return read_int<std::uint16_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::uint32_t> u32() noexcept { return read_int<std::uint32_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::uint64_t> u64() noexcept { return read_int<std::uint64_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::int8_t> i8() noexcept { return read_int<std::int8_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::int16_t> i16() noexcept { return read_int<std::int16_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::int32_t> i32() noexcept { return read_int<std::int32_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::int64_t> i64() noexcept { return read_int<std::int64_t>(); }

  /// Big-endian regardless of drep (tower floor right-hand sides, C706 App. L).
  [[nodiscard]] Result<std::uint16_t> u16_be() noexcept { return read_fixed<std::uint16_t>(false); }
  [[nodiscard]] Result<std::uint32_t> u32_be() noexcept { return read_fixed<std::uint32_t>(false); }
  /// Little-endian regardless of drep (tower floor lengths, C706 App. L).
  [[nodiscard]] Result<std::uint16_t> u16_le() noexcept { return read_fixed<std::uint16_t>(true); }
  [[nodiscard]] Result<std::uint32_t> u32_le() noexcept { return read_fixed<std::uint32_t>(true); }

  /// IEEE 754 only; other float representations are `unsupported_drep`.
  [[nodiscard]] Result<float> f32() noexcept;
  [[nodiscard]] Result<double> f64() noexcept;

  /// A view of the next n bytes; the reader advances past them.
  [[nodiscard, gnu::always_inline]] Result<std::span<const std::uint8_t>> bytes(std::size_t n) noexcept {
    if (n > remaining()) [[unlikely]] return truncated();
    auto out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  [[nodiscard, gnu::always_inline]] Result<void> skip(std::size_t n) noexcept {
    if (n > remaining()) [[unlikely]] return truncated();
    pos_ += n;
    return {};
  }
  /// Advances to the next multiple of `alignment` (1, 2, 4, 8 or 16).
  [[nodiscard, gnu::always_inline]] Result<void> align(std::size_t alignment) noexcept {
    const std::size_t pad = padding_for(pos_, alignment);
    return skip(pad);
  }
  /// Moves to an absolute offset inside the span (used for sec_trailer).
  [[nodiscard]] Result<void> seek(std::size_t offset) noexcept {
    if (offset > data_.size()) [[unlikely]] return truncated();
    pos_ = offset;
    return {};
  }

  static constexpr std::size_t padding_for(std::size_t pos, std::size_t alignment) noexcept {
    return (alignment - (pos & (alignment - 1))) & (alignment - 1);
  }

 private:
  // Cold and out of line: building the Error would otherwise be inlined
  // into every read, and the reads are too big to inline any more.
  [[gnu::cold, gnu::noinline]] std::unexpected<Error> truncated(
      std::source_location where = std::source_location::current()) const noexcept {
    return fail(BaseErrc::truncated, "input ends inside a field", pos_, where);
  }

  template <class T>
  [[gnu::always_inline]] Result<T> read_int() noexcept {
    return read_fixed<T>(drep_.int_rep == IntRep::little_endian);
  }

  template <class T>
  [[gnu::always_inline]] Result<T> read_fixed(bool little) noexcept {
    if (sizeof(T) > remaining()) [[unlikely]] return truncated();
    using U = std::make_unsigned_t<T>;
    U v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    if constexpr (sizeof(T) > 1) {
      if (little != (std::endian::native == std::endian::little)) v = std::byteswap(v);
    }
    pos_ += sizeof(T);
    return static_cast<T>(v);
  }

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  Drep drep_;
};

}  // namespace rampart
