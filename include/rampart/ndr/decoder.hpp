// ndr::BasicDecoder<F>: reads NDR-encoded stub data that a peer controls.
//
// Alignment is relative to the start of the stub (C706 14.2.2), which is
// where the ByteReader's span begins. Every count read from the wire is
// checked before anything is allocated: against the correlation the IDL
// gives (C7), against the bytes that remain times the smallest wire size
// of one element (C11), against DecodeLimits, and against the allocation
// budget. Nesting is counted through DepthGuard (C12).
//
// Deferred pointers: the decoder reads a pointer's referent id and returns
// it; the caller reads the referent where NDR puts it (C706 14.3.12). See
// construct.hpp for the two-phase (scalars, then buffers) helpers that put
// embedded referents after the enclosing construct.
//
// Hot-path notes: everything here is inline and non-virtual; primitives
// are a bounds check, an optional byte swap and a memcpy. Arrays of
// primitives are read in one bulk copy.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "rampart/base/byte_reader.hpp"
#include "rampart/base/checked.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/ndr/errc.hpp"
#include "rampart/ndr/format.hpp"
#include "rampart/ndr/full_pointer_table.hpp"
#include "rampart/ndr/limits.hpp"
#include "rampart/ndr/types.hpp"

namespace rampart::ndr {

/// True if a count read from the wire (up to 64 bits in NDR64) fits the
/// IDL integer type of the member or parameter that is to carry it.
template <class T>
[[nodiscard]] constexpr bool count_fits(std::uint64_t v) noexcept {
  using U = typename std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>, std::type_identity<T>>::type;
  return std::cmp_less_equal(v, std::numeric_limits<U>::max());
}

template <WireFormat F>
class BasicDecoder {
 public:
  using Format = F;

  BasicDecoder(std::span<const std::uint8_t> stub, Drep drep,
               const DecodeLimits& limits = {}) noexcept
      : r_(stub, drep), limits_(limits), budget_(limits.max_alloc_bytes) {}

  /// Counts one level of nesting for as long as it lives (C12).
  class [[nodiscard]] DepthGuard {
   public:
    DepthGuard(DepthGuard&& o) noexcept : depth_(std::exchange(o.depth_, nullptr)) {}
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    DepthGuard& operator=(DepthGuard&&) = delete;
    ~DepthGuard() {
      if (depth_ != nullptr) --*depth_;
    }

   private:
    friend class BasicDecoder;
    explicit DepthGuard(std::uint32_t* depth) noexcept : depth_(depth) {}
    std::uint32_t* depth_;
  };

  [[nodiscard]] std::size_t position() const noexcept { return r_.position(); }
  [[nodiscard]] std::size_t remaining() const noexcept { return r_.remaining(); }
  [[nodiscard]] const Drep& drep() const noexcept { return r_.drep(); }
  [[nodiscard]] const DecodeLimits& limits() const noexcept { return limits_; }
  /// Bytes charged against DecodeLimits::max_alloc_bytes so far.
  [[nodiscard]] std::uint64_t allocated() const noexcept { return limits_.max_alloc_bytes - budget_; }
  [[nodiscard]] std::uint32_t depth() const noexcept { return depth_; }

