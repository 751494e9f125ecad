// Printing probe results: JSON lines (one object per host), CSV (one row
// per probe per host), and the human summary table.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report_types.hpp"

namespace rampart::probe {

enum class Format : std::uint8_t { table, jsonl, csv };

[[nodiscard]] nlohmann::json to_json(const HostReport& r);
/// The CSV header line and the rows of one host (RFC 4180 quoting).
[[nodiscard]] std::string csv_header();
[[nodiscard]] std::string to_csv(const HostReport& r);
/// What the summary keeps of a host (the full report is printed and dropped).
struct SummaryRow {
  std::size_t index = 0;
  std::string target;
  std::string state;  // "probed", "down", "no-bind"
  std::string family;
  std::string confidence;
  std::size_t counts[6] = {};  // by Verdict
  std::vector<std::string> findings;  // probe ids with a finding
};
[[nodiscard]] SummaryRow summarize(const HostReport& r);
/// One line per host in target order: target, state, family, confidence,
/// verdict counts, the ids of the probes with findings; then the totals.
[[nodiscard]] std::string summary_table(std::vector<SummaryRow> rows);
/// The probe list for `--list`: text, or one JSON object per probe.
[[nodiscard]] std::string probe_list(bool with_unsafe);
[[nodiscard]] std::string probe_list_jsonl();

}  // namespace rampart::probe
