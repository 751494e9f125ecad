// register, unregister: a server's endpoint added to or removed from
// rampartd's endpoint map with ept_insert / ept_delete (C706 Appendix O,
// [MS-RPCE] 2.2.1.2) over one of rampartd's Unix-domain sockets, which is
// how rampartd identifies the caller (SO_PEERCRED; remote callers may not
// register at all).
//  - Over the static socket (root only, the default) the entry stays until
//    `rampart unregister` or a restart.
//  - With --hold, over the local socket: the entry belongs to the
//    connection, which rampart keeps open until SIGINT or SIGTERM, as a
//    server that registers itself does, renewing it every 5 seconds so the
//    entry comes back after a rampartd restart.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <pthread.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <ctime>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>

#include "commands.hpp"
#include "net.hpp"
#include "rampart/binding/protseq.hpp"
#include "rampart/binding/string_binding.hpp"
#include "rampart/binding/tower.hpp"
#include "epm.hpp"
#include "rampart/runtime/client_errc.hpp"
#include "rampart/transport/endpoint_registration.hpp"
#include "well_known.hpp"

namespace rampart::cli {

namespace {

constexpr const char* kStaticSocket = transport::kStaticRegistrationSocket;
constexpr const char* kLocalSocket = transport::kLocalRegistrationSocket;

struct RegisterArgs {
  std::string iface, endpoint, protseq = "ncacn_ip_tcp", annotation, object, socket;
  bool hold = false;
};

struct Registration {
  SyntaxId interface;
  std::string binding;  // as dump shows it
  transport::EptEntry entry;
};

// The entry for INTERFACE and ENDPOINT: its tower has no address (0.0.0.0
// for TCP), which rampartd's replies turn into the address each client
// reached, as for a [[static_endpoint]].
Outcome<Registration> make_registration(const RegisterArgs& a) {
  auto iface = parse_interface(a.iface);
  if (!iface) return std::unexpected(iface.error());
  const auto* ps = binding::find_protseq(a.protseq);
  if (!ps) return std::unexpected(Failure{a.protseq + ": unknown protocol sequence", kExitUsage, ""});
  Uuid object;
  if (!a.object.empty()) {
    auto u = Uuid::parse(a.object);
    if (!u) return std::unexpected(Failure{a.object + ": not a UUID", kExitUsage, ""});
    object = *u;
  }
  if (a.annotation.size() > 63) return std::unexpected(Failure{"the annotation is longer than 63 octets", kExitUsage, ""});
  auto entry = transport::make_ept_entry(*iface, ps->id, a.endpoint, a.annotation, object);
  if (!entry) return std::unexpected(Failure{fmt::format("{}[{}]: {}", a.protseq, a.endpoint, entry.error().to_string()),
                                             kExitUsage, ""});
  const binding::TowerBinding tb{*iface, syntax::kNdr20, ps->id, 0, a.endpoint, {}};
  return Registration{*iface, binding::StringBinding::from_tower(tb).format(), std::move(*entry)};
}

// A failure to connect names the socket and, for the static one, how else
// to register; a failure after connecting (bind, call) is reported as is.
Failure call_failure(const Error& e, const std::string& path, bool hold) {
  Failure f = failure_from(e, path);
  if (!hold && e.is(runtime::ClientErrc::connect_failed))
    f.message += "; is rampartd running? Its static socket is root's (mode 0600): register as root, or from the "
                 "server's own process with --hold over " + std::string(kLocalSocket);
  return f;
}

// The endpoint mapper's refusal, or its non-zero status, as a failure.
std::optional<Failure> refusal(const transport::EptAnswer& answer, const std::string& what) {
  if (answer.fault_status != 0)
    return Failure{fmt::format("the endpoint mapper refused the call: {}{}", status_text(answer.fault_status),
                               answer.fault_status == 5 ? " (registration is for local callers)" : ""),
                   kExitFailure, ""};
  if (answer.status != 0) return Failure{fmt::format("{}: {}", what, status_text(answer.status)), kExitFailure, ""};
  return std::nullopt;
}

// Until SIGINT or SIGTERM; then the connection closes and rampartd drops
// the entry. Every kRenewal the entry is inserted again, over a new
// connection if rampartd restarted and closed the old one (rampartd(8),
// STATE); a failed renewal is reported and retried.
constexpr std::chrono::seconds kRenewal{5};

void hold_until_told(transport::EndpointRegistration& held) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  const timespec period{kRenewal.count(), 0};
  while (sigtimedwait(&set, nullptr, &period) < 0) {
    if (errno != EAGAIN) continue;  // EINTR: another signal
    auto answer = held.renew();
    if (!answer) std::fprintf(stderr, "rampart: renewing the registration: %s\n", answer.error().to_string().c_str());
    else if (!answer->ok())
      std::fprintf(stderr, "rampart: renewing the registration: %s\n",
                   status_text(answer->fault_status != 0 ? answer->fault_status : answer->status).c_str());
  }
}

int run(const RegisterArgs& a, spec::epm::ept_opnum op, const CommonOptions& common) {
  const char* command = op == spec::epm::ept_opnum::ept_insert ? "register" : "unregister";
  auto reg = make_registration(a);
  if (!reg) return render_failure(common, command, reg.error());
  const std::string path = !a.socket.empty() ? a.socket : a.hold ? kLocalSocket : kStaticSocket;
  const transport::RegistrationOptions options{path, common.timeout()};
  const std::span<const transport::EptEntry> entries(&reg->entry, 1);
  const std::string label = label_for(reg->interface.uuid);
  const std::string what = fmt::format("{}{} v{}.{} {}", label.empty() ? "" : label + " ", reg->interface.uuid.to_string(),
                                       reg->interface.major, reg->interface.minor, reg->binding);
  // The handle holds a --hold registration until this function returns.
  std::optional<transport::EndpointRegistration> held;
  transport::EptAnswer answer;
  if (op == spec::epm::ept_opnum::ept_insert) {
    auto r = transport::register_endpoint(entries, options);
    if (!r) return render_failure(common, command, call_failure(r.error(), path, a.hold));
    answer = r->answer();
    held.emplace(std::move(*r));
  } else {
    auto r = transport::unregister_endpoint(entries, options);
    if (!r) return render_failure(common, command, call_failure(r.error(), path, a.hold));
    answer = *r;
  }
  if (auto f = refusal(answer, what)) return render_failure(common, command, *f);
  if (common.json) {
    print_json({{"command", command}, {"ok", true}, {"interface", reg->interface.to_string()}, {"binding", reg->binding},
                {"socket", path}, {"held", a.hold}});
  } else {
    std::printf("%s %s over %s%s\n", op == spec::epm::ept_opnum::ept_insert ? "registered" : "unregistered", what.c_str(),
                path.c_str(), a.hold ? " (held until interrupted)" : "");
    std::fflush(stdout);
  }
  if (a.hold && held) hold_until_told(*held);
  return kExitOk;
}

CLI::App* add_one(CLI::App& app, const char* name, const char* help, const std::shared_ptr<RegisterArgs>& a,
                  CommonOptions& common) {
  auto* sub = app.add_subcommand(name, help);
  sub->add_option("interface", a->iface, "IFUUID[:MAJ.MIN] or a well-known name such as lsarpc")->required();
  sub->add_option("endpoint", a->endpoint, "the server's port (TCP), or its endpoint name")->required();
  sub->add_option("--protseq", a->protseq, "protocol sequence")->capture_default_str();
  sub->add_option("--object", a->object, "object UUID of the entry");
  sub->add_option("--socket", a->socket,
                  std::string("rampartd's socket (default ") + kStaticSocket + ", or " + kLocalSocket + " with --hold)");
  add_common_options(*sub, common, false);
  sub->add_option("--timeout", common.timeout_seconds, "seconds allowed for connecting and for each call")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 3600.0));
  return sub;
}

}  // namespace

void add_register_commands(CLI::App& app, CommonOptions& common, Action& action) {
  auto a = std::make_shared<RegisterArgs>();
  auto* r = add_one(app, "register", "add an entry to rampartd's endpoint map (ept_insert over its local socket)", a,
                    common);
  r->add_option("--annotation", a->annotation, "annotation, at most 63 octets");
  r->add_flag("--hold", a->hold, "register over the local socket and keep the entry until interrupted");
  r->callback([&common, &action, a] { action = [&common, a] { return run(*a, spec::epm::ept_opnum::ept_insert, common); }; });
  auto* u = add_one(app, "unregister", "remove an entry from rampartd's endpoint map (ept_delete)", a, common);
  u->callback([&common, &action, a] { action = [&common, a] { return run(*a, spec::epm::ept_opnum::ept_delete, common); }; });
}

}  // namespace rampart::cli
