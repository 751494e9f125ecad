// The security providers rampartd offers, from [security] (rampartd(8),
// docs/security.md): NTLMSSP (10) and SPNEGO over NTLM (9) from the user
// file, or for anonymous NTLM logons only when there is none; with a keytab
// also Kerberos (16), and SPNEGO negotiating Kerberos or NTLM.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "config.hpp"
#include "rampart/security/security_provider.hpp"

namespace rampartd {

[[nodiscard]] std::expected<std::shared_ptr<const rampart::security::ProviderRegistry>, std::string> make_providers(
    const SecurityConfig& config);

/// The service name the credentials carry: the configured one, or
/// "host@" and the host name.
[[nodiscard]] std::string service_name(const SecurityConfig& config);

}  // namespace rampartd
