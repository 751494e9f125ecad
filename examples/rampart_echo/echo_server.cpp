// rampart-echo-server: the rampart-echo class (IRampartEcho) served by an
// out-of-process class server under CLSID 7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03
// (docs/dcom.md). It registers with rampartd, which must name the CLSID in
// a [[dcom.server]] entry whose user is the one running this program (or
// root), and keeps the registration until it is stopped (SIGINT, SIGTERM),
// renewing it every few seconds so that it survives a rampartd restart.
//
//   rampart-echo-server FORWARD_SOCKET [REGISTRATION_SOCKET [NTLM_USER_FILE [SERVICE]]]
//
// FORWARD_SOCKET is the Unix socket where it serves rampartd; the default
// registration socket is /run/rampart/epmapper.sock. With NTLM_USER_FILE
// (DOMAIN:USER:PASSWORD lines) object calls authenticate with NTLM at
// packet integrity, the exporter's level, as the host-based service SERVICE
// (default host@rampart-echo-server); without it the level is none.
// Every Echo and every rundown is printed with this process's pid.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "echo_class.hpp"
#include "rampart/dcom/class_server_host.hpp"
#include "rampart/security/gss_context.hpp"
#include "rampart/security/security_provider.hpp"

namespace {

namespace re = rampart::spec::rampart_echo;
std::atomic<bool> stop{false};

// EchoObject's behaviour, and a line per Echo that shows which process
// answered.
class LoggedEcho final : public re::IRampartEcho_server {
 public:
  std::expected<re::Echo_response, std::uint32_t> Echo(const rampart::runtime::CallContext& ctx,
                                                       re::Echo_request request) override {
    std::string text;
    for (char16_t c : request.text) text.push_back(c < 0x80 ? static_cast<char>(c) : '?');
    std::printf("rampart-echo-server[%d]: Echo \"%s\"\n", static_cast<int>(::getpid()), text.c_str());
    std::fflush(stdout);
    return inner_.Echo(ctx, std::move(request));
  }
  std::expected<re::Add_response, std::uint32_t> Add(const rampart::runtime::CallContext& ctx,
                                                     re::Add_request request) override {
    return inner_.Add(ctx, request);
  }

 private:
  rampart::echo::EchoObject inner_;
};

bool add_ntlm(rampart::runtime::ServerCore& core, const std::string& users, const std::string& service) {
  auto cred = rampart::security::GssCredential::ntlm_user_file(users, service);
  if (!cred) return false;
  auto registry = std::make_shared<rampart::security::ProviderRegistry>();
  registry->add(rampart::security::make_ntlm_provider(
      std::make_shared<rampart::security::GssCredential>(std::move(*cred)), nullptr, "rampart-echo-server"));
  core.set_providers(std::move(registry));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: rampart-echo-server FORWARD_SOCKET [REGISTRATION_SOCKET [NTLM_USER_FILE [SERVICE]]]\n");
    return 2;
  }
  std::signal(SIGINT, [](int) { stop = true; });
  std::signal(SIGTERM, [](int) { stop = true; });
  rampart::dcom::ClassServerHostOptions options;
  options.forward_socket = argv[1];
  if (argc > 2) options.registration_socket = argv[2];
  options.level = argc > 3 ? rampart::dcom::AuthnLevel::pkt_integrity : rampart::dcom::AuthnLevel::none;
  rampart::dcom::ClassServerHost host(options);
  if (argc > 3 && !add_ntlm(host.core(), argv[3], argc > 4 ? argv[4] : "host@rampart-echo-server")) {
    std::fprintf(stderr, "rampart-echo-server: cannot read NTLM users from %s\n", argv[3]);
    return 1;
  }
  host.com_server().register_interface(re::IRampartEcho_descriptor());
  host.com_server().register_class(rampart::echo::kServerClsid, "rampart-echo-server", [] {
    rampart::dcom::ComObject object;
    object.add(re::IRampartEcho_descriptor(),
               std::make_shared<re::IRampartEcho_dispatcher>(std::make_shared<LoggedEcho>()));
    return object;
  });
  auto status = host.start();
  if (!status) {
    std::fprintf(stderr, "rampart-echo-server: cannot register with %s: %s\n", options.registration_socket.c_str(),
                 status.error().to_string().c_str());
    return 1;
  }
  if (*status != 0) {
    std::fprintf(stderr, "rampart-echo-server: rampartd refused the registration: status 0x%08x\n", *status);
    return 1;
  }
  const int pid = static_cast<int>(::getpid());
  std::printf("rampart-echo-server[%d]: registered, object port %u, oxid 0x%016llx\n", pid, host.port(),
              static_cast<unsigned long long>(host.oxid()));
  std::fflush(stdout);
  std::size_t rundowns = 0;
  for (int tick = 0; !stop; ++tick) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (const auto n = host.rundowns(); n != rundowns) {
      rundowns = n;
      std::printf("rampart-echo-server[%d]: objects run down: %zu\n", pid, n);
      std::fflush(stdout);
    }
    // Every 5 s: keeps the registration across a rampartd restart.
    if (tick % 50 == 49) (void)host.renew();
  }
  return 0;
}
