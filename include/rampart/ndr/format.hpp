// Transfer-syntax policies for the NDR engine.
//
// The decoder and encoder are class templates over a WireFormat policy that
// fixes the width of the integers NDR adds around user data: conformance
// (max_count), variance (offset, actual_count) and referent ids. NDR20
// (C706 14) uses 4-octet counts and referents; NDR64 ([MS-RPCE] 2.2.5.3)
// uses 8-octet ones aligned to 8 and also changes enum and union
// alignment. A compile-time policy (not a virtual interface) keeps every
// primitive read inlined on the hot path, and lets generated stubs be
// written once as templates over `BasicDecoder<F>` / `BasicEncoder<F>`.
// Callers always see counts as std::uint64_t, so stub code does not change
// with the format; only the policy does.
//
// Ndr20 and Ndr64 are both implemented; generated stubs are instantiated
// for each, and BasicDecoder/BasicEncoder read every member of the policy
// (enumeration(), union_start()/union_arm(), trailing_pad()).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "rampart/base/uuid.hpp"

namespace rampart::ndr {

template <class F>
concept WireFormat = requires {
  { F::kCountSize } -> std::convertible_to<std::size_t>;
  { F::kReferentSize } -> std::convertible_to<std::size_t>;
  { F::kEnumSize } -> std::convertible_to<std::size_t>;
  { F::kUnionArmAlignToLargest } -> std::convertible_to<bool>;
  { F::kStructTrailingPad } -> std::convertible_to<bool>;
  { F::syntax() } -> std::convertible_to<const SyntaxId&>;
} && (F::kCountSize == 4 || F::kCountSize == 8) && (F::kReferentSize == 4 || F::kReferentSize == 8);

/// NDR 2.0, transfer syntax 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0.
struct Ndr20 {
  /// C706 14.3.3.2 / 14.3.3.3: max_count, offset and actual_count are
  /// unsigned long (4 octets, 4-aligned).
  static constexpr std::size_t kCountSize = 4;
  /// C706 14.3.10: a pointer is represented by a 4-octet referent id.
  static constexpr std::size_t kReferentSize = 4;
  /// C706 14.2.6: enums are 16-bit; [v1_enum] widens to 32.
  static constexpr std::size_t kEnumSize = 2;
  /// C706 14.3.8: each union arm is aligned by its own type.
  static constexpr bool kUnionArmAlignToLargest = false;
  /// C706 14.3.7: a structure ends where its last member ends.
  static constexpr bool kStructTrailingPad = false;
  static const SyntaxId& syntax() noexcept { return syntax::kNdr20; }
};

/// NDR64, transfer syntax 71710533-beba-4937-8319-b5dbef9ccc36 v1.0
/// ([MS-RPCE] 2.2.5.3).
struct Ndr64 {
  /// [MS-RPCE] 2.2.5.3.3 (NDR64 arrays): max_count, offset and
  /// actual_count are 8 octets, aligned to 8.
  static constexpr std::size_t kCountSize = 8;
  /// [MS-RPCE] 2.2.5.3.5 (NDR64 pointers): a referent id is 8 octets.
  static constexpr std::size_t kReferentSize = 8;
  /// [MS-RPCE] 2.2.5.3.2 (NDR64 simple data types): an enum is a 4-octet
  /// signed long; [v1_enum] is ignored (2.2.4.6).
  static constexpr std::size_t kEnumSize = 4;
  /// [MS-RPCE] 2.2.5.3.4.4 (NDR64 unions): the union is aligned to the
  /// larger of its discriminant and its largest arm, and the selected arm
  /// to the largest arm; ms_union is ignored (2.2.4.5).
  static constexpr bool kUnionArmAlignToLargest = true;
  /// [MS-RPCE] 2.2.5.3.4.1 (structure with trailing gap): a structure is
  /// padded at its end to a multiple of its alignment.
  static constexpr bool kStructTrailingPad = true;
  static const SyntaxId& syntax() noexcept { return syntax::kNdr64; }
};

/// `ndr20` under NDR20 and `ndr64` under NDR64: sizes and alignments that
/// a generated stub computed for each format.
template <WireFormat F, class T>
constexpr T by_format(T ndr20, T ndr64) noexcept {
  return F::kCountSize == 8 ? ndr64 : ndr20;
}

/// Index of a transfer syntax in per-format tables: 0 NDR20, 1 NDR64.
template <WireFormat F>
inline constexpr std::size_t kFormatIndex = F::kCountSize == 8 ? 1 : 0;

}  // namespace rampart::ndr
