// dump, map, ping, ifids, princ: the endpoint mapper ([MS-RPCE] 2.2.1.2,
// C706 Appendix O) and the management interface (C706 Appendix Q) over
// transport::BlockingClient.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "commands.hpp"
#include "net.hpp"
#include "rampart/binding/string_binding.hpp"
#include "epm.hpp"
#include "mgmt.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/client_errc.hpp"
#include "rampart/transport/client.hpp"
#include "stub_decoder.hpp"
#include "well_known.hpp"

namespace rampart::cli {

namespace {

using transport::BlockingClient;
namespace epm = spec::epm;
namespace mgmt = spec::mgmt;

/// Longest principal name accepted from rpc__mgmt_inq_princ_name,
/// terminator excluded (C8): a decode limit, since C706's IDL states none
/// (idl/README.md). A Kerberos SPN is a service class, a DNS host name (at
/// most 253 octets, RFC 1035) and a realm of similar size; 1024 covers
/// that with room to spare.
constexpr std::uint32_t kMaxPrincNameLength = 1024;

/// ept_lookup page size by default: what Windows clients ask for, well
/// inside the [range(0,500)] bound of [MS-RPCE] 2.2.1.2.4 (--page-size).
constexpr std::uint32_t kPageSize = 100;
/// Pages before dump gives up on a server whose handle never ends (100000 entries).
constexpr std::size_t kMaxPages = 1000;
/// C706 Appendix O: rpc_c_ep_all_elts and rpc_c_vers_all.
constexpr std::uint32_t kAllElements = 0;
constexpr std::uint32_t kAllVersions = 1;

Outcome<transport::ClientOptions> client_options(const CommonOptions& common, const std::string& host) {
  transport::ClientOptions o;
  o.connect_timeout = common.timeout();
  o.call_timeout = common.timeout();
  std::string error;
  o.auth = make_client_auth(common.auth, host, error);
  if (!error.empty()) return std::unexpected(Failure{error, kExitFailure, ""});
  return o;
}

// Calls `opnum` with `request`'s stub and decodes the reply as Resp; a
// fault becomes a Failure naming its status.
template <class Resp, class Req>
Outcome<Resp> invoke(BlockingClient& c, const SyntaxId& iface, std::uint16_t opnum, const Req& request,
                     const CommonOptions& common, const ndr::DecodeLimits& limits = {}) {
  auto stub = ndr::encode_stub(request, Drep::little());
  if (!stub) return std::unexpected(failure_from(stub.error(), "encoding the request"));
  transport::CallRequest call{iface, opnum, std::move(*stub), std::nullopt, common.timeout()};
  auto reply = c.call(call);
  if (!reply) return std::unexpected(failure_from(reply.error(), "call"));
  if (reply->is_fault())
    return std::unexpected(Failure{fmt::format("the server answered with a fault: {}{}", status_text(reply->fault_status),
                                               reply->did_not_execute ? ", did not execute" : ""),
                                   kExitFailure, ""});
  auto decoded = ndr::decode_stub<Resp>(reply->stub, reply->drep, limits);
  if (!decoded) return std::unexpected(failure_from(decoded.error(), "the reply does not decode"));
  return std::move(*decoded);
}

Outcome<void> connect_and_bind(BlockingClient& c, const binding::StringBinding& b, const SyntaxId& iface) {
  spdlog::debug("connecting to {}", b.format());
  if (auto ok = c.connect(b); !ok) return std::unexpected(failure_from(ok.error(), b.format()));
  spdlog::debug("binding {}", iface.to_string());
  if (auto ok = c.bind(iface); !ok) return std::unexpected(failure_from(ok.error(), "bind " + interface_label(iface)));
  return {};
}

// "[::1]" as rampartd's --listen writes it, or a bare "::1": the address
// without brackets, which is what a string binding's host holds.
std::string bare_host(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

// C706 Appendix L: a tower's IPv4 floor of 0.0.0.0 means "the address the
// client reached"; Windows' and rampartd's endpoint mappers put the address
// in themselves over IPv4, but a tower cannot carry an IPv6 address, so over
// IPv6 the client fills in the host it connected to, as Windows' runtime does.
void fill_any_address(binding::TowerBinding& view, const std::string& host) {
  if (view.address == "0.0.0.0" && view.protseq == binding::Protseq::ncacn_ip_tcp) view.address = host;
}

DumpEntry to_dump_entry(const epm::ept_entry_t& e, const std::string& host) {
  DumpEntry d{e.object, std::nullopt, e.annotation, {}, {}};
  if (!e.tower) {
    d.tower_error = "no tower";
    return d;
  }
  auto tower = binding::Tower::decode(e.tower->tower_octet_string);
  if (!tower) {
    d.tower_error = tower.error().to_string();
    return d;
  }
  if (!tower->floors().empty() && tower->floors()[0].protocol == binding::FloorProtocol::uuid)
    d.interface = tower->floors()[0].syntax;
  auto view = tower->binding();
  if (!view) {
    d.tower_error = view.error().to_string();
    return d;
  }
  fill_any_address(*view, host);
  d.binding = binding::StringBinding::from_tower(*view).format();
  return d;
}

// Every entry, page by page ([MS-RPCE] 3.1.2.1 ept_lookup): Windows answers
// status 0 while entries remain and ept_s_not_registered with none at the
// end; Samba sends its last entries together with ept_s_not_registered.
Outcome<DumpResult> dump(const std::string& host_text, std::uint32_t page_size, const CommonOptions& common) {
  const std::string host = bare_host(host_text);
  auto options = client_options(common, host);
  if (!options) return std::unexpected(options.error());
  BlockingClient c(*options);
  binding::StringBinding b{std::nullopt, binding::Protseq::ncacn_ip_tcp, host, std::to_string(common.port), {}};
  if (auto ok = connect_and_bind(c, b, epm::ept_descriptor().syntax); !ok) return std::unexpected(ok.error());
  DumpResult out{host, common.port, {}, 0, 0, false};
  epm::ept_lookup_request req{kAllElements, std::nullopt, std::nullopt, kAllVersions, {}, page_size};
  for (;;) {
    if (out.pages == kMaxPages) {
      out.truncated = true;
      break;
    }
    auto page = invoke<epm::ept_lookup_response>(c, epm::ept_descriptor().syntax, static_cast<std::uint16_t>(epm::ept_opnum::ept_lookup), req, common);
    if (!page) return std::unexpected(page.error());
    ++out.pages;
    spdlog::debug("ept_lookup page {}: {} entries, {}", out.pages, page->entries.size(), status_text(page->status));
    for (const auto& e : page->entries) out.entries.push_back(to_dump_entry(e, host));
    out.final_status = page->status;
    req.entry_handle = page->entry_handle;
    if (page->status == epm::ept_s_not_registered) break;
    if (page->status != 0)
      return std::unexpected(Failure{"ept_lookup failed: " + status_text(page->status), kExitFailure, ""});
    if (req.entry_handle.is_null() || page->entries.empty()) break;
  }
  if (!req.entry_handle.is_null()) {
    // Release the server's lookup context; a failure here changes nothing.
    (void)invoke<epm::ept_lookup_handle_free_response>(
        c, epm::ept_descriptor().syntax, static_cast<std::uint16_t>(epm::ept_opnum::ept_lookup_handle_free),
        epm::ept_lookup_handle_free_request{req.entry_handle}, common);
  }
  return out;
}


// A string binding, or a bare host meaning ncacn_ip_tcp:HOST[--port]. A TCP
// binding without an endpoint gets --port: mgmt is served on every
// endpoint, the endpoint mapper's included.
Outcome<binding::StringBinding> parse_target(const std::string& text, const CommonOptions& common) {
  binding::StringBinding b;
  if (text.starts_with("nca") || text.find('@') != std::string::npos) {
    auto parsed = binding::StringBinding::parse(text);
    if (!parsed) return std::unexpected(Failure{text + ": " + parsed.error().to_string(), kExitUsage, ""});
    b = std::move(*parsed);
  } else {
    b.host = bare_host(text);
  }
  if (b.endpoint.empty() && b.protseq == binding::Protseq::ncacn_ip_tcp) b.endpoint = std::to_string(common.port);
  return b;
}

Outcome<PingResult> ping(const binding::StringBinding& b, unsigned count, const CommonOptions& common) {
  auto options = client_options(common, b.host);
  if (!options) return std::unexpected(options.error());
  BlockingClient c(*options);
  PingResult out{b.format(), {}, {}, 0, false};
  const auto start = std::chrono::steady_clock::now();
  if (auto ok = connect_and_bind(c, b, mgmt::mgmt_descriptor().syntax); !ok) return std::unexpected(ok.error());
  out.connect_and_bind = std::chrono::steady_clock::now() - start;
  for (unsigned i = 0; i < count; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = invoke<mgmt::rpc__mgmt_is_server_listening_response>(
        c, mgmt::mgmt_descriptor().syntax, static_cast<std::uint16_t>(mgmt::mgmt_opnum::rpc__mgmt_is_server_listening),
        mgmt::rpc__mgmt_is_server_listening_request{}, common);
    if (!r) return std::unexpected(r.error());
    out.round_trips.push_back(std::chrono::steady_clock::now() - t0);
    out.status = r->status;
    out.listening = r->return_value != 0;
  }
  return out;
}

Outcome<IfIdsResult> ifids(const binding::StringBinding& b, const CommonOptions& common) {
  auto options = client_options(common, b.host);
  if (!options) return std::unexpected(options.error());
  BlockingClient c(*options);
  if (auto ok = connect_and_bind(c, b, mgmt::mgmt_descriptor().syntax); !ok) return std::unexpected(ok.error());
  auto r = invoke<mgmt::rpc__mgmt_inq_if_ids_response>(
      c, mgmt::mgmt_descriptor().syntax, static_cast<std::uint16_t>(mgmt::mgmt_opnum::rpc__mgmt_inq_if_ids),
      mgmt::rpc__mgmt_inq_if_ids_request{}, common);
  if (!r) return std::unexpected(r.error());
  IfIdsResult out{b.format(), {}, 0, r->status};
  if (r->if_id_vector)
    for (const auto& id : r->if_id_vector->if_id) {
      if (id)
        out.ids.push_back(SyntaxId{id->Uuid, id->VersMajor, id->VersMinor});
      else
        ++out.null_ids;
    }
  return out;
}

// C706 Appendix Q: rpc_c_stats_calls_in .. rpc_c_stats_pkts_out, 4 values.
constexpr std::uint32_t kStatsCount = 4;

Outcome<StatsResult> stats(const binding::StringBinding& b, const CommonOptions& common) {
  auto options = client_options(common, b.host);
  if (!options) return std::unexpected(options.error());
  BlockingClient c(*options);
  if (auto ok = connect_and_bind(c, b, mgmt::mgmt_descriptor().syntax); !ok) return std::unexpected(ok.error());
  auto r = invoke<mgmt::rpc__mgmt_inq_stats_response>(
      c, mgmt::mgmt_descriptor().syntax, static_cast<std::uint16_t>(mgmt::mgmt_opnum::rpc__mgmt_inq_stats),
      mgmt::rpc__mgmt_inq_stats_request{kStatsCount}, common);
  if (!r) return std::unexpected(r.error());
  return StatsResult{b.format(), std::move(r->statistics), r->status};
}

Outcome<PrincResult> princ(const binding::StringBinding& b, std::uint32_t authn, std::uint32_t size,
                           const CommonOptions& common) {
  auto options = client_options(common, b.host);
  if (!options) return std::unexpected(options.error());
  BlockingClient c(*options);
  if (auto ok = connect_and_bind(c, b, mgmt::mgmt_descriptor().syntax); !ok) return std::unexpected(ok.error());
  ndr::DecodeLimits limits;
  limits.max_string_length = kMaxPrincNameLength + 1;  // the terminator too
  auto r = invoke<mgmt::rpc__mgmt_inq_princ_name_response>(
      c, mgmt::mgmt_descriptor().syntax, static_cast<std::uint16_t>(mgmt::mgmt_opnum::rpc__mgmt_inq_princ_name),
      mgmt::rpc__mgmt_inq_princ_name_request{authn, size}, common, limits);
  if (!r) return std::unexpected(r.error());
  return PrincResult{b.format(), authn, r->princ_name, r->status};
}

Outcome<MapResult> map(const std::string& host_text, const std::string& iface_text, const std::string& protseq,
                       const CommonOptions& common) {
  const std::string host = bare_host(host_text);
  auto options = client_options(common, host);
  if (!options) return std::unexpected(options.error());
  auto iface = parse_interface(iface_text);
  if (!iface) return std::unexpected(iface.error());
  const auto* ps = binding::find_protseq(protseq);
  if (!ps) return std::unexpected(Failure{protseq + ": unknown protocol sequence", kExitUsage, ""});
  spdlog::debug("ept_map {} over {} at {}:{}", iface->to_string(), protseq, host, common.port);
  auto tb = transport::resolve_endpoint(host, *iface, ps->id, *options, common.port);
  if (!tb) {
    // The endpoint mapper's answer "nothing registered" is an answer, not a
    // protocol error: say what was asked for, exit 1 (rampart(1)).
    if (tb.error().domain() == ErrorDomain::client &&
        tb.error().code() == static_cast<std::uint16_t>(runtime::ClientErrc::endpoint_not_found)) {
      const std::string label = label_for(iface->uuid);
      return std::unexpected(Failure{fmt::format("{}{} v{}.{} is not registered at {} over {} (ept_s_not_registered)",
                                                 label.empty() ? "" : label + " ", iface->uuid.to_string(),
                                                 iface->major, iface->minor, host, protseq),
                                     kExitFailure, "client.endpoint_not_found"});
    }
    return std::unexpected(failure_from(tb.error(), "ept_map"));
  }
  fill_any_address(*tb, host);
  return MapResult{host, *iface, protseq, binding::StringBinding::from_tower(*tb).format(), tb->endpoint, tb->address};
}

template <class T>
int finish(const CommonOptions& common, std::string_view command, const Outcome<T>& r,
           int (*render)(const CommonOptions&, const T&)) {
  return r ? render(common, *r) : render_failure(common, command, r.error());
}

struct NetArgs {
  std::string host, target, iface, protseq = "ncacn_ip_tcp";
  unsigned count = 1;
  std::uint32_t authn = 9, size = 1024, page_size = kPageSize;
};

using TargetRun = std::function<int(const binding::StringBinding&)>;

// A subcommand on BINDING|HOST: parses the target, then runs `run` with it.
CLI::App* add_target_command(CLI::App& app, const char* name, const char* help, const std::shared_ptr<NetArgs>& a,
                             CommonOptions& common, Action& action, TargetRun run) {
  auto* sub = app.add_subcommand(name, help);
  sub->add_option("binding", a->target, "string binding (ncacn_ip_tcp:HOST[PORT]) or HOST")->required();
  add_common_options(*sub, common, true);
  sub->callback([&common, &action, a, name, run] {
    action = [&common, a, name, run] {
      auto b = parse_target(a->target, common);
      return b ? run(*b) : render_failure(common, name, b.error());
    };
  });
  return sub;
}

void add_epm_commands(CLI::App& app, CommonOptions& common, Action& action, const std::shared_ptr<NetArgs>& a) {
  auto* d = app.add_subcommand("dump", "list every endpoint mapper entry (paged ept_lookup)");
  d->add_option("host", a->host, "host name or address")->required();
  d->add_option("--page-size", a->page_size, "entries asked for per ept_lookup call")
      ->capture_default_str()
      ->check(CLI::Range(1u, epm::ept_max_entries));
  add_common_options(*d, common, true);
  d->callback([&common, &action, a] {
    action = [&common, a] { return finish(common, "dump", dump(a->host, a->page_size, common), render_dump); };
  });

  auto* m = app.add_subcommand("map", "ask the endpoint mapper where an interface listens (ept_map)");
  m->add_option("host", a->host, "host name or address")->required();
  m->add_option("interface", a->iface, "IFUUID[:MAJ.MIN] or a well-known name such as lsarpc")->required();
  m->add_option("--protseq", a->protseq, "protocol sequence")->capture_default_str();
  add_common_options(*m, common, true);
  m->callback([&common, &action, a] {
    action = [&common, a] { return finish(common, "map", map(a->host, a->iface, a->protseq, common), render_map); };
  });
}

void add_mgmt_commands(CLI::App& app, CommonOptions& common, Action& action, const std::shared_ptr<NetArgs>& a) {
  auto* ping_cmd = add_target_command(app, "ping", "mgmt is_server_listening, with the round-trip time", a, common,
                                      action, [&common, a](const binding::StringBinding& b) {
                                        return finish(common, "ping", ping(b, a->count, common), render_ping);
                                      });
  ping_cmd->add_option("-c,--count", a->count, "calls to make")->capture_default_str()->check(CLI::Range(1u, 1000u));

  add_target_command(app, "ifids", "mgmt inq_if_ids: the interfaces a server offers", a, common, action,
                     [&common](const binding::StringBinding& b) {
                       return finish(common, "ifids", ifids(b, common), render_ifids);
                     });

  add_target_command(app, "stats", "mgmt inq_stats: calls and packets the server has received and sent", a, common,
                     action, [&common](const binding::StringBinding& b) {
                       return finish(common, "stats", stats(b, common), render_stats);
                     });

  auto* p = add_target_command(app, "princ", "mgmt inq_princ_name: the server's principal name", a, common, action,
                               [&common, a](const binding::StringBinding& b) {
                                 return finish(common, "princ", princ(b, a->authn, a->size, common), render_princ);
                               });
  p->add_option("--authn", a->authn, "authentication service (9 negotiate, 10 NTLM, 16 Kerberos)")
      ->capture_default_str();
  // [MS-RPCE] / C706 Appendix Q: the reply's array is princ_name_size long,
  // the terminator included; kMaxPrincNameLength bounds the name.
  p->add_option("--size", a->size, "princ_name_size to ask for")
      ->capture_default_str()
      ->check(CLI::Range(1u, kMaxPrincNameLength + 1));
}

}  // namespace

Failure failure_from(const Error& e, std::string_view what) {
  return Failure{what.empty() ? e.to_string() : fmt::format("{}: {}", what, e.to_string()), exit_code_for(e),
                 fmt::format("{}.{}", to_string(e.domain()), e.code_name())};
}

// IFUUID[:MAJ.MIN] or a well-known name ("lsarpc"); without a version, the
// one the name table gives, else 1.0.
Outcome<SyntaxId> parse_interface(const std::string& text) {
  const auto colon = text.find(':');
  const std::string id = text.substr(0, colon);
  SyntaxId s;
  if (auto u = Uuid::parse(id)) {
    s.uuid = *u;
    const auto* w = find_well_known(s.uuid);
    s.major = w ? w->major : 1;
    s.minor = w ? w->minor : 0;
  } else if (const auto* w = find_well_known(std::string_view(id))) {
    s = SyntaxId{Uuid::from_string(w->uuid), w->major, w->minor};
  } else {
    return std::unexpected(Failure{text + ": neither a UUID nor a known interface name", kExitUsage, ""});
  }
  if (colon == std::string::npos) return s;
  unsigned major = 0, minor = 0;
  char tail = 0;
  if (std::sscanf(text.c_str() + colon + 1, "%u.%u%c", &major, &minor, &tail) != 2 || major > 0xffff || minor > 0xffff)
    return std::unexpected(Failure{text + ": the version must be MAJ.MIN", kExitUsage, ""});
  s.major = static_cast<std::uint16_t>(major);
  s.minor = static_cast<std::uint16_t>(minor);
  return s;
}

void add_network_commands(CLI::App& app, CommonOptions& common, Action& action) {
  auto a = std::make_shared<NetArgs>();
  add_epm_commands(app, common, action, a);
  add_mgmt_commands(app, common, action, a);
}

}  // namespace rampart::cli
