#include "rampart/dcom/activation_policy.hpp"

namespace rampart::dcom {

CallSecurity call_security(const runtime::CallContext& ctx) {
  const runtime::CallAuth& a = ctx.auth;
  // An anonymous NTLM logon authenticates no one ([MS-DCOM] 3.1.2.5.2.3:
  // activation checks the caller's identity against launch rights), so it
  // counts as unauthenticated. Levels 1..6 are what a sec_trailer may name
  // ([MS-RPCE] 2.2.1.1.8); the runtime refuses the others at bind.
  if (!a.authenticated() || a.auth_level < 1 || a.auth_level > 6) return {};
  return {static_cast<AuthnLevel>(a.auth_level), a.auth_type, a.context_id, std::string(a.principal)};
}

}  // namespace rampart::dcom
