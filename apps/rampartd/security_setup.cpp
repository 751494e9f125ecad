#include "security_setup.hpp"

#include <unistd.h>

#include <array>

#include "rampart/security/keytab.hpp"
#include "rampart/security/krb5_protection.hpp"

namespace rampartd {

using namespace rampart::security;

std::string service_name(const SecurityConfig& config) {
  if (!config.service.empty()) return config.service;
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) return "host@localhost";
  return std::string("host@") + host.data();
}

namespace {

using Providers = std::expected<std::shared_ptr<const ProviderRegistry>, std::string>;

// With a keytab: Kerberos (16) with any key of the keytab, and SPNEGO (9)
// offering Kerberos under the service's key and NTLM from the user file.
// mgmt inq_princ_name answers the keytab's principal for Kerberos, and for
// NTLM and SPNEGO unless `principal` says otherwise.
Providers add_kerberos(const SecurityConfig& config, const std::string& service, const std::string& users,
                       std::shared_ptr<ProviderRegistry> registry) {
  auto names = keytab_principals(config.keytab);
  if (!names) return std::unexpected("cannot read the keytab " + config.keytab + " (missing, unreadable or empty)");
  const std::string krb_principal = principal_for_service(*names, service);
  // SPNEGO accepts Kerberos under the service's name only; MIT would drop
  // the mechanism silently and offer NTLM alone.
  if (!is_service_principal(krb_principal, service))
    return std::unexpected("the keytab " + config.keytab + " holds no key for " + service + " (it has " +
                           krb_principal + "...)");
  const std::string principal = config.principal.empty() ? krb_principal : config.principal;
  auto krb = GssCredential::keytab(config.keytab);
  if (!krb) return std::unexpected("cannot acquire Kerberos credentials from " + config.keytab);
  auto spnego = GssCredential::spnego_keytab(config.keytab, users, service);
  if (!spnego)
    return std::unexpected("cannot acquire SPNEGO credentials for " + service + " from " + config.keytab + " and " +
                           users + " (does the keytab hold the service's key?)");
  auto ntlm = GssCredential::ntlm_user_file(users, service);
  if (!ntlm) return std::unexpected("cannot acquire NTLM credentials from " + users + " for " + service);
  registry->add(make_ntlm_provider(std::make_shared<GssCredential>(std::move(*ntlm)), nullptr, principal));
  registry->add(make_kerberos_provider(std::make_shared<GssCredential>(std::move(*krb)), nullptr, krb_principal));
  registry->add(
      make_spnego_kerberos_provider(std::make_shared<GssCredential>(std::move(*spnego)), nullptr, principal));
  return registry;
}

}  // namespace

Providers make_providers(const SecurityConfig& config) {
  const std::string service = service_name(config);
  // gss-ntlmssp attaches a user file only to a named server credential; an
  // empty one leaves it nobody to authenticate but the anonymous logon
  // ([MS-NLMP] 3.2.5.1.2: empty user name and responses).
  const std::string file = config.ntlm_user_file.empty() ? "/dev/null" : config.ntlm_user_file;
  auto registry = std::make_shared<ProviderRegistry>();
  if (!config.keytab.empty()) return add_kerberos(config, service, file, std::move(registry));
  const std::string principal = config.principal.empty() ? service : config.principal;
  auto ntlm = GssCredential::ntlm_user_file(file, service);
  if (!ntlm) return std::unexpected("cannot acquire NTLM credentials from " + file + " for " + service);
  auto spnego = GssCredential::spnego_user_file(file, service);
  if (!spnego) return std::unexpected("cannot acquire SPNEGO credentials from " + file + " for " + service);
  registry->add(make_ntlm_provider(std::make_shared<GssCredential>(std::move(*ntlm)), nullptr, principal));
  registry->add(make_spnego_provider(std::make_shared<GssCredential>(std::move(*spnego)), nullptr, principal));
  return registry;
}

}  // namespace rampartd
