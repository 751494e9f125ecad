// dcom activate and oxid: remote activation, IRemUnknown and the OXID
// resolver ([MS-DCOM] 3.2) through dcom::DcomClient.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>

#include "commands.hpp"
#include "dcom_cmds.hpp"
#include "echo_class.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart_echo.hpp"

namespace rampart::cli {

namespace {

namespace re = spec::rampart_echo;
using dcom::DcomClient;

struct DcomArgs {
  std::string host, clsid;
  std::vector<std::string> iids, queries, call;
  bool class_object = false, ping = false, keep = false, windows = false;
  std::string resolve, ping_set;
};

Outcome<dcom::DcomClientOptions> dcom_options(const CommonOptions& common, const std::string& host) {
  dcom::DcomClientOptions o;
  o.resolver_port = common.port;
  o.transport.connect_timeout = common.timeout();
  o.transport.call_timeout = common.timeout();
  std::string error;
  o.transport.auth = make_client_auth(common.auth, host, error);
  if (!error.empty()) return std::unexpected(Failure{error, kExitFailure, ""});
  return o;
}

Outcome<Uuid> parse_uuid(const std::string& text, std::string_view what) {
  auto u = Uuid::parse(text);
  if (!u) return std::unexpected(Failure{fmt::format("{} {}: not a UUID", what, text), kExitUsage, ""});
  return *u;
}

// "0x1234abcd" or decimal: OXIDs and SETIDs are 64-bit ([MS-DCOM] 2.2.5, 2.2.8).
Outcome<std::uint64_t> parse_id(const std::string& text, std::string_view what) {
  const bool hex = text.starts_with("0x") || text.starts_with("0X");
  const char* first = text.data() + (hex ? 2 : 0);
  const char* last = text.data() + text.size();
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(first, last, v, hex ? 16 : 10);
  if (first == last || ec != std::errc{} || end != last)
    return std::unexpected(Failure{fmt::format("{} {}: not a 64-bit number", what, text), kExitUsage, ""});
  return v;
}

Failure dcom_failure(const DcomClient& c, const Error& e, std::string_view what) {
  Failure f = failure_from(e, what);
  if (c.last_status() != 0) f.message += fmt::format(" ({})", hresult_text(c.last_status()));
  return f;
}

Outcome<std::int32_t> parse_long(const std::string& text) {
  std::int32_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return std::unexpected(Failure{"--call add: " + text + " is not a 32-bit integer", kExitUsage, ""});
  return v;
}

// --call echo TEXT | --call add A B, through the generated IRampartEcho proxy.
Outcome<DcomCall> call_echo(DcomClient& c, const Uuid& ipid, const std::vector<std::string>& call) {
  auto channel = c.object_channel(SyntaxId{echo::kIid, 0, 0});
  if (!channel) return std::unexpected(dcom_failure(c, channel.error(), "bind IRampartEcho"));
  re::IRampartEcho_client proxy(std::move(*channel), ipid);
  const spec::orpc::ORPCTHIS t = c.orpcthis();
  DcomCall out{call[0], {call.begin() + 1, call.end()}, {}, 0};
  if (call[0] == "echo") {
    std::u16string text(call[1].begin(), call[1].end());
    auto r = proxy.Echo({t, std::move(text)});
    if (!r) return std::unexpected(failure_from(r.error(), fmt::format("Echo (fault {})", hresult_text(proxy.last_fault()))));
    out.hresult = static_cast<std::uint32_t>(r->return_value);
    out.result = r->echoed ? dcom::u16_to_display(*r->echoed) : "(null)";
    return out;
  }
  const auto a = parse_long(call[1]);
  if (!a) return std::unexpected(a.error());
  const auto b = parse_long(call[2]);
  if (!b) return std::unexpected(b.error());
  auto r = proxy.Add({t, *a, *b});
  if (!r) return std::unexpected(failure_from(r.error(), fmt::format("Add (fault {})", hresult_text(proxy.last_fault()))));
  out.hresult = static_cast<std::uint32_t>(r->return_value);
  out.result = std::to_string(r->sum);
  return out;
}

Outcome<void> check_call_args(const std::vector<std::string>& call) {
  if (call.empty()) return {};
  if ((call[0] == "echo" && call.size() == 2) || (call[0] == "add" && call.size() == 3)) {
    // Echo's text is ASCII here: the proxy takes UTF-16 units one per octet.
    for (const unsigned char ch : call[1])
      if (call[0] == "echo" && ch >= 0x80)
        return std::unexpected(Failure{"--call echo: the text must be ASCII", kExitUsage, ""});
    return {};
  }
  return std::unexpected(Failure{"--call takes 'echo TEXT' or 'add A B'", kExitUsage, ""});
}

// After the activation: the method call, QueryInterface, pings, release.
Outcome<void> use_object(DcomClient& c, const DcomArgs& a, DcomActivateResult& out) {
  const dcom::ActivatedInterface* first = nullptr;
  for (const auto& i : out.reply.interfaces)
    if (i.objref && first == nullptr) first = &i;
  if (first == nullptr) return {};
  if (!a.call.empty()) {
    const dcom::ActivatedInterface* echo_itf = nullptr;
    for (const auto& i : out.reply.interfaces)
      if (i.objref && i.iid == echo::kIid) echo_itf = &i;
    if (echo_itf == nullptr)
      return std::unexpected(Failure{"--call needs IRampartEcho (" + echo::kIid.to_string() + ") activated", kExitUsage, ""});
    auto r = call_echo(c, echo_itf->objref->std.ipid, a.call);
    if (!r) return std::unexpected(r.error());
    out.call = std::move(*r);
  }
  if (!a.queries.empty()) {
    std::vector<Uuid> iids;
    for (const auto& q : a.queries) {
      auto u = parse_uuid(q, "--query");
      if (!u) return std::unexpected(u.error());
      iids.push_back(*u);
    }
    auto r = c.rem_query_interface(first->objref->std.ipid, iids);
    if (!r) return std::unexpected(dcom_failure(c, r.error(), "RemQueryInterface"));
    out.queries = std::move(*r);
  }
  if (a.ping && !first->objref->std.no_ping()) {
    const std::vector oids{first->objref->std.oid};
    for (int i = 0; i < 2; ++i) {  // ComplexPing adds the OID, SimplePing keeps it
      auto p = c.ping(oids);
      if (!p) return std::unexpected(dcom_failure(c, p.error(), "ping"));
      out.pings.push_back(*p);
    }
  }
  if (a.keep) return {};
  std::vector<dcom::InterfaceRef> refs;
  for (const auto& i : out.reply.interfaces)
    if (i.objref) refs.push_back({i.objref->std.ipid, i.objref->std.public_refs, 0});
  for (const auto& q : out.queries)
    if (q.std) refs.push_back({q.std->ipid, q.std->public_refs, 0});
  if (out.factory) refs.push_back({out.factory->objref->std.ipid, out.factory->objref->std.public_refs, 0});
  if (auto r = c.rem_release(refs); !r) return std::unexpected(dcom_failure(c, r.error(), "RemRelease"));
  for (const auto& r : refs) out.released_refs += r.public_refs;
  return {};
}

// --class-object: RemoteGetClassObject asked for IClassFactory; its
// CreateInstance makes the instance for the first IID, RemQueryInterface
// adds the others. The instance's interfaces then stand in the reply.
Outcome<void> instance_from_factory(DcomClient& c, const std::vector<Uuid>& iids, DcomActivateResult& out) {
  const auto& f = out.reply.interfaces.at(0);
  if (!f.objref) {
    return std::unexpected(Failure{fmt::format("RemoteGetClassObject: IClassFactory {}", hresult_text(f.hresult)),
                                   kExitFailure, ""});
  }
  out.factory = f;
  auto made = c.create_from_class_object(f.objref->std.ipid, iids[0]);
  if (!made) {
    Failure failure = dcom_failure(c, made.error(), "IClassFactory::CreateInstance");
    // The class object is given back at once rather than left to the collector.
    const std::vector refs{dcom::InterfaceRef{f.objref->std.ipid, f.objref->std.public_refs, 0}};
    (void)c.rem_release(refs);
    return std::unexpected(std::move(failure));
  }
  std::vector<dcom::ActivatedInterface> itfs{{iids[0], dcom::hr::kOk, *made}};
  if (iids.size() > 1) {
    const std::vector<Uuid> more(iids.begin() + 1, iids.end());
    auto q = c.rem_query_interface(made->std.ipid, more);
    if (!q) return std::unexpected(dcom_failure(c, q.error(), "RemQueryInterface"));
    for (const auto& r : *q) {
      itfs.push_back({r.iid, r.hresult, std::nullopt});
      if (r.std) itfs.back().objref = dcom::ObjRefStandard{*r.std, {}};
    }
  }
  out.reply.interfaces = std::move(itfs);
  return {};
}

Outcome<DcomActivateResult> dcom_activate(const DcomArgs& a, const CommonOptions& common) {
  if (auto ok = check_call_args(a.call); !ok) return std::unexpected(ok.error());
  auto options = dcom_options(common, a.host);
  if (!options) return std::unexpected(options.error());
  DcomActivateResult out;
  out.host = a.host;
  out.port = common.port;
  out.class_object = a.class_object;
  auto clsid = parse_uuid(a.clsid, "CLSID");
  if (!clsid) return std::unexpected(clsid.error());
  out.clsid = *clsid;
  std::vector<Uuid> iids;
  for (const auto& text : a.iids) {
    auto u = parse_uuid(text, "IID");
    if (!u) return std::unexpected(u.error());
    iids.push_back(*u);
  }
  auto params = dcom::activation_params(*clsid, a.class_object ? std::vector{dcom::kIidIClassFactory} : iids);
  params.windows_properties = a.windows;
  if (a.windows) params.server_name = dcom::ascii_to_u16(a.host);
  DcomClient c(a.host, *options);
  spdlog::debug("{} on {}:{}", a.class_object ? "RemoteGetClassObject" : "RemoteCreateInstance", a.host, common.port);
  auto reply = a.class_object ? c.get_class_object(params) : c.create_instance(params);
  if (!reply) return std::unexpected(dcom_failure(c, reply.error(), "activation"));
  out.reply = std::move(*reply);
  out.exporter = c.exporter_address();
  if (a.class_object)
    if (auto made = instance_from_factory(c, iids, out); !made) return std::unexpected(made.error());
  if (auto used = use_object(c, a, out); !used) return std::unexpected(used.error());
  return out;
}

Outcome<OxidResult> oxid(const DcomArgs& a, const CommonOptions& common) {
  auto options = dcom_options(common, a.host);
  if (!options) return std::unexpected(options.error());
  OxidResult out{a.host, common.port, {}, {}, {}, {}};
  DcomClient c(a.host, *options);
  if (a.resolve.empty() && a.ping_set.empty()) {
    auto alive = c.server_alive2();
    if (!alive) return std::unexpected(dcom_failure(c, alive.error(), "ServerAlive2"));
    out.alive = std::move(*alive);
  }
  if (!a.resolve.empty()) {
    auto id = parse_id(a.resolve, "--resolve");
    if (!id) return std::unexpected(id.error());
    auto r = c.resolve_oxid2(*id);
    if (!r) return std::unexpected(dcom_failure(c, r.error(), "ResolveOxid2"));
    out.oxid = *id;
    out.resolved = std::move(*r);
  }
  if (!a.ping_set.empty()) {
    auto id = parse_id(a.ping_set, "--ping");
    if (!id) return std::unexpected(id.error());
    if (auto r = c.simple_ping(*id); !r) return std::unexpected(dcom_failure(c, r.error(), "SimplePing"));
    out.set_id = *id;
  }
  return out;
}

template <class T>
int finish(const CommonOptions& common, std::string_view command, const Outcome<T>& r,
           int (*render)(const CommonOptions&, const T&)) {
  return r ? render(common, *r) : render_failure(common, command, r.error());
}

}  // namespace

void add_dcom_commands(CLI::App& app, CommonOptions& common, Action& action) {
  auto a = std::make_shared<DcomArgs>();
  auto* d = app.add_subcommand("dcom", "DCOM: remote activation and calls on the object ([MS-DCOM])");
  d->require_subcommand(1);
  auto* act = d->add_subcommand("activate", "RemoteCreateInstance of CLSID on HOST, then IRemUnknown calls");
  act->add_option("host", a->host, "host name or address")->required();
  act->add_option("clsid", a->clsid, "class identifier")->required();
  act->add_option("iid", a->iids, "interface identifiers to ask for (one or more)")->required();
  act->add_option("--call", a->call, "call IRampartEcho: --call echo TEXT, or --call add A B")->expected(2, 3);
  act->add_option("--query", a->queries, "RemQueryInterface for this IID too (repeatable)");
  act->add_flag("--ping", a->ping, "ComplexPing then SimplePing the object's OID");
  act->add_flag("--keep", a->keep, "do not release the references (the server collects the object unpinged)");
  act->add_flag("--class-object", a->class_object,
                "RemoteGetClassObject (IClassFactory), then IClassFactory::CreateInstance of the first IID");
  act->add_flag("--windows-properties", a->windows,
                "send the six activation properties Windows sends instead of Impacket's four");
  add_common_options(*act, common, true);
  act->callback([&common, &action, a] {
    action = [&common, a] {
      return finish(common, "dcom activate", dcom_activate(*a, common), render_dcom_activate);
    };
  });

  auto* o = app.add_subcommand("oxid", "the OXID resolver: ServerAlive2, ResolveOxid2, SimplePing");
  o->add_option("host", a->host, "host name or address")->required();
  o->add_option("--resolve", a->resolve, "ResolveOxid2 of this OXID (0x hex or decimal)");
  o->add_option("--ping", a->ping_set, "SimplePing of this SETID (0x hex or decimal)");
  add_common_options(*o, common, true);
  o->callback([&common, &action, a] {
    action = [&common, a] { return finish(common, "oxid", oxid(*a, common), render_oxid); };
  });
}

}  // namespace rampart::cli
