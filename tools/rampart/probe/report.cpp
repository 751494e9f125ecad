// Output forms of `rampart probe` (report.hpp); field names are documented
// in docs/probe.md, "Output".
#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "catalogue.hpp"

namespace rampart::probe {

std::size_t HostReport::count(Verdict v) const noexcept {
  return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [v](const ProbeResult& r) {
    return r.probe != nullptr && r.classification.verdict == v;
  }));
}

bool HostReport::has_finding() const noexcept {
  return std::any_of(results.begin(), results.end(),
                     [](const ProbeResult& r) { return r.probe != nullptr && is_finding(r.classification.verdict); });
}

bool HostReport::has_vulnerable_pattern() const noexcept { return count(Verdict::vulnerable_pattern) > 0; }

namespace {

std::string state_of(const HostReport& r) {
  if (!r.baseline.reachable) return "down";
  if (!r.baseline.bound) return "no-bind";
  return "probed";
}

nlohmann::json reaction_json(const Reaction& r) {
  nlohmann::json j{{"kind", to_string(r.kind)}, {"code", r.code}, {"text", r.describe()}};
  if (r.did_not_execute) j["did_not_execute"] = true;
  j["closed_after"] = r.closed_after;
  if (!r.detail.empty()) j["detail"] = r.detail;
  if (!r.flaw.empty()) j["flaw"] = r.flaw;
  return j;
}

nlohmann::json baseline_json(const Baseline& b) {
  nlohmann::json j{{"reachable", b.reachable}, {"bound", b.bound}};
  if (!b.error.empty()) j["error"] = b.error;
  if (b.reachable) j["bind"] = reaction_json(b.bind_reaction);
  if (b.bound) {
    j["max_xmit_frag"] = b.max_xmit_frag;
    j["max_recv_frag"] = b.max_recv_frag;
    j["secondary_address"] = b.secondary_address;
  }
  if (b.lookup_ok) {
    j["lookup"] = {{"pages", b.pages},
                   {"entries", b.entries},
                   {"final_status", b.final_status},
                   {"status_with_entries", b.status_with_entries},
                   {"annotations", b.annotations},
                   {"interfaces", b.interfaces}};
  }
  if (b.bound) {
    j["mgmt"] = {{"ok", b.mgmt_ok}, {"interfaces", b.mgmt_interfaces}};
    if (!b.mgmt_error.empty()) j["mgmt"]["error"] = b.mgmt_error;
    j["dcom"] = {{"offered", b.dcom_offered}};
    if (b.dcom_offered) {
      j["dcom"]["version"] = b.dcom_version;
      j["dcom"]["bindings"] = b.dcom_bindings;
    } else if (!b.dcom_error.empty()) {
      j["dcom"]["error"] = b.dcom_error;
    }
  }
  return j;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

nlohmann::json to_json(const HostReport& r) {
  nlohmann::json probes = nlohmann::json::array();
  for (const auto& p : r.results) {
    if (p.probe == nullptr) continue;
    nlohmann::json j{{"id", p.probe->id},
                     {"class", p.probe->hclass},
                     {"verdict", to_string(p.classification.verdict)},
                     {"reason", p.classification.reason},
                     {"reaction", reaction_json(p.reaction)},
                     {"elapsed_ms", p.elapsed.count()}};
    if (p.alive_after) j["alive_after"] = *p.alive_after;
    probes.push_back(std::move(j));
  }
  nlohmann::json counts;
  for (auto v : {Verdict::correct, Verdict::lenient, Verdict::divergent, Verdict::vulnerable_pattern, Verdict::inconclusive,
                 Verdict::not_applicable})
    counts[std::string(to_string(v))] = r.count(v);
  return {{"target", r.target},
          {"address", r.address},
          {"state", state_of(r)},
          {"finding", r.has_finding()},
          {"counts", counts},
          {"fingerprint",
           {{"family", r.fingerprint.family},
            {"version", r.fingerprint.version},
            {"confidence", r.fingerprint.confidence},
            {"evidence", r.fingerprint.evidence}}},
          {"baseline", baseline_json(r.baseline)},
          {"probes", probes},
          {"elapsed_ms", r.elapsed.count()}};
}

std::string csv_header() { return "target,address,probe,class,verdict,reaction,reason,family,confidence\n"; }

std::string to_csv(const HostReport& r) {
  std::string out;
  const auto row = [&](std::string_view id, std::string_view cls, std::string_view verdict, std::string_view reaction,
                       std::string_view reason) {
    out += fmt::format("{},{},{},{},{},{},{},{},{}\n", csv_field(r.target), csv_field(r.address), csv_field(id),
                       cls, verdict, csv_field(reaction), csv_field(reason), csv_field(r.fingerprint.family),
                       r.fingerprint.confidence);
  };
  if (r.results.empty() || !r.baseline.reachable) row("", "", state_of(r), "", r.baseline.error);
  for (const auto& p : r.results)
    if (p.probe != nullptr)
      row(p.probe->id, p.probe->hclass, to_string(p.classification.verdict), p.reaction.describe(), p.classification.reason);
  return out;
}

SummaryRow summarize(const HostReport& r) {
  SummaryRow s{r.index, r.target, state_of(r), r.fingerprint.family, r.fingerprint.confidence, {}, {}};
  if (!r.fingerprint.version.empty()) s.family += " " + r.fingerprint.version;
  for (const auto& p : r.results) {
    if (p.probe == nullptr) continue;
    ++s.counts[static_cast<std::size_t>(p.classification.verdict)];
    if (is_finding(p.classification.verdict))
      s.findings.push_back(fmt::format("{}={}", p.probe->id, to_string(p.classification.verdict)));
  }
  return s;
}

std::string summary_table(std::vector<SummaryRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const SummaryRow& a, const SummaryRow& b) { return a.index < b.index; });
  std::string out = fmt::format("{:<24} {:<8} {:<24} {:<6} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4}  {}\n", "TARGET",
                                "STATE", "FAMILY", "CONF", "OK", "LEN", "DIV", "VULN", "INC", "N/A", "FINDINGS");
  std::size_t totals[6] = {};
  std::size_t with_findings = 0;
  for (const auto& r : rows) {
    std::string findings;
    for (const auto& f : r.findings) findings += (findings.empty() ? "" : " ") + f;
    out += fmt::format("{:<24} {:<8} {:<24} {:<6} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4}  {}\n", r.target, r.state,
                       r.family, r.confidence, r.counts[0], r.counts[1], r.counts[2], r.counts[3], r.counts[4],
                       r.counts[5], findings.empty() ? "-" : findings);
    for (std::size_t i = 0; i < 6; ++i) totals[i] += r.counts[i];
    if (!r.findings.empty()) ++with_findings;
  }
  out += fmt::format("{} hosts, {} with findings; probes: {} correct, {} lenient, {} divergent, {} vulnerable-pattern, "
                     "{} inconclusive, {} not applicable\n",
                     rows.size(), with_findings, totals[0], totals[1], totals[2], totals[3], totals[4], totals[5]);
  return out;
}

