#include "rampart/runtime/auth_policy.hpp"

#include <algorithm>

namespace rampart::runtime {

const Uuid& epm_interface_uuid() {
  static const Uuid kEpm = Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
  return kEpm;
}

namespace {

bool matches(const AuthRule& r, const Uuid& interface, std::uint16_t opnum) {
  if (r.interface && *r.interface != interface) return false;
  return r.opnums.empty() || std::ranges::find(r.opnums, opnum) != r.opnums.end();
}

}  // namespace

std::optional<std::string> AuthPolicy::check(const Uuid& interface, std::uint16_t opnum, const PeerInfo& peer,
                                             const CallAuth& auth) const {
  const bool epm = interface == epm_interface_uuid();
  const bool remote = peer.transport != TransportKind::local;
  if (epm && epm_requires_auth && !auth.authenticated()) return "the endpoint mapper requires authentication";
  if (remote && !auth.authenticated()) {
    if (restrict == RestrictMode::authenticated) return "restrict_remote_clients: authenticated";
    if (restrict == RestrictMode::authenticated_except_epm && !epm)
      return "restrict_remote_clients: authenticated_except_epm";
  }
  const auto rule = std::ranges::find_if(rules, [&](const AuthRule& r) { return matches(r, interface, opnum); });
  if (rule == rules.end()) return std::nullopt;
  if (auth.auth_level < rule->min_level) return "auth_level below the rule's min_level";
  if (!rule->auth_types.empty() && std::ranges::find(rule->auth_types, auth.auth_type) == rule->auth_types.end())
    return "auth_type not allowed by the rule";
  return std::nullopt;
}

}  // namespace rampart::runtime
