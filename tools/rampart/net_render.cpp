// Text and JSON output of the network subcommands.
#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <tuple>

#include "epm.hpp"
#include "net.hpp"
#include "rampart/pdu/status.hpp"
#include "well_known.hpp"

namespace rampart::cli {

namespace {

void out(const std::string& s) { std::fputs(s.c_str(), stdout); }

nlohmann::json interface_json(const SyntaxId& s) {
  nlohmann::json j = {{"uuid", s.uuid.to_string()}, {"version", fmt::format("{}.{}", s.major, s.minor)}};
  if (const auto* w = find_well_known(s.uuid)) {
    j["name"] = w->name;
    j["spec"] = w->spec;
  }
  return j;
}

std::string interface_line(const SyntaxId& s) {
  const std::string label = label_for(s.uuid);
  return fmt::format("{} v{}.{}{}", s.uuid.to_string(), s.major, s.minor, label.empty() ? "" : "  " + label);
}

double ms(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e6; }

// Win32 RPC statuses mgmt and the endpoint mapper answer with that the
// fault-status table does not name ([MS-ERREF] 2.2).
std::string_view rpc_status_name(std::uint32_t status) noexcept {
  switch (status) {
    case 0x000006d3: return "RPC_S_UNKNOWN_AUTHN_SERVICE";
    case 0x000006d9: return "EPT_S_NOT_REGISTERED";
    case 0x000006e4: return "RPC_S_CANNOT_SUPPORT";
    case 0x0000007a: return "ERROR_INSUFFICIENT_BUFFER";
    default: return pdu::status::name(status);
  }
}

}  // namespace

std::string status_text(std::uint32_t status) {
  // C706 Appendix E: ept_s_not_registered (idl/c706/epm.idl), the end of a walk.
  if (status == 0) return "ok (0x00000000)";
  if (status == spec::epm::ept_s_not_registered) return fmt::format("ept_s_not_registered (0x{:08x})", status);
  const auto name = rpc_status_name(status);
  return name.empty() ? fmt::format("0x{:08x}", status) : fmt::format("{} (0x{:08x})", name, status);
}

int render_failure(const CommonOptions& common, std::string_view command, const Failure& f) {
  if (common.json) {
    nlohmann::json j = {{"command", command}, {"ok", false}, {"error", f.message}, {"exit_code", f.code}};
    if (!f.rule.empty()) j["rule"] = f.rule;
    print_json(j);
    return f.code;
  }
  return report_failure(common, command, f.message, f.code);
}

// Entries grouped by interface and annotation, in the order first seen,
// each group listing its bindings (as Impacket's rpcdump does).
int render_dump(const CommonOptions& common, const DumpResult& r) {
  if (common.json) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : r.entries) {
      nlohmann::json j = {{"object", e.object.to_string()}, {"annotation", e.annotation}};
      if (e.interface) j["interface"] = interface_json(*e.interface);
      if (!e.binding.empty()) j["binding"] = e.binding;
      if (!e.tower_error.empty()) j["tower_error"] = e.tower_error;
      entries.push_back(std::move(j));
    }
    print_json({{"command", "dump"},      {"ok", true},         {"host", r.host},
                {"port", r.port},         {"pages", r.pages},   {"final_status", status_text(r.final_status)},
                {"truncated", r.truncated}, {"entries", entries}});
    return kExitOk;
  }
  using Key = std::tuple<std::string, std::string>;
  std::vector<Key> order;
  std::map<Key, std::vector<const DumpEntry*>> groups;
  for (const auto& e : r.entries) {
    Key k{e.interface ? interface_line(*e.interface) : std::string("(no interface floor)"), e.annotation};
    if (!groups.contains(k)) order.push_back(k);
    groups[k].push_back(&e);
  }
  for (const auto& k : order) {
    out(fmt::format("{}\n", std::get<0>(k)));
    if (!std::get<1>(k).empty()) out(fmt::format("  annotation: {}\n", std::get<1>(k)));
    for (const auto* e : groups[k]) {
      const std::string object = e->object.is_nil() ? "" : fmt::format("  (object {})", e->object.to_string());
      out(e->binding.empty() ? fmt::format("  tower: {}{}\n", e->tower_error, object)
                             : fmt::format("  {}{}\n", e->binding, object));
    }
  }
  out(fmt::format("{} entries, {} interfaces, {} page(s), last status {}{}\n", r.entries.size(), order.size(), r.pages,
                  status_text(r.final_status), r.truncated ? " (stopped at the page limit)" : ""));
  return kExitOk;
}

