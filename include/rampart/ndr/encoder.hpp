// ndr::BasicEncoder<F>: writes NDR stub data (the mirror of BasicDecoder).
//
// Alignment is relative to where the ByteWriter started (the stub start,
// C706 14.2.2); padding octets are zero. Referent ids follow what Windows
// and Samba send, so encodings compare byte for byte with captures:
// [unique] and embedded [ref] pointers number 0x00020000, 0x00020004, ...
// and [ptr] pointers number 1, 2, 3, ... (the full-pointer translation
// table). The encoder never aliases full pointers: each non-NULL pointer
// gets a new id, which C706 14.3.11.3 allows.
//
// Anything a caller's value can get wrong (a count above the format's
// width, a string above its bound or with an inner NUL) is a Result; the
// plain writes cannot fail.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "rampart/base/byte_writer.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/ndr/errc.hpp"
#include "rampart/ndr/format.hpp"
#include "rampart/ndr/limits.hpp"
#include "rampart/ndr/types.hpp"

namespace rampart::ndr {

template <WireFormat F>
class BasicEncoder {
 public:
  using Format = F;
  static constexpr std::uint64_t kFirstUniqueId = 0x00020000;

  explicit BasicEncoder(ByteWriter& w) noexcept : w_(w) {}

  [[nodiscard]] ByteWriter& writer() noexcept { return w_; }
  [[nodiscard]] std::size_t position() const noexcept { return w_.position(); }
  [[nodiscard]] const Drep& drep() const noexcept { return w_.drep(); }

  void u8(std::uint8_t v) { w_.u8(v); }
  void i8(std::int8_t v) { w_.i8(v); }
  void u16(std::uint16_t v) { w_.align(2); w_.u16(v); }
  void i16(std::int16_t v) { w_.align(2); w_.i16(v); }
  void u32(std::uint32_t v) { w_.align(4); w_.u32(v); }
  void i32(std::int32_t v) { w_.align(4); w_.i32(v); }
  void u64(std::uint64_t v) { w_.align(8); w_.u64(v); }
  void i64(std::int64_t v) { w_.align(8); w_.i64(v); }
  void f32(float v) { w_.align(4); w_.f32(v); }
  void f64(double v) { w_.align(8); w_.f64(v); }
  /// C706 14.2.3: TRUE is written as 1.
  void boolean(bool v) { w_.u8(v ? 1 : 0); }
  /// C706 14.2.6: only 0..32767 can be carried in a 16-bit enum.
  [[nodiscard]] Result<void> enum16(std::uint16_t v) {
    if (v > 0x7fff) return fail(Errc::bad_enum_value, "16-bit enum above 0x7fff", position());
    u16(v);
    return {};
  }
  void v1_enum(std::uint32_t v) { u32(v); }
  /// [range(lo, hi)]: the caller's value must lie within the bounds the IDL
  /// gives before it is sent.
  template <class T>
    requires std::is_integral_v<T>
  [[nodiscard]] Result<void> in_range(T v, std::int64_t lo, std::int64_t hi) const {
    if (std::cmp_less(v, lo) || std::cmp_greater(v, hi))
      return fail(Errc::range_violation, "value outside its [range]", position());
    return {};
  }
  /// An enum in the transfer syntax's width (see BasicDecoder::enumeration).
  [[nodiscard]] Result<void> enumeration(std::uint32_t v, bool v1_enum) {
    if (v1_enum || F::kEnumSize == 4) {
      u32(v);
      return {};
    }
    if (v > 0xffff) return fail(Errc::bad_enum_value, "16-bit enum above 0x7fff", position());
    return enum16(static_cast<std::uint16_t>(v));
  }
  /// See BasicDecoder::union_start / union_arm / trailing_pad.
  void union_start(std::size_t discriminant_alignment, std::size_t arms_alignment) {
    if constexpr (F::kUnionArmAlignToLargest)
      w_.align(discriminant_alignment > arms_alignment ? discriminant_alignment : arms_alignment);
  }
  void union_arm(std::size_t arms_alignment) {
    if constexpr (F::kUnionArmAlignToLargest) w_.align(arms_alignment);
  }
  void trailing_pad(std::size_t struct_alignment) {
    if constexpr (F::kStructTrailingPad) w_.align(struct_alignment);
  }
  void uuid(const Uuid& u) { w_.align(4); u.encode(w_); }
  void context_handle(const ContextHandle& h) { u32(h.attributes); h.uuid.encode(w_); }
  void align(std::size_t n) { w_.align(n); }

  /// max_count (C706 14.3.3.2).
  [[nodiscard]] Result<void> conformance(std::uint64_t max_count) { return count_word(max_count); }
  /// offset 0 and actual_count (C706 14.3.3.3).
  [[nodiscard]] Result<void> variance(std::uint64_t actual) {
    RAMPART_CHECK(count_word(0));
    return count_word(actual);
  }

