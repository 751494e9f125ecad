// Text and JSON output of dcom activate and oxid.
#include <fmt/format.h>

#include <cstdio>

#include "dcom_cmds.hpp"
#include "echo_class.hpp"
#include "rampart/dcom/hresult.hpp"

namespace rampart::cli {

namespace {

void out(const std::string& s) { std::fputs(s.c_str(), stdout); }

std::string hex64(std::uint64_t v) { return fmt::format("0x{:016x}", v); }

// [MS-DCOM] 2.2.19.3 tower identifiers, as the protocol sequences they name ([MS-RPCE] 2.2.1.1.7 / C706 Appendix I).
std::string_view tower_name(std::uint16_t id) noexcept {
  switch (id) {
    case 0x07: return "ncacn_ip_tcp";
    case 0x08: return "ncadg_ip_udp";
    case 0x09: return "ncacn_np";
    case 0x0f: return "ncacn_nb_tcp";
    case 0x1f: return "ncacn_http";
    default: return "";
  }
}

// [MS-RPCE] 2.2.1.1.7 authentication services.
std::string_view authn_name(std::uint16_t svc) noexcept {
  switch (svc) {
    case 0x00: return "none";
    case 0x09: return "negotiate";
    case 0x0a: return "NTLM";
    case 0x0e: return "schannel";
    case 0x10: return "Kerberos";
    default: return "";
  }
}

// [MS-RPCE] 2.2.1.1.8 authentication levels (authnHint).
std::string_view level_name(std::uint32_t level) noexcept {
  switch (level) {
    case 1: return "none";
    case 2: return "connect";
    case 3: return "call";
    case 4: return "packet";
    case 5: return "packet integrity";
    case 6: return "packet privacy";
    default: return "?";
  }
}

std::string_view hresult_name(std::uint32_t v) noexcept {
  namespace hr = dcom::hr;
  switch (v) {
    case hr::kOk: return "S_OK";
    case hr::kNoInterface: return "E_NOINTERFACE";
    case hr::kAccessDenied: return "E_ACCESSDENIED";
    case hr::kOutOfMemory: return "E_OUTOFMEMORY";
    case hr::kInvalidArg: return "E_INVALIDARG";
    case hr::kClassNotRegistered: return "REGDB_E_CLASSNOTREG";
    case hr::kVersionMismatch: return "RPC_E_VERSION_MISMATCH";
    case hr::kInvalidIpid: return "RPC_E_INVALID_IPID";
    case hr::kInvalidObjref: return "RPC_E_INVALID_OBJREF";
    case 0x80004001: return "E_NOTIMPL";
    case hr::kErrorAccessDenied: return "ERROR_ACCESS_DENIED";
    case hr::kOrInvalidOxid: return "OR_INVALID_OXID";
    case hr::kOrInvalidOid: return "OR_INVALID_OID";
    case hr::kOrInvalidSet: return "OR_INVALID_SET";
    default: return "";
  }
}

nlohmann::json dsa_json(const dcom::DualStringArray& d) {
  nlohmann::json strings = nlohmann::json::array(), security = nlohmann::json::array();
  for (const auto& s : d.strings)
    strings.push_back({{"tower_id", s.tower_id}, {"protseq", tower_name(s.tower_id)},
                       {"address", dcom::u16_to_display(s.network_addr)}});
  for (const auto& s : d.security)
    security.push_back({{"authn_svc", s.authn_svc}, {"name", authn_name(s.authn_svc)},
                        {"principal", dcom::u16_to_display(s.princ_name)}});
  return {{"strings", strings}, {"security", security}};
}

std::string dsa_text(const dcom::DualStringArray& d, std::string_view indent) {
  std::string s;
  for (const auto& b : d.strings) {
    const auto name = tower_name(b.tower_id);
    s += fmt::format("{}{} {}\n", indent, name.empty() ? fmt::format("tower 0x{:04x}", b.tower_id) : std::string(name),
                     dcom::u16_to_display(b.network_addr));
  }
  for (const auto& b : d.security) {
    const auto name = authn_name(b.authn_svc);
    s += fmt::format("{}security {} principal {}\n", indent,
                     name.empty() ? fmt::format("0x{:04x}", b.authn_svc) : std::string(name),
                     dcom::u16_to_display(b.princ_name));
  }
  return s;
}

nlohmann::json std_json(const dcom::StdObjRef& s) {
  return {{"ipid", s.ipid.to_string()}, {"oxid", hex64(s.oxid)},        {"oid", hex64(s.oid)},
          {"public_refs", s.public_refs}, {"flags", s.flags}, {"no_ping", s.no_ping()}};
}

std::string std_text(const dcom::StdObjRef& s) {
  return fmt::format("ipid {} oid {} refs {}{}", s.ipid.to_string(), hex64(s.oid), s.public_refs,
                     s.no_ping() ? " SORF_NOPING" : "");
}

std::string iid_label(const Uuid& iid) {
  if (iid == echo::kIid) return " (IRampartEcho)";
  if (iid == dcom::kIidIUnknown) return " (IUnknown)";
  if (iid == dcom::kIidIClassFactory) return " (IClassFactory)";
  return "";
}

void activate_json(const DcomActivateResult& r) {
  const auto& a = r.reply;
  nlohmann::json itfs = nlohmann::json::array(), queries = nlohmann::json::array(), pings = nlohmann::json::array();
  for (const auto& i : a.interfaces) {
    nlohmann::json j = {{"iid", i.iid.to_string()}, {"hresult", hresult_text(i.hresult)}};
    if (i.objref) j["objref"] = std_json(i.objref->std);
    itfs.push_back(std::move(j));
  }
  for (const auto& q : r.queries) {
    nlohmann::json j = {{"iid", q.iid.to_string()}, {"hresult", hresult_text(q.hresult)}};
    if (q.std) j["objref"] = std_json(*q.std);
    queries.push_back(std::move(j));
  }
  for (const auto& p : r.pings)
    pings.push_back({{"method", p.complex ? "ComplexPing" : "SimplePing"}, {"set_id", hex64(p.set_id)},
                     {"backoff", p.backoff}});
  nlohmann::json j = {{"command", "dcom activate"},
                      {"ok", true},
                      {"host", r.host},
                      {"port", r.port},
                      {"method", r.class_object ? "RemoteGetClassObject" : "RemoteCreateInstance"},
                      {"clsid", r.clsid.to_string()},
                      {"oxid", hex64(a.oxid)},
                      {"ipid_rem_unknown", a.ipid_rem_unknown.to_string()},
                      {"authn_hint", a.authn_hint},
                      {"server_version", fmt::format("{}.{}", a.server_version.major, a.server_version.minor)},
                      {"oxid_bindings", dsa_json(a.oxid_bindings)},
                      {"interfaces", itfs},
                      {"queries", queries},
                      {"pings", pings},
                      {"released_refs", r.released_refs}};
  if (r.exporter) j["exporter"] = fmt::format("{}:{}", r.exporter->host, r.exporter->port);
  if (r.factory) j["class_object"] = std_json(r.factory->objref->std);
  if (r.call)
    j["call"] = {{"method", r.call->method}, {"args", r.call->args}, {"hresult", hresult_text(r.call->hresult)},
                 {"result", r.call->result}};
  print_json(j);
}

}  // namespace

std::string hresult_text(std::uint32_t value) {
  const auto name = hresult_name(value);
  return name.empty() ? fmt::format("0x{:08x}", value) : fmt::format("{} (0x{:08x})", name, value);
}

int render_dcom_activate(const CommonOptions& common, const DcomActivateResult& r) {
  if (common.json) {
    activate_json(r);
    return kExitOk;
  }
  const auto& a = r.reply;
  std::string s = fmt::format("{} {} on {}:{}\n", r.class_object ? "RemoteGetClassObject" : "RemoteCreateInstance",
                              r.clsid.to_string(), r.host, r.port);
  s += fmt::format("  oxid {}  COM version {}.{}  authnHint {} ({})\n", hex64(a.oxid), a.server_version.major,
                   a.server_version.minor, a.authn_hint, level_name(a.authn_hint));
  s += fmt::format("  ipidRemUnknown {}\n  OXID bindings:\n", a.ipid_rem_unknown.to_string());
  s += dsa_text(a.oxid_bindings, "    ");
  if (r.exporter) s += fmt::format("  exporter {}:{}\n", r.exporter->host, r.exporter->port);
  if (r.factory) s += "  class object (IClassFactory): " + std_text(r.factory->objref->std) + "\n";
  for (const auto& i : a.interfaces) {
    s += fmt::format("  interface {}{}: {}\n", i.iid.to_string(), iid_label(i.iid), hresult_text(i.hresult));
    if (i.objref) s += "    " + std_text(i.objref->std) + "\n";
  }
  if (r.call)
    s += fmt::format("  {}({}) -> {} [{}]\n", r.call->method, fmt::join(r.call->args, ", "), r.call->result,
                     hresult_text(r.call->hresult));
  for (const auto& q : r.queries) {
    s += fmt::format("  RemQueryInterface {}{}: {}\n", q.iid.to_string(), iid_label(q.iid), hresult_text(q.hresult));
    if (q.std) s += "    " + std_text(*q.std) + "\n";
  }
  for (const auto& p : r.pings)
    s += fmt::format("  {} set {}\n", p.complex ? "ComplexPing" : "SimplePing", hex64(p.set_id));
  if (r.released_refs > 0) s += fmt::format("  RemRelease: {} reference(s) released\n", r.released_refs);
  out(s);
  return kExitOk;
}

int render_oxid(const CommonOptions& common, const OxidResult& r) {
  if (common.json) {
    nlohmann::json j = {{"command", "oxid"}, {"ok", true}, {"host", r.host}, {"port", r.port}};
    if (r.alive)
      j["server_alive2"] = {{"com_version", fmt::format("{}.{}", r.alive->version.major, r.alive->version.minor)},
                            {"bindings", dsa_json(r.alive->bindings)}};
    if (r.resolved)
      j["resolve_oxid2"] = {{"oxid", hex64(*r.oxid)},
                            {"ipid_rem_unknown", r.resolved->ipid_rem_unknown.to_string()},
                            {"authn_hint", r.resolved->authn_hint},
                            {"com_version", fmt::format("{}.{}", r.resolved->version.major, r.resolved->version.minor)},
                            {"bindings", dsa_json(r.resolved->bindings)}};
    if (r.set_id) j["simple_ping"] = {{"set_id", hex64(*r.set_id)}, {"status", "ok"}};
    print_json(j);
    return kExitOk;
  }
  std::string s;
  if (r.alive) {
    s += fmt::format("ServerAlive2 {}:{}: COM version {}.{}\n", r.host, r.port, r.alive->version.major,
                     r.alive->version.minor);
    s += dsa_text(r.alive->bindings, "  ");
  }
  if (r.resolved) {
    s += fmt::format("ResolveOxid2 {}: COM version {}.{}  authnHint {} ({})  ipidRemUnknown {}\n", hex64(*r.oxid),
                     r.resolved->version.major, r.resolved->version.minor, r.resolved->authn_hint,
                     level_name(r.resolved->authn_hint), r.resolved->ipid_rem_unknown.to_string());
    s += dsa_text(r.resolved->bindings, "  ");
  }
  if (r.set_id) s += fmt::format("SimplePing {}: ok\n", hex64(*r.set_id));
  out(s);
  return kExitOk;
}

}  // namespace rampart::cli
