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
// Only Ndr20 is implemented. An Ndr64 policy would set kCountSize and
// kReferentSize to 8, kEnumSize to 4 and kUnionArmAlignToLargest to true.
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
  static const SyntaxId& syntax() noexcept { return syntax::kNdr20; }
};

}  // namespace rampart::ndr
