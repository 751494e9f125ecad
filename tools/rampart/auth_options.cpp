#include "auth_options.hpp"

#include <CLI/CLI.hpp>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "rampart/security/errc.hpp"
#include "rampart/security/krb5_protection.hpp"
#include "rampart/security/security_provider.hpp"

namespace rampart::cli {

namespace sec = security;

UserSpec parse_user(const std::string& text) {
  UserSpec u;
  std::string name = text;
  if (const auto pct = name.find('%'); pct != std::string::npos) {
    u.password = name.substr(pct + 1);
    name.resize(pct);
  } else if (const auto colon = name.find(':'); colon != std::string::npos) {
    u.password = name.substr(colon + 1);
    name.resize(colon);
  }
  if (const auto sep = name.find_first_of("/\\"); sep != std::string::npos) {
    u.domain = name.substr(0, sep);
    name = name.substr(sep + 1);
  }
  u.user = name;
  return u;
}

void add_auth_options(CLI::App& sub, AuthOptions& auth) {
  sub.add_option("-U,--user", auth.user,
                 "authenticate as [DOMAIN/]USER[%PASSWORD] (also DOMAIN\\USER, USER:PASSWORD, USER@REALM); "
                 "NTLM unless -k");
  sub.add_option("--password-file", auth.password_file, "read the password from the first line of FILE")
      ->check(CLI::ExistingFile);
  sub.add_flag("-k,--kerberos", auth.kerberos,
               "Kerberos: tickets from the credentials cache (KRB5CCNAME), or from -U's password");
  sub.add_option("--auth-level", auth.level, "connect, packet, integrity or privacy (default privacy)")
      ->check(CLI::IsMember({"connect", "packet", "integrity", "privacy"}));
  sub.add_option("--spn", auth.spn, "the server's service name for authentication (default host@HOST)");
  // SPNEGO (9) offers the one mechanism of the credential: Kerberos with -k,
  // NTLM otherwise (docs/security.md, "Client").
  sub.add_option("--auth-type", auth.type,
                 "ntlm (10), kerberos (16) or spnego (9); default ntlm, kerberos with -k")
      ->check(CLI::IsMember({"ntlm", "kerberos", "spnego"}));
}

namespace {

sec::AuthLevel level_of(const std::string& s) {
  if (s == "connect") return sec::AuthLevel::connect;
  if (s == "packet") return sec::AuthLevel::packet;
  if (s == "integrity") return sec::AuthLevel::integrity;
  return sec::AuthLevel::privacy;
}

// Samba's tools read $PASSWD; otherwise ask on the terminal without echo.
std::optional<std::string> ask_password(const std::string& who) {
  if (const char* env = std::getenv("PASSWD")) return std::string(env);
  if (::isatty(STDIN_FILENO) == 0) return std::nullopt;
  std::fprintf(stderr, "Password for %s: ", who.c_str());
  termios old{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fputc('\n', stderr);
  return line;
}

}  // namespace

std::optional<runtime::ClientAuth> make_client_auth(const AuthOptions& o, const std::string& host,
                                                    std::string& error) {
  if (!o.wanted()) {
    if (!o.level.empty() || !o.password_file.empty()) error = "--auth-level and --password-file need -U or -k";
    return std::nullopt;
  }
  UserSpec u = parse_user(o.user);
  if (!o.password_file.empty()) {
    std::ifstream f(o.password_file);
    std::string line;
    if (!f || !std::getline(f, line)) {
      error = o.password_file + ": cannot read the password";
      return std::nullopt;
    }
    u.password = line;
  }
  const bool kerberos = o.kerberos || o.type == "kerberos";
  const bool spnego = o.type == "spnego";
  // SPNEGO (RFC 4178) offers only the mechanism the credential holds:
  // Kerberos with -k, NTLM otherwise.
  const sec::GssMech mech = spnego ? sec::GssMech::spnego : kerberos ? sec::GssMech::kerberos : sec::GssMech::ntlm;
  // NTLM names the user DOMAIN\user; Kerberos user@REALM (the default realm
  // of krb5.conf when none is given).
  std::string name = u.user;
  if (!u.domain.empty()) name = kerberos ? u.user + "@" + u.domain : u.domain + "\\" + u.user;
  if (!u.password && !kerberos) u.password = ask_password(name);
  Result<sec::GssCredential> cred = std::unexpected(Error(sec::Errc::gss_failure, "no credentials"));
  if (u.password) {
    cred = sec::GssCredential::password(name, *u.password, mech);
  } else if (kerberos && u.user.empty()) {
    cred = sec::GssCredential::ccache(mech);
  } else if (kerberos) {
    error = "-k with -U needs a password (or omit -U to use the credentials cache)";
    return std::nullopt;
  } else {
    error = "no password: give USER%PASSWORD, --password-file, or $PASSWD";
    return std::nullopt;
  }
  if (!cred) {
    error = "credentials for " + (name.empty() ? std::string("the ccache") : name) + ": " + cred.error().to_string();
    return std::nullopt;
  }
  if (spnego) (void)cred->restrict_negotiation(kerberos ? sec::GssMech::kerberos : sec::GssMech::ntlm);
  auto shared = std::make_shared<sec::GssCredential>(std::move(*cred));
  runtime::ClientAuth a;
  if (spnego) {
    a.provider = sec::make_spnego_kerberos_provider(nullptr, shared);
  } else {
    a.provider = kerberos ? sec::make_kerberos_provider(nullptr, shared) : sec::make_ntlm_provider(nullptr, shared);
  }
  a.level = level_of(o.level);
  a.target = o.spn.empty() ? "host@" + host : o.spn;
  return a;
}

}  // namespace rampart::cli
