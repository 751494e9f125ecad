#include "rampart/security/errc.hpp"

namespace rampart {

const char* ErrorCodeTraits<security::Errc>::name(security::Errc e) noexcept {
  using security::Errc;
  switch (e) {
    case Errc::crypto_unavailable: return "crypto_unavailable";
    case Errc::bad_session_key: return "bad_session_key";
    case Errc::sealer_failed: return "sealer_failed";
    case Errc::bad_signature_version: return "bad_signature_version";
    case Errc::bad_signature_length: return "bad_signature_length";
    case Errc::bad_checksum: return "bad_checksum";
    case Errc::bad_sequence_number: return "bad_sequence_number";
    case Errc::trailer_truncated: return "trailer_truncated";
    case Errc::frag_length_mismatch: return "frag_length_mismatch";
    case Errc::no_auth_value: return "no_auth_value";
    case Errc::trailer_outside_body: return "trailer_outside_body";
    case Errc::trailer_misaligned: return "trailer_misaligned";
    case Errc::auth_pad_too_large: return "auth_pad_too_large";
    case Errc::auth_reserved_nonzero: return "auth_reserved_nonzero";
    case Errc::bad_auth_level: return "bad_auth_level";
    case Errc::auth_level_changed: return "auth_level_changed";
    case Errc::auth_type_changed: return "auth_type_changed";
    case Errc::auth_context_changed: return "auth_context_changed";
    case Errc::gss_failure: return "gss_failure";
    case Errc::gss_no_session_key: return "gss_no_session_key";
    case Errc::bad_ntlm_message: return "bad_ntlm_message";
    case Errc::feature_not_negotiated: return "feature_not_negotiated";
  }
  return "unknown";
}

}  // namespace rampart
