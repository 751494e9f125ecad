// The authentication floor for activation ([MS-DCOM] 3.1.2.5.2; the
// issue's "floor for activation auth level"): RemoteCreateInstance,
// RemoteGetClassObject and RemoteActivation are refused with
// E_ACCESSDENIED below the floor, packet integrity by default, the level
// Impacket's CoCreateInstanceEx offers at least. The object resolver is
// not subject to it: Windows clients call ServerAlive2 unauthenticated.
//
// The floor reads the call's protection through call_security(). The
// runtime does not carry a security context in runtime::CallContext yet,
// so today every call is unauthenticated and activation is refused unless
// the floor is lowered to `none` (a test configuration).
#pragma once

#include <cstdint>

#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "rampart/runtime/interface.hpp"

namespace rampart::dcom {

struct CallSecurity {
  AuthnLevel level = AuthnLevel::none;
  std::uint8_t authn_type = 0;  // [MS-RPCE] 2.2.1.1.7; 0 when unauthenticated
  friend bool operator==(const CallSecurity&, const CallSecurity&) = default;
};

/// The protection the runtime applied to this call.
[[nodiscard]] CallSecurity call_security(const runtime::CallContext& ctx) noexcept;

struct ActivationPolicy {
  AuthnLevel floor = AuthnLevel::pkt_integrity;

  [[nodiscard]] bool admits(const CallSecurity& s) const noexcept {
    return static_cast<std::uint32_t>(s.level) >= static_cast<std::uint32_t>(floor);
  }
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
