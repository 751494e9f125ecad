// Authentication options of the network subcommands (-U, --password-file,
// -k, --auth-level, --spn), with the habits of Samba's and Impacket's tools,
// and the runtime::ClientAuth they build.
#pragma once

#include <optional>
#include <string>

#include "rampart/runtime/client_security.hpp"

namespace CLI {
class App;
}

namespace rampart::cli {

struct AuthOptions {
  std::string user;           // -U: DOMAIN/user%password, DOMAIN\user, user[:password], user@REALM
  std::string password_file;  // --password-file: the first line is the password
  bool kerberos = false;      // -k: Kerberos (auth type 16), from the ccache unless a password is given
  std::string level;          // --auth-level: connect, packet, integrity, privacy (default privacy)
  std::string spn;            // --spn: the server's service name, default host@HOST
  std::string type;           // --auth-type: ntlm, kerberos or spnego (default ntlm, kerberos with -k)

  [[nodiscard]] bool wanted() const noexcept { return !user.empty() || kerberos; }
};

/// The parts of a -U argument.
struct UserSpec {
  std::string domain;
  std::string user;
  std::optional<std::string> password;
};
/// "DOMAIN/user%pw", "DOMAIN\\user", "user:pw", "user@REALM%pw": the password
/// follows the first '%' (Samba) or, without one, the first ':' (Impacket);
/// the domain precedes the first '/' or '\\'.
[[nodiscard]] UserSpec parse_user(const std::string& text);

void add_auth_options(CLI::App& sub, AuthOptions& auth);

/// nullopt when no authentication was asked for; an error message when the
/// options are inconsistent or the credentials cannot be acquired. `host` is
/// the server's name as given, for the default service name.
[[nodiscard]] std::optional<runtime::ClientAuth> make_client_auth(const AuthOptions& o, const std::string& host,
                                                                 std::string& error);

}  // namespace rampart::cli
