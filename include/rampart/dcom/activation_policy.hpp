// The authentication floor for activation ([MS-DCOM] 3.1.2.5.2; the
// issue's "floor for activation auth level"): RemoteCreateInstance,
// RemoteGetClassObject and RemoteActivation are refused with
// E_ACCESSDENIED below the floor, packet integrity by default, the level
// Impacket's CoCreateInstanceEx offers at least. The object resolver is
// not subject to it: Windows clients call ServerAlive2 unauthenticated.
//
// The floor reads the call's protection through call_security(), from the
// security context the runtime established for the call
// (runtime::CallContext::auth): the level of the context the request's
// sec_trailer names, so an NTLM or Kerberos activation at packet integrity
// or privacy is admitted, and an unauthenticated or connect-level one is
// refused.
#pragma once

#include <cstdint>
#include <string>

#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "rampart/runtime/interface.hpp"

namespace rampart::dcom {

struct CallSecurity {
  AuthnLevel level = AuthnLevel::none;
  std::uint8_t authn_type = 0;  // [MS-RPCE] 2.2.1.1.7; 0 when unauthenticated
  std::uint32_t context_id = 0;  // the auth_context_id that protected the call
  std::string principal{};       // the authenticated caller; empty when none
  friend bool operator==(const CallSecurity&, const CallSecurity&) = default;
};

/// The protection the runtime applied to this call. Levels the wire
/// cannot carry (0, above 6) read as unauthenticated.
[[nodiscard]] CallSecurity call_security(const runtime::CallContext& ctx);

/// [MS-DCOM] 3.1.1.5.4: whether an ORPC call may reach an object of an
/// exporter whose authentication level is `required`.
[[nodiscard]] inline bool meets(const CallSecurity& s, AuthnLevel required) noexcept {
  return static_cast<std::uint32_t>(s.level) >= static_cast<std::uint32_t>(required);
}

struct ActivationPolicy {
  AuthnLevel floor = AuthnLevel::pkt_integrity;

  [[nodiscard]] bool admits(const CallSecurity& s) const noexcept { return meets(s, floor); }
  /// The status an activation below the floor gets.
  [[nodiscard]] static constexpr std::uint32_t refusal() noexcept { return hr::kAccessDenied; }
  /// The authnHint an activation reply and ResolveOxid carry ([MS-DCOM]
  /// 2.2.22.2.8.1): the floor, one of 1, 5 or 6 as Windows sends.
  [[nodiscard]] std::uint32_t authn_hint() const noexcept {
    if (floor <= AuthnLevel::none) return 1;
    return floor >= AuthnLevel::pkt_privacy ? 6u : 5u;
  }
};

}  // namespace rampart::dcom