int render_map(const CommonOptions& common, const MapResult& r) {
  if (common.json) {
    print_json({{"command", "map"},
                {"ok", true},
                {"host", r.host},
                {"interface", interface_json(r.interface)},
                {"protseq", r.protseq},
                {"binding", r.binding},
                {"endpoint", r.endpoint},
                {"address", r.address}});
  } else {
    out(fmt::format("{}\n", r.binding));
  }
  return kExitOk;
}

int render_ping(const CommonOptions& common, const PingResult& r) {
  const int code = r.listening && r.status == 0 ? kExitOk : kExitFailure;
  if (common.json) {
    nlohmann::json rtts = nlohmann::json::array();
    for (auto d : r.round_trips) rtts.push_back(ms(d));
    print_json({{"command", "ping"},
                {"ok", code == kExitOk},
                {"binding", r.binding},
                {"listening", r.listening},
                {"status", status_text(r.status)},
                {"connect_and_bind_ms", ms(r.connect_and_bind)},
                {"round_trip_ms", rtts}});
    return code;
  }
  for (std::size_t i = 0; i < r.round_trips.size(); ++i)
    out(fmt::format("{}: {}, status {}, round trip {}\n", r.binding, r.listening ? "listening" : "not listening",
                    status_text(r.status), format_ms(r.round_trips[i])));
  out(fmt::format("connect and bind: {}\n", format_ms(r.connect_and_bind)));
  return code;
}

int render_ifids(const CommonOptions& common, const IfIdsResult& r) {
  const int code = r.status == 0 ? kExitOk : kExitFailure;
  if (common.json) {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& id : r.ids) ids.push_back(interface_json(id));
    print_json({{"command", "ifids"},
                {"ok", code == kExitOk},
                {"binding", r.binding},
                {"status", status_text(r.status)},
                {"interfaces", ids},
                {"null_entries", r.null_ids}});
    return code;
  }
  for (const auto& id : r.ids) out(interface_line(id) + "\n");
  out(fmt::format("{} interface(s){}, status {}\n", r.ids.size(),
                  r.null_ids ? fmt::format(" and {} NULL entries", r.null_ids) : "", status_text(r.status)));
  return code;
}

int render_stats(const CommonOptions& common, const StatsResult& r) {
  // C706 Appendix Q names the four counters in this order.
  static constexpr const char* kNames[] = {"calls_in", "calls_out", "pkts_in", "pkts_out"};
  const int code = r.status == 0 ? kExitOk : kExitFailure;
  if (common.json) {
    nlohmann::json values = nlohmann::json::object();
    for (std::size_t i = 0; i < r.values.size(); ++i)
      values[i < std::size(kNames) ? kNames[i] : fmt::format("stat_{}", i)] = r.values[i];
    nlohmann::json j = {{"command", "stats"}, {"ok", code == kExitOk}, {"binding", r.binding},
                        {"statistics", values}, {"status", status_text(r.status)}};
    if (code != kExitOk) {
      j["error"] = "inq_stats failed: " + status_text(r.status);
      j["exit_code"] = code;
    }
    print_json(j);
    return code;
  }
  if (code != kExitOk) return report_failure(common, "stats", "inq_stats failed: " + status_text(r.status), code);
  for (std::size_t i = 0; i < r.values.size(); ++i)
    out(fmt::format("{:<10} {}\n", i < std::size(kNames) ? kNames[i] : fmt::format("stat_{}", i), r.values[i]));
  return code;
}

// A server without a security provider for the service asked about
// answers RPC_S_UNKNOWN_AUTHN_SERVICE, as Windows' runtime does for a server
// that registered no authentication information: the call worked, but there
// is no name, so the exit status is 1 with a message that says why.
std::string princ_failure(const PrincResult& r) {
  if (r.status == 0x000006d3)
    return fmt::format("no principal name for authentication service {}: the server has no such security provider "
                       "({})",
                       r.authn_proto, status_text(r.status));
  return fmt::format("inq_princ_name failed: {}", status_text(r.status));
}

int render_princ(const CommonOptions& common, const PrincResult& r) {
  const int code = r.status == 0 ? kExitOk : kExitFailure;
  if (common.json) {
    nlohmann::json j = {{"command", "princ"},        {"ok", code == kExitOk},
                        {"binding", r.binding},      {"authn_proto", r.authn_proto},
                        {"princ_name", r.princ_name}, {"status", status_text(r.status)}};
    if (code != kExitOk) {
      j["error"] = princ_failure(r);
      j["exit_code"] = code;
    }
    print_json(j);
    return code;
  }
  if (code != kExitOk) return report_failure(common, "princ", princ_failure(r), code);
  out(fmt::format("principal name: \"{}\" (authn {}), status {}\n", r.princ_name, r.authn_proto, status_text(r.status)));
  return code;
}

}  // namespace rampart::cli
