// The authentication policy: which calls need which authentication
// (rampartd.toml [security], rampartd(8)). Checked for every call after its
// context and opnum are known and before anything is unmarshalled
// (docs/hardening.md C14, C17). A denial is a fault access denied with
// DID_NOT_EXECUTE; the connection stays, since the caller broke no protocol
// rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/base/uuid.hpp"
#include "rampart/runtime/peer.hpp"

namespace rampart::runtime {

/// RestrictRemoteClients, as Windows names its modes: none; every remote
/// call authenticated; every remote call but the endpoint mapper's.
/// Callers over the local socket are not remote.
enum class RestrictMode : std::uint8_t { none, authenticated, authenticated_except_epm };

/// One rule: for an interface (or all), some opnums (or all), the least
/// auth_level and the auth_types allowed. The first rule that matches a
/// call decides; no rule: only the mode applies.
struct AuthRule {
  std::optional<Uuid> interface;          // none: every interface
  std::vector<std::uint16_t> opnums;      // empty: every opnum
  std::uint8_t min_level = 1;             // [MS-RPCE] 2.2.1.1.8; 1 (none) allows anything
  std::vector<std::uint8_t> auth_types;   // empty: any (0 is "none")
  friend bool operator==(const AuthRule&, const AuthRule&) = default;
};

/// How the call at hand is authenticated (also runtime::CallContext::auth).
struct CallAuth {
  std::uint8_t auth_type = 0;   // 0: no security context
  std::uint8_t auth_level = 1;  // 1: none
  bool anonymous = false;       // an anonymous NTLM logon
  std::uint32_t context_id = 0;  // the auth_context_id of the context
  std::string_view principal{};  // the authenticated peer ("DOMAIN\\user"); valid during the call
  [[nodiscard]] bool authenticated() const noexcept { return auth_type != 0 && !anonymous; }
};

struct AuthPolicy {
  RestrictMode restrict = RestrictMode::none;
  /// Endpoint-mapper calls must be authenticated whatever the mode.
  bool epm_requires_auth = false;
  std::vector<AuthRule> rules;

  /// Why the call is refused, or nullopt when it may proceed.
  [[nodiscard]] std::optional<std::string> check(const Uuid& interface, std::uint16_t opnum, const PeerInfo& peer,
                                                 const CallAuth& auth) const;
  friend bool operator==(const AuthPolicy&, const AuthPolicy&) = default;
};

/// e1af8308-5d1f-11c9-91a4-08002b14a0fa: the endpoint mapper.
[[nodiscard]] const Uuid& epm_interface_uuid();

}  // namespace rampart::runtime