std::string probe_list(bool with_unsafe) {
  std::string out;
  for (const auto& p : catalogue()) {
    if (p.safety == Safety::unsafe && !with_unsafe) continue;
    std::string expected;
    for (const auto& e : p.expected) expected += (expected.empty() ? "" : " | ") + e.describe();
    out += fmt::format("{:<34} {:<4} {:<6} {}\n    sends:    {}\n    expected: {}\n    safety:   {}\n    evidence: {}\n",
                       p.id, p.hclass, p.safety == Safety::safe ? "safe" : "UNSAFE", p.title, p.sends, expected,
                       p.why_safe, p.evidence);
  }
  return out;
}

std::string probe_list_jsonl() {
  std::string out;
  for (const auto& p : catalogue()) {
    nlohmann::json expected = nlohmann::json::array();
    for (const auto& e : p.expected) expected.push_back(e.describe());
    nlohmann::json accepting = nlohmann::json::array();
    for (const auto& e : p.accepting) accepting.push_back(e.describe());
    out += nlohmann::json{{"id", p.id},
                          {"class", p.hclass},
                          {"safety", p.safety == Safety::safe ? "safe" : "unsafe"},
                          {"title", p.title},
                          {"sends", p.sends},
                          {"after_bind", p.after_bind},
                          {"needs_dcom", p.needs_dcom},
                          {"expected", expected},
                          {"lenient_if", accepting},
                          {"why_safe", p.why_safe},
                          {"evidence", p.evidence}}
               .dump() +
           "\n";
  }
  return out;
}

}  // namespace rampart::probe
