#include "rampart/runtime/frag_errc.hpp"

namespace rampart {

const char* ErrorCodeTraits<runtime::FragErrc>::name(runtime::FragErrc e) noexcept {
  using runtime::FragErrc;
  switch (e) {
    case FragErrc::stream_failed: return "stream_failed";
    case FragErrc::unexpected_fragment: return "unexpected_fragment";
    case FragErrc::call_in_progress: return "call_in_progress";
    case FragErrc::call_id_mismatch: return "call_id_mismatch";
    case FragErrc::ptype_mismatch: return "ptype_mismatch";
    case FragErrc::drep_mismatch: return "drep_mismatch";
    case FragErrc::context_mismatch: return "context_mismatch";
    case FragErrc::opnum_mismatch: return "opnum_mismatch";
    case FragErrc::object_mismatch: return "object_mismatch";
    case FragErrc::auth_mismatch: return "auth_mismatch";
    case FragErrc::stub_too_large: return "stub_too_large";
    case FragErrc::too_many_fragments: return "too_many_fragments";
    case FragErrc::too_many_calls: return "too_many_calls";
    case FragErrc::not_a_fragment: return "not_a_fragment";
    case FragErrc::alloc_hint_too_large: return "alloc_hint_too_large";
  }
  return "unknown";
}

}  // namespace rampart
