// What `rampart probe` learns about one host: the baseline conversation
// (bind and ept_lookup, the fingerprint's inputs), each probe's result and
// the fingerprint drawn from both.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "classifier.hpp"
#include "probe.hpp"

namespace rampart::probe {

/// A well-behaved session with the endpoint mapper, run before the probes.
struct Baseline {
  bool reachable = false;  // TCP connected
  std::string error;       // why not, or why the session stopped
  bool bound = false;      // the EPM bind was accepted
  Reaction bind_reaction;  // what the bind got
  // From the bind_ack to a bind offering 65535/65535 (C706 12.6.4.4).
  std::uint16_t max_xmit_frag = 0;
  std::uint16_t max_recv_frag = 0;
  std::uint32_t assoc_group_id = 0;
  std::string secondary_address;
  // ept_lookup of everything, paged ([MS-RPCE] 3.1.2.1).
  bool lookup_ok = false;
  std::size_t pages = 0;
  std::size_t entries = 0;
  std::uint32_t final_status = 0;
  /// A page carried entries together with ept_s_not_registered (Samba does;
  /// Windows returns status 0 while entries remain).
  bool status_with_entries = false;
  std::vector<std::string> annotations;  // distinct, at most kMaxKept
  std::vector<std::string> interfaces;   // distinct interface UUIDs, at most kMaxKept
  // mgmt inq_if_ids on the same association (C706 Appendix Q): the
  // interfaces the process behind port 135 itself serves.
  bool mgmt_ok = false;
  std::string mgmt_error;
  std::vector<std::string> mgmt_interfaces;  // at most kMaxKept
  // IObjectExporter::ServerAlive2 on an alter_context of the same
  // association ([MS-DCOM] 3.1.2.5.1.6): whether the host offers DCOM, and
  // the addresses its bindings disclose to an anonymous caller.
  bool dcom_offered = false;
  std::string dcom_error;
  std::string dcom_version;                // "5.7"
  std::vector<std::string> dcom_bindings;  // "tower_id:address", "sec authn_svc:principal"

  static constexpr std::size_t kMaxKept = 64;
};

struct ProbeResult {
  const Probe* probe = nullptr;
  Reaction reaction;
  std::optional<bool> alive_after;
  Classification classification;
  std::chrono::milliseconds elapsed{0};
};

struct Fingerprint {
  std::string family;      // "Windows", "Samba", "rampartd", "unknown"
  std::string version;     // "4.x", "" when not known
  std::string confidence;  // "high", "medium", "low", "none"
  std::vector<std::string> evidence;
};

struct HostReport {
  std::size_t index = 0;  // position in the target list
  std::string target;   // as given
  std::string address;  // the address connected to
  Baseline baseline;
  std::vector<ProbeResult> results;
  Fingerprint fingerprint;
  std::chrono::milliseconds elapsed{0};

  [[nodiscard]] std::size_t count(Verdict v) const noexcept;
  [[nodiscard]] bool has_finding() const noexcept;
  [[nodiscard]] bool has_vulnerable_pattern() const noexcept;
};

}  // namespace rampart::probe