  // ---- primitives (C706 14.2: each aligned to its own size) ----
  [[nodiscard]] Result<std::uint8_t> u8() noexcept { return r_.u8(); }
  [[nodiscard]] Result<std::int8_t> i8() noexcept { return r_.i8(); }
  [[nodiscard, gnu::always_inline]] Result<std::uint16_t> u16() noexcept { return scalar<std::uint16_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::int16_t> i16() noexcept { return scalar<std::int16_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::uint32_t> u32() noexcept { return scalar<std::uint32_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::int32_t> i32() noexcept { return scalar<std::int32_t>(); }
  /// hyper / unsigned hyper (C706 14.2.5).
  [[nodiscard, gnu::always_inline]] Result<std::uint64_t> u64() noexcept { return scalar<std::uint64_t>(); }
  [[nodiscard, gnu::always_inline]] Result<std::int64_t> i64() noexcept { return scalar<std::int64_t>(); }
  [[nodiscard]] Result<float> f32() noexcept {
    RAMPART_CHECK(r_.align(4));
    return r_.f32();
  }
  [[nodiscard]] Result<double> f64() noexcept {
    RAMPART_CHECK(r_.align(8));
    return r_.f64();
  }
  /// C706 14.2.3: one octet; 0 is FALSE and any other value TRUE.
  [[nodiscard]] Result<bool> boolean() noexcept {
    const auto v = RAMPART_TRY(r_.u8());
    return v != 0;
  }
  /// C706 14.2.6: an enum is a 16-bit value and only 0..32767 are legal.
  [[nodiscard]] Result<std::uint16_t> enum16() noexcept {
    const auto v = RAMPART_TRY(u16());
    if (v > 0x7fff) [[unlikely]]
      return fail(Errc::bad_enum_value, "16-bit enum above 0x7fff", position() - 2);
    return v;
  }
  /// [v1_enum]: the same values, carried in 32 bits.
  [[nodiscard]] Result<std::uint32_t> v1_enum() noexcept { return u32(); }
  /// An enum as the transfer syntax carries it: C706 14.2.6 (NDR20) makes
  /// it 16 bits unless [v1_enum]; [MS-RPCE] 2.2.5.3.2 (NDR64) makes every
  /// enum a 4-octet signed long (F::kEnumSize).
  [[nodiscard]] Result<std::uint32_t> enumeration(bool v1_enum) noexcept {
    if (v1_enum || F::kEnumSize == 4) return u32();
    return RAMPART_TRY(enum16());
  }
  /// Checks an enum value against the declared set.
  template <class E, std::size_t N>
  [[nodiscard]] Result<E> enum_value(std::uint32_t raw, const E (&allowed)[N]) const noexcept {
    for (E e : allowed)
      if (static_cast<std::uint32_t>(e) == raw) return e;
    return fail(Errc::bad_enum_value, "enum value outside the declared set", position());
  }
  /// [range(lo, hi)] (the MIDL attribute [MS-RPCE] 2.2.1.2.4 and 2.2.1.2.5
  /// put on max_ents and max_towers): `v` is the value just read.
  template <class T>
  [[nodiscard]] Result<T> in_range(T v, T lo, T hi) const noexcept {
    if (v < lo || v > hi) [[unlikely]]
      return fail(Errc::range_violation, "value outside its [range]", position() - sizeof(T));
    return v;
  }

  /// C706 Appendix A: a UUID is a structure aligned to 4.
  [[nodiscard]] Result<Uuid> uuid() noexcept {
    RAMPART_CHECK(r_.align(4));
    return Uuid::decode(r_);
  }
  /// C706 Appendix N: ndr_context_handle, 20 octets.
  [[nodiscard, gnu::always_inline]] Result<ContextHandle> context_handle() noexcept {
    ContextHandle h;
    h.attributes = RAMPART_TRY(u32());
    h.uuid = RAMPART_TRY(Uuid::decode(r_));
    return h;
  }
  [[nodiscard]] Result<void> align(std::size_t n) noexcept { return r_.align(n); }

  // ---- nesting, bounds and the allocation budget ----
  [[nodiscard]] Result<DepthGuard> enter() noexcept {
    if (depth_ >= limits_.max_depth) [[unlikely]]
      return fail(Errc::depth_exceeded, "constructed types nest too deeply", position());
    ++depth_;
    return DepthGuard(&depth_);
  }
  /// C11: `count` elements of at least `min_wire_size` octets each must fit
  /// in what remains. Called before anything is allocated or looped over.
  [[nodiscard]] Result<void> need(std::uint64_t count, std::size_t min_wire_size) const noexcept {
    if (count > limits_.max_array_elements) [[unlikely]]
      return fail(Errc::count_exceeds_limit, "more elements than max_array_elements", position());
    const auto bytes = checked_mul(count, min_wire_size == 0 ? 1 : min_wire_size);
    if (!bytes || *bytes > remaining()) [[unlikely]]
      return fail(Errc::count_exceeds_remaining, "count exceeds the bytes that remain", position());
    return {};
  }
  /// Charges count * each bytes against the per-decode allocation budget.
  [[nodiscard]] Result<void> charge(std::uint64_t count, std::size_t each) noexcept {
    const auto bytes = checked_mul(count, each);
    if (!bytes || *bytes > budget_) [[unlikely]]
      return fail(Errc::allocation_limit, "decode would exceed max_alloc_bytes", position());
    budget_ -= *bytes;
    return {};
  }

  // ---- array headers (C706 14.3.3) ----
  /// Reads max_count; it must equal the size_is correlation when given (C7).
  [[nodiscard, gnu::always_inline]] Result<std::uint64_t> conformance(std::optional<std::uint64_t> size_is = {}) noexcept {
    const auto wire_max = RAMPART_TRY(count_word());
    if (size_is && wire_max != *size_is) [[unlikely]]
      return fail(Errc::conformance_mismatch, "max_count differs from size_is",
                  position() - F::kCountSize);
    return wire_max;
  }
  /// Reads offset and actual_count of a varying array whose bound is `max`
  /// (max_count, or the fixed size): offset 0, actual <= max, and actual
  /// equal to the length_is correlation when given (C7). Returns actual.
  [[nodiscard]] Result<std::uint64_t> variance(std::uint64_t max,
                                               std::optional<std::uint64_t> length_is = {}) noexcept {
    const auto wire_offset = RAMPART_TRY(count_word());
    if (wire_offset != 0) [[unlikely]]
      return fail(Errc::variance_offset_nonzero, "varying array offset is not 0",
                  position() - F::kCountSize);
    const auto wire_actual = RAMPART_TRY(count_word());
    if (wire_actual > max) [[unlikely]]
      return fail(Errc::actual_exceeds_max, "actual_count exceeds max_count",
                  position() - F::kCountSize);
    if (length_is && wire_actual != *length_is) [[unlikely]]
      return fail(Errc::length_mismatch, "actual_count differs from length_is",
                  position() - F::kCountSize);
    return wire_actual;
  }

  // ---- arrays of primitives ----
  /// Fills `out` from the wire in one bulk copy (aligned to sizeof(T)).
  template <class T>
    requires std::is_arithmetic_v<T>
  [[nodiscard]] Result<void> primitives(std::span<T> out) noexcept {
    if (out.empty()) return {};
    RAMPART_CHECK(r_.align(alignof_wire<T>()));
    RAMPART_CHECK(need(out.size(), sizeof(T)));
    const auto src = RAMPART_TRY(r_.bytes(out.size_bytes()));
    std::memcpy(out.data(), src.data(), src.size());
    if constexpr (sizeof(T) > 1) {
      if (drep().is_little() != (std::endian::native == std::endian::little)) swap_all(out);
    }
    return {};
  }
  /// `count` elements of T, checked and charged before allocation.
  template <class T>
    requires std::is_arithmetic_v<T>
  [[nodiscard]] Result<std::vector<T>> array(std::uint64_t count) {
    RAMPART_CHECK(need(count, sizeof(T)));
    RAMPART_CHECK(charge(count, sizeof(T)));
    if constexpr (sizeof(T) == 1) {
      // Octets need no alignment or swapping: copy them in without first
      // zero-filling the vector.
      const auto src = RAMPART_TRY(r_.bytes(static_cast<std::size_t>(count)));
      const auto* p = reinterpret_cast<const T*>(src.data());
      return std::vector<T>(p, p + src.size());
    }
    std::vector<T> v(static_cast<std::size_t>(count));
    RAMPART_CHECK(primitives(std::span<T>(v)));
    return v;
  }
  /// A view of `count` octets, without copying.
  [[nodiscard]] Result<std::span<const std::uint8_t>> octets(std::uint64_t count) noexcept {
    RAMPART_CHECK(need(count, 1));
    return r_.bytes(static_cast<std::size_t>(count));
  }
  /// Conformant array (C706 14.3.3.2): max_count, then the elements.
  template <class T>
  [[nodiscard]] Result<std::vector<T>> conformant_array(std::optional<std::uint64_t> size_is = {}) {
    const auto max = RAMPART_TRY(conformance(size_is));
    return array<T>(max);
  }
  /// Varying array of fixed bound N (C706 14.3.3.3): offset, actual, elements.
  template <class T>
  [[nodiscard]] Result<std::vector<T>> varying_array(std::uint64_t fixed_size,
                                                     std::optional<std::uint64_t> length_is = {}) {
    const auto actual = RAMPART_TRY(variance(fixed_size, length_is));
    return array<T>(actual);
  }
  /// Conformant varying array (C706 14.3.3.4): max_count, offset, actual.
  template <class T>
  [[nodiscard]] Result<std::vector<T>> conformant_varying_array(
      std::optional<std::uint64_t> size_is = {}, std::optional<std::uint64_t> length_is = {}) {
    const auto max = RAMPART_TRY(conformance(size_is));
    const auto actual = RAMPART_TRY(variance(max, length_is));
    return array<T>(actual);
  }

  // ---- strings (C706 14.3.4; C8) ----
  /// [string] char: the terminator is the last element inside actual_count
  /// and is not part of the result; no other NUL may appear.
  [[nodiscard]] Result<std::string> string(const StringSpec& spec = {}) {
    if (drep().char_rep != CharRep::ascii) [[unlikely]]
      return fail(Errc::unsupported_char_rep, "EBCDIC character data", position());
    const auto n = RAMPART_TRY(string_header(spec, 1));
    const auto raw = RAMPART_TRY(r_.bytes(static_cast<std::size_t>(n)));
    RAMPART_CHECK(check_terminator(raw.data(), n, 1));
    return std::string(reinterpret_cast<const char*>(raw.data()), static_cast<std::size_t>(n - 1));
  }
  /// [string] wchar_t: 16-bit units in the drep's integer order.
  [[nodiscard]] Result<std::u16string> wstring(const StringSpec& spec = {}) {
    const auto n = RAMPART_TRY(string_header(spec, 2));
    std::u16string s(static_cast<std::size_t>(n), u'\0');
    RAMPART_CHECK(primitives(std::span<char16_t>(s)));
    RAMPART_CHECK(check_terminator(s.data(), n, 2));
    s.pop_back();
    return s;
  }

  // ---- pointers (C706 14.3.10 - 14.3.12) ----
  /// [unique]: referent id 0 is NULL; any other id means a referent follows.
  [[nodiscard]] Result<Pointer> unique_pointer() noexcept {
    const auto id = RAMPART_TRY(referent_word());
    return Pointer{id};
  }
  /// Embedded [ref]: a referent id that may not be 0 (C10). Top-level [ref]
  /// pointers have no wire form; the caller reads the referent directly.
  [[nodiscard]] Result<Pointer> ref_pointer() noexcept {
    const auto id = RAMPART_TRY(referent_word());
    if (id == 0) [[unlikely]]
      return fail(Errc::null_ref_pointer, "[ref] pointer is NULL", position() - F::kReferentSize);
    return Pointer{id};
  }
  /// [ptr]: like [unique], but an id seen before designates the same object
  /// and carries no referent. `type_tag` names the referent type; reusing
  /// an id for another type is an error.
  [[nodiscard, gnu::always_inline]] Result<FullPointer> full_pointer(std::uint16_t type_tag) {
    const auto id = RAMPART_TRY(referent_word());
    if (id == 0) return FullPointer{};
    return full_pointer_id(id, type_tag);
  }

  // ---- unions (C706 14.3.8) ----
  /// Non-encapsulated union: the discriminant, in its own type.
  [[nodiscard]] Result<std::uint32_t> discriminant(DiscriminantWidth w) noexcept {
    switch (w) {
      case DiscriminantWidth::u8: return RAMPART_TRY(u8());
      case DiscriminantWidth::u16: return RAMPART_TRY(u16());
      case DiscriminantWidth::u32: break;
    }
    return u32();
  }
  /// Encapsulated union: a structure of the discriminant and the union, so
  /// aligned to the larger of the two; the arm then aligns to its arms'
  /// largest alignment.
  [[nodiscard]] Result<std::uint32_t> encapsulated_union(DiscriminantWidth w,
                                                         std::size_t arms_alignment) noexcept {
    const std::size_t dw = static_cast<std::size_t>(w);
    RAMPART_CHECK(r_.align(dw > arms_alignment ? dw : arms_alignment));
    const auto d = RAMPART_TRY(discriminant(w));
    RAMPART_CHECK(r_.align(arms_alignment));
    return d;
  }
  /// Before a non-encapsulated union's discriminant. NDR20 aligns the
  /// discriminant by its own type only (C706 14.3.8); NDR64 aligns the
  /// whole union to the larger of discriminant and largest arm
  /// (F::kUnionArmAlignToLargest, [MS-RPCE] 2.2.5.3.4.4).
  [[nodiscard]] Result<void> union_start(std::size_t discriminant_alignment,
                                         std::size_t arms_alignment) noexcept {
    if constexpr (F::kUnionArmAlignToLargest)
      return r_.align(discriminant_alignment > arms_alignment ? discriminant_alignment : arms_alignment);
    return {};
  }
  /// Before the selected arm: NDR64 aligns it to the largest arm; NDR20
  /// lets the arm align itself.
  [[nodiscard]] Result<void> union_arm(std::size_t arms_alignment) noexcept {
    if constexpr (F::kUnionArmAlignToLargest) return r_.align(arms_alignment);
    return {};
  }
  /// After a structure's flat part: NDR64 pads it to a multiple of its
  /// alignment (F::kStructTrailingPad, [MS-RPCE] 2.2.5.3.4.1).
  [[nodiscard]] Result<void> trailing_pad(std::size_t struct_alignment) noexcept {
    if constexpr (F::kStructTrailingPad) return r_.align(struct_alignment);
    return {};
  }
  /// The error for a non-encapsulated union whose wire discriminant
  /// differs from its switch_is correlation (C7).
  [[nodiscard]] std::unexpected<Error> switch_mismatch() const noexcept {
    return fail(Errc::switch_mismatch, "union discriminant differs from switch_is", position());
  }
  /// The error for a count or length that differs from its correlation,
  /// checked once the correlated member has been read (C7).
  [[nodiscard]] std::unexpected<Error> correlation_mismatch(Errc code, const char* detail) const noexcept {
    return fail(code, detail, position());
  }
  /// The error for a discriminant that selects no arm and no default.
  [[nodiscard]] std::unexpected<Error> unknown_arm() const noexcept {
    return fail(Errc::unknown_union_arm, "union discriminant selects no arm", position());
  }

  /// The stub must end after the last parameter.
  [[nodiscard]] Result<void> finish() const noexcept {
    if (!r_.empty()) [[unlikely]]
      return fail(Errc::trailing_bytes, "octets after the last parameter", position());
    return {};
  }

 private:
  template <class T>
  static constexpr std::size_t alignof_wire() noexcept {
    return sizeof(T);
  }
  // Always inlined: generated decoders call these from many places in one
  // translation unit, where GCC otherwise keeps them out of line (about 15%
  // more instructions for an ept_map request than the inlined reads).
  template <class T>
  [[gnu::always_inline]] Result<T> scalar() noexcept {
    RAMPART_CHECK(r_.align(sizeof(T)));
    if constexpr (sizeof(T) == 2) return static_cast<T>(RAMPART_TRY(r_.u16()));
    else if constexpr (sizeof(T) == 4) return static_cast<T>(RAMPART_TRY(r_.u32()));
    else return static_cast<T>(RAMPART_TRY(r_.u64()));
  }
  /// The table side of full_pointer, out of line: a non-NULL id just read.
  [[gnu::noinline]] Result<FullPointer> full_pointer_id(std::uint64_t id, std::uint16_t type_tag) {
    const std::size_t at = position() - F::kReferentSize;
    if (const auto e = fulls_.find(id)) {
      if (e->type_tag != type_tag) [[unlikely]]
        return fail(Errc::bad_referent_id, "full pointer id reused for another type", at);
      return FullPointer{id, false, e->slot};
    }
    if (fulls_.size() >= limits_.max_full_pointers) [[unlikely]]
      return fail(Errc::pointer_limit, "more full pointers than max_full_pointers", at);
    if (fulls_.size() >= FullPointerTable::kInline)
      RAMPART_CHECK(charge(1, FullPointerTable::kOverflowEntryBytes));
    return FullPointer{id, true, fulls_.insert(id, type_tag)};
  }
  [[gnu::always_inline]] Result<std::uint64_t> count_word() noexcept {
    if constexpr (F::kCountSize == 4) return RAMPART_TRY(scalar<std::uint32_t>());
    else return scalar<std::uint64_t>();
  }
  [[gnu::always_inline]] Result<std::uint64_t> referent_word() noexcept {
    if constexpr (F::kReferentSize == 4) return RAMPART_TRY(scalar<std::uint32_t>());
    else return scalar<std::uint64_t>();
  }
  template <class T>
  static void swap_all(std::span<T> out) noexcept {
    using U = std::make_unsigned_t<std::conditional_t<std::is_floating_point_v<T>,
        std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>, T>>;
    for (auto& v : out) v = std::bit_cast<T>(std::byteswap(std::bit_cast<U>(v)));
  }
  /// Reads the string's array header and returns actual_count (with the
  /// terminator), checked against the spec and the remaining bytes.
  Result<std::uint64_t> string_header(const StringSpec& spec, std::size_t width) noexcept {
    std::uint64_t bound = spec.fixed_size;
    if (spec.fixed_size == 0) bound = RAMPART_TRY(conformance(spec.size_is));
    const auto actual = RAMPART_TRY(variance(bound));
    if (actual == 0) [[unlikely]]
      return fail(Errc::string_not_terminated, "string without its terminator", position());
    const std::uint64_t max_len = spec.max_length != 0 ? spec.max_length : limits_.max_string_length;
    if (actual - 1 > max_len) [[unlikely]]
      return fail(Errc::string_too_long, "string above its maximum length", position());
    if (width > 1) RAMPART_CHECK(r_.align(width));
    RAMPART_CHECK(need(actual, width));
    RAMPART_CHECK(charge(actual, width));
    return actual;
  }
  template <class C>
  Result<void> check_terminator(const C* s, std::uint64_t n, std::size_t width) const noexcept {
    const std::size_t start = position() - static_cast<std::size_t>(n) * width;
    if (s[n - 1] != 0) [[unlikely]]
      return fail(Errc::string_not_terminated, "last string element is not NUL",
                  start + static_cast<std::size_t>(n - 1) * width);
    for (std::uint64_t i = 0; i + 1 < n; ++i)
      if (s[i] == 0) [[unlikely]]
        return fail(Errc::string_embedded_nul, "NUL before the end of a string",
                    start + static_cast<std::size_t>(i) * width);
    return {};
  }

  ByteReader r_;
  DecodeLimits limits_;
  std::uint64_t budget_;
  std::uint32_t depth_ = 0;
  FullPointerTable fulls_;
};

using Decoder = BasicDecoder<Ndr20>;
using Decoder64 = BasicDecoder<Ndr64>;

}  // namespace rampart::ndr
