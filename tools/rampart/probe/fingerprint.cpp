// Fingerprint rules (docs/probe.md, "Fingerprint"). Each rule names the
// observation it rests on; a family is claimed only when a marker specific
// to it was seen, and a version only when a behaviour dates it.
#include "fingerprint.hpp"

#include <algorithm>


namespace rampart::probe {

namespace {

const ProbeResult* result_of(const std::vector<ProbeResult>& results, std::string_view id) {
  for (const auto& r : results)
    if (r.probe != nullptr && r.probe->id == id) return &r;
  return nullptr;
}

bool verdict_is(const std::vector<ProbeResult>& results, std::string_view id, Verdict v) {
  const auto* r = result_of(results, id);
  return r != nullptr && r->classification.verdict == v;
}

bool reaction_is(const std::vector<ProbeResult>& results, std::string_view id, ReactionKind k) {
  const auto* r = result_of(results, id);
  return r != nullptr && r->reaction.kind == k;
}

// The strict fragment checks Samba added for CVE-2015-5370 (4.2.11, 4.3.8,
// 4.4.2, April 2016) are what the C3 probes test.
bool strict_fragments(const std::vector<ProbeResult>& results) {
  return verdict_is(results, "c3.middle-fragment-alone", Verdict::correct) &&
         verdict_is(results, "c3.first-twice", Verdict::correct);
}

bool any_extended_error(const std::vector<ProbeResult>& results) {
  return std::any_of(results.begin(), results.end(), [](const ProbeResult& r) { return r.reaction.extended_error; });
}

Fingerprint samba(const Baseline& b, const std::vector<ProbeResult>& results) {
  Fingerprint f{"Samba", "4", "medium", {}};
  f.evidence.push_back("ept_lookup returned entries together with ept_s_not_registered (Samba's epmapper; Windows "
                       "returns status 0 while entries remain)");
  int extra = 0;
  if (verdict_is(results, "c7.lookup-max-ents-over-range", Verdict::lenient)) {
    f.evidence.push_back("max_ents 501 was served: no [range(0,500)] check (pidl's epmapper IDL has none)");
    ++extra;
  }
  if (reaction_is(results, "c6.unknown-assoc-group", ReactionKind::closed)) {
    f.evidence.push_back("an unknown association group closed the connection instead of bind_nak");
    ++extra;
  }
  if (std::find(b.annotations.begin(), b.annotations.end(), "epmapper") != b.annotations.end()) {
    f.evidence.push_back("the endpoint mapper's own entry is annotated \"epmapper\" (Samba's registration)");
    ++extra;
  }
  if (!b.dcom_offered) {
    f.evidence.push_back("no DCOM on port 135 (ServerAlive2 not answered): Samba serves none, Windows' RPCSS always "
                         "does");
    ++extra;
  }
  if (extra >= 2) f.confidence = "high";
  if (strict_fragments(results)) {
    f.version = "4 (2016 or later)";
    f.evidence.push_back("strict fragment checks (C3 probes correct): the CVE-2015-5370 hardening of April 2016");
  }
  return f;
}

// The DCOM interfaces RPCSS serves on the endpoint mapper's own port
// ([MS-DCOM] 1.7, 3.1.2.5): IObjectExporter and IRemoteSCMActivator.
bool serves_dcom_on_135(const Baseline& b) {
  static constexpr std::string_view kDcom[] = {"99fcfec4-5260-101b-bbcb-00aa0021347a",
                                               "000001a0-0000-0000-c000-000000000046"};
  return std::any_of(b.mgmt_interfaces.begin(), b.mgmt_interfaces.end(), [](const std::string& u) {
    return std::find(std::begin(kDcom), std::end(kDcom), u) != std::end(kDcom);
  });
}

Fingerprint windows_like(const Baseline& b, const std::vector<ProbeResult>& results) {
  Fingerprint f{"Windows", "", "low", {}};
  f.evidence.push_back("no Samba or rampartd marker");
  if (b.lookup_ok && !b.status_with_entries)
    f.evidence.push_back("ept_lookup pages with status 0 while entries remain (Windows' paging)");
  int markers = 0;
  // One marker however it was seen: both say that RPCSS serves DCOM on 135.
  if (serves_dcom_on_135(b) || b.dcom_offered) {
    ++markers;
    if (serves_dcom_on_135(b))
      f.evidence.push_back("mgmt inq_if_ids on port 135 lists the DCOM object exporter or SCM activator, which "
                           "Windows' RPCSS serves beside the endpoint mapper");
    if (b.dcom_offered)
      f.evidence.push_back("ServerAlive2 answered on port 135 (COM version " + b.dcom_version +
                           "): DCOM, which Windows' RPCSS serves beside the endpoint mapper and Samba does not");
  }
  if (any_extended_error(results)) {
    ++markers;
    f.version = "XP/2003 or later";
    f.evidence.push_back("bind_nak carries the extended-error signature ([MS-RPCE] 2.2.2.9); extended error "
                         "information appeared in Windows XP");
  }
  f.confidence = markers == 0 ? "low" : markers == 1 ? "medium" : "high";
  return f;
}

// rampartd annotates its own entry; an annotation can be copied, so the
// claim is high only when the behaviour agrees: Windows' paging, and the
// refusals where Samba's epmapper (the other open stack) accepts or closes.
Fingerprint rampartd(const Baseline& b, const std::vector<ProbeResult>& results) {
  Fingerprint f{"rampartd", "", "medium", {"the endpoint mapper's own entry is annotated \"rampartd endpoint mapper\""}};
  if (b.status_with_entries) {
    f.evidence.push_back("but ept_lookup returned entries with ept_s_not_registered, as Samba does and rampartd does not");
    return f;
  }
  f.evidence.push_back("ept_lookup pages as Windows does");
  if (verdict_is(results, "c7.lookup-max-ents-over-range", Verdict::correct) &&
      verdict_is(results, "c6.unknown-assoc-group", Verdict::correct)) {
    f.confidence = "high";
    f.evidence.push_back("max_ents 501 refused and an unknown association group answered with bind_nak, where "
                         "Samba's epmapper serves the one and closes on the other");
  }
  return f;
}

}  // namespace

Fingerprint fingerprint(const Baseline& b, const std::vector<ProbeResult>& results) {
  if (!b.reachable) return {"unknown", "", "none", {"no connection: " + b.error}};
  if (!b.bound) return {"unknown", "", "none", {"the endpoint mapper bind was refused: " + b.bind_reaction.describe()}};
  if (std::find(b.annotations.begin(), b.annotations.end(), "rampartd endpoint mapper") != b.annotations.end())
    return rampartd(b, results);
  if (b.status_with_entries) return samba(b, results);
  if (!b.lookup_ok) return {"unknown", "", "none", {"ept_lookup did not complete: " + b.error}};
  // Windows' RPCSS always lists its own interfaces; an empty map is not one.
  if (b.entries == 0) return {"unknown", "", "none", {"the endpoint map is empty"}};
  return windows_like(b, results);
}

}  // namespace rampart::probe
