#include "rampart/dcom/activation_policy.hpp"

namespace rampart::dcom {

CallSecurity call_security(const runtime::CallContext&) noexcept {
  // runtime::CallContext carries no security context yet: every call that
  // reaches a handler was made without authentication.
  return {};
}

}  // namespace rampart::dcom