  template <class T>
    requires std::is_arithmetic_v<T>
  void primitives(std::span<const T> in) {
    if (in.empty()) return;
    w_.align(sizeof(T));
    if constexpr (sizeof(T) > 1) {
      if (drep().is_little() != (std::endian::native == std::endian::little)) {
        for (const T& v : in) put_swapped(v);
        return;
      }
    }
    w_.bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(in.data()),
                                           in.size_bytes()));
  }
  void octets(std::span<const std::uint8_t> in) { w_.bytes(in); }
  template <class T>
  [[nodiscard]] Result<void> conformant_array(std::span<const T> in) {
    RAMPART_CHECK(conformance(in.size()));
    primitives(in);
    return {};
  }
  template <class T>
  [[nodiscard]] Result<void> conformant_varying_array(std::span<const T> in, std::uint64_t max_count) {
    if (in.size() > max_count) return fail(Errc::actual_exceeds_max, "more elements than max_count");
    RAMPART_CHECK(conformance(max_count));
    RAMPART_CHECK(variance(in.size()));
    primitives(in);
    return {};
  }

  /// [string] char (C706 14.3.4): header, the characters, then NUL.
  [[nodiscard]] Result<void> string(std::string_view s, const StringSpec& spec = {}) {
    RAMPART_CHECK(string_header(s.size(), s.find('\0') != std::string_view::npos, spec, 1));
    w_.bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    w_.u8(0);
    return {};
  }
  /// [string] wchar_t: 16-bit units in the drep's integer order.
  [[nodiscard]] Result<void> wstring(std::u16string_view s, const StringSpec& spec = {}) {
    RAMPART_CHECK(string_header(s.size(), s.find(u'\0') != std::u16string_view::npos, spec, 2));
    primitives(std::span<const char16_t>(s.data(), s.size()));
    u16(0);
    return {};
  }

  /// [unique]: 0 for NULL, else a fresh id. The caller writes the referent.
  Pointer unique_pointer(bool present) {
    const std::uint64_t id = present ? next_unique() : 0;
    referent_word(id);
    return Pointer{id};
  }
  /// Embedded [ref]: always a non-zero id.
  Pointer ref_pointer() { return unique_pointer(true); }
  /// [ptr]: 0 for NULL, else the next full-pointer id.
  FullPointer full_pointer(bool present) {
    const std::uint64_t id = present ? ++next_full_ : 0;
    referent_word(id);
    return FullPointer{id, present, static_cast<std::uint32_t>(present ? next_full_ - 1 : 0)};
  }

  void discriminant(DiscriminantWidth w, std::uint32_t v) {
    switch (w) {
      case DiscriminantWidth::u8: return u8(static_cast<std::uint8_t>(v));
      case DiscriminantWidth::u16: return u16(static_cast<std::uint16_t>(v));
      case DiscriminantWidth::u32: return u32(v);
    }
  }
  void encapsulated_union(DiscriminantWidth w, std::size_t arms_alignment, std::uint32_t v) {
    const std::size_t dw = static_cast<std::size_t>(w);
    w_.align(dw > arms_alignment ? dw : arms_alignment);
    discriminant(w, v);
    w_.align(arms_alignment);
  }

 private:
  Result<void> count_word(std::uint64_t v) {
    if constexpr (F::kCountSize == 4) {
      if (v > std::numeric_limits<std::uint32_t>::max())
        return fail(Errc::value_too_large, "count does not fit in 32 bits", position());
      u32(static_cast<std::uint32_t>(v));
    } else {
      u64(v);
    }
    return {};
  }
  void referent_word(std::uint64_t id) {
    if constexpr (F::kReferentSize == 4) u32(static_cast<std::uint32_t>(id));
    else u64(id);
  }
  std::uint64_t next_unique() { return kFirstUniqueId + 4 * unique_count_++; }

  template <class T>
  void put_swapped(T v) {
    using U = std::conditional_t<sizeof(T) == 2, std::uint16_t,
                                 std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>;
    const U s = std::byteswap(std::bit_cast<U>(v));
    std::uint8_t b[sizeof(U)];
    std::memcpy(b, &s, sizeof(U));
    w_.bytes(b);
  }

  Result<void> string_header(std::size_t len, bool has_nul, const StringSpec& spec, std::size_t width) {
    if (has_nul) return fail(Errc::string_embedded_nul, "string holds a NUL", position());
    const std::uint64_t max_len = spec.max_length != 0 ? spec.max_length : DecodeLimits{}.max_string_length;
    if (len > max_len) return fail(Errc::string_too_long, "string above its maximum length", position());
    const std::uint64_t actual = len + 1;
    if (spec.fixed_size != 0) {
      if (actual > spec.fixed_size) return fail(Errc::actual_exceeds_max, "string exceeds its array", position());
    } else {
      if (spec.size_is && actual > *spec.size_is)
        return fail(Errc::actual_exceeds_max, "string exceeds size_is", position());
      RAMPART_CHECK(conformance(spec.size_is.value_or(actual)));
    }
    RAMPART_CHECK(variance(actual));
    if (width > 1) w_.align(width);
    return {};
  }

  ByteWriter& w_;
  std::uint64_t unique_count_ = 0;
  std::uint64_t next_full_ = 0;
};

using Encoder = BasicEncoder<Ndr20>;
using Encoder64 = BasicEncoder<Ndr64>;

}  // namespace rampart::ndr
