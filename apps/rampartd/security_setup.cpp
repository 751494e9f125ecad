#include "security_setup.hpp"

#include <unistd.h>

#include <array>

namespace rampartd {

using namespace rampart::security;

std::string service_name(const SecurityConfig& config) {
  if (!config.service.empty()) return config.service;
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) return "host@localhost";
  return std::string("host@") + host.data();
}

std::expected<std::shared_ptr<const ProviderRegistry>, std::string> make_providers(const SecurityConfig& config) {
  const std::string service = service_name(config);
  const std::string principal = config.principal.empty() ? service : config.principal;
  // gss-ntlmssp attaches a user file only to a named server credential; an
  // empty one leaves it nobody to authenticate but the anonymous logon
  // ([MS-NLMP] 3.2.5.1.2: empty user name and responses).
  const std::string file = config.ntlm_user_file.empty() ? "/dev/null" : config.ntlm_user_file;
  auto ntlm = GssCredential::ntlm_user_file(file, service);
  if (!ntlm) return std::unexpected("cannot acquire NTLM credentials from " + file + " for " + service);
  auto spnego = GssCredential::spnego_user_file(file, service);
  if (!spnego) return std::unexpected("cannot acquire SPNEGO credentials from " + file + " for " + service);
  auto registry = std::make_shared<ProviderRegistry>();
  registry->add(make_ntlm_provider(std::make_shared<GssCredential>(std::move(*ntlm)), nullptr, principal));
  registry->add(make_spnego_provider(std::make_shared<GssCredential>(std::move(*spnego)), nullptr, principal));
  return registry;
}

}  // namespace rampartd
