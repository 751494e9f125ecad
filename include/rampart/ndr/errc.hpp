// Error codes of the NDR engine (ErrorDomain::ndr).
//
// One code per rule the engine enforces, so the fault policy in runtime/ and
// the tests can tell exactly which rule a stub broke. Truncation is reported
// by the base layer (BaseErrc::truncated) and passes through unchanged.
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::ndr {

enum class Errc : std::uint16_t {
  conformance_mismatch = 1,  // max_count differs from its size_is correlation (C7)
  variance_offset_nonzero,   // a varying array's offset is not 0 (C7; [MS-RPCE] 2.2.5.3.4.2)
  actual_exceeds_max,        // actual_count above max_count or the fixed bound (C7)
  length_mismatch,           // actual_count differs from its length_is correlation (C7)
  string_not_terminated,     // the last element inside actual_count is not NUL (C8)
  string_embedded_nul,       // a NUL before the last element of a [string] (C8)
  string_too_long,           // a string above its documented maximum (C8)
  count_exceeds_remaining,   // count * minimum element size > bytes that remain (C11)
  count_exceeds_limit,       // more elements than DecodeLimits::max_array_elements
  depth_exceeded,            // nesting deeper than DecodeLimits::max_depth (C12)
  allocation_limit,          // decode would allocate beyond DecodeLimits::max_alloc_bytes
  bad_referent_id,           // a full-pointer id reused for another type
  pointer_limit,             // more full pointers than DecodeLimits::max_full_pointers (C13)
  null_ref_pointer,          // a [ref] pointer with referent id 0 (C10)
  unknown_union_arm,         // a discriminant that selects no arm
  range_violation,           // a value outside its [range] or documented bound
  bad_enum_value,            // an enum value outside the declared set, or above 0x7fff
  trailing_bytes,            // the stub has octets after the last parameter
  unsupported_char_rep,      // EBCDIC character data (Rampart speaks ASCII only)
  value_too_large,           // encoder: a count does not fit the format's count width
  switch_mismatch,           // a union's discriminant differs from its switch_is (C7)
  bad_pickle_header,         // a type serialization header that is not version 1 ([MS-RPCE] 2.2.6)
};

}  // namespace rampart::ndr

template <>
struct rampart::ErrorCodeTraits<rampart::ndr::Errc> {
  static constexpr ErrorDomain domain = ErrorDomain::ndr;
  static const char* name(rampart::ndr::Errc e) noexcept;
};
