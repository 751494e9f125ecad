#include "rampart/ndr/errc.hpp"

namespace rampart {

const char* ErrorCodeTraits<ndr::Errc>::name(ndr::Errc e) noexcept {
  using ndr::Errc;
  switch (e) {
    case Errc::conformance_mismatch: return "conformance_mismatch";
    case Errc::variance_offset_nonzero: return "variance_offset_nonzero";
    case Errc::actual_exceeds_max: return "actual_exceeds_max";
    case Errc::length_mismatch: return "length_mismatch";
    case Errc::string_not_terminated: return "string_not_terminated";
    case Errc::string_embedded_nul: return "string_embedded_nul";
    case Errc::string_too_long: return "string_too_long";
    case Errc::count_exceeds_remaining: return "count_exceeds_remaining";
    case Errc::count_exceeds_limit: return "count_exceeds_limit";
    case Errc::depth_exceeded: return "depth_exceeded";
    case Errc::allocation_limit: return "allocation_limit";
    case Errc::bad_referent_id: return "bad_referent_id";
    case Errc::pointer_limit: return "pointer_limit";
    case Errc::null_ref_pointer: return "null_ref_pointer";
    case Errc::unknown_union_arm: return "unknown_union_arm";
    case Errc::range_violation: return "range_violation";
    case Errc::bad_enum_value: return "bad_enum_value";
    case Errc::trailing_bytes: return "trailing_bytes";
    case Errc::unsupported_char_rep: return "unsupported_char_rep";
    case Errc::value_too_large: return "value_too_large";
    case Errc::switch_mismatch: return "switch_mismatch";
    case Errc::bad_pickle_header: return "bad_pickle_header";
  }
  return "unknown";
}

}  // namespace rampart
