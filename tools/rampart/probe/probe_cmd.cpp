// `rampart probe`: the command line (see rampart(1), PROBE, and docs/probe.md).
#include "probe_cmd.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "auth_options.hpp"
#include "catalogue.hpp"
#include "engine.hpp"
#include "report.hpp"
#include "targets.hpp"

namespace rampart::cli {

namespace {

using namespace rampart::probe;

struct ProbeArgs {
  std::vector<std::string> targets;
  std::string targets_file;
  std::string format = "table";
  std::string output;
  std::vector<std::string> only;
  bool unsafe = false;
  bool list = false;
  bool force = false;
  bool quiet = false;
  bool no_progress = false;
  std::size_t max_hosts = 0;
  std::uint16_t port = 135;
  double timeout = 2.0;
  double connect_timeout = 3.0;
  unsigned linger_ms = 300;
  unsigned concurrency = 128;
  unsigned per_host = 4;
  double rate = 0;
};

// A progress bar on standard error, redrawn at most every 100 ms.
class Progress {
 public:
  Progress(bool enabled, std::size_t total) : enabled_(enabled), total_(total) {}
  void step() {
    ++done_;
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done_ != total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const std::size_t width = 40;
    const std::size_t filled = total_ == 0 ? width : done_ * width / total_;
    std::fprintf(stderr, "\r[%s%s] %zu/%zu probes", std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done_, total_);
    if (done_ == total_) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

std::expected<std::vector<std::string>, std::string> collect_targets(const ProbeArgs& a) {
  const std::size_t limit =
      a.force ? (a.max_hosts != 0 ? std::min(a.max_hosts, TargetLimits::kForcedMax) : TargetLimits::kForcedMax)
              : (a.max_hosts != 0 ? std::min(a.max_hosts, TargetLimits{}.max_hosts) : TargetLimits{}.max_hosts);
  std::vector<std::string> out;
  for (const auto& t : a.targets)
    if (auto ok = expand_target(t, limit, out); !ok) return std::unexpected(ok.error());
  if (!a.targets_file.empty())
    if (auto ok = read_targets_file(a.targets_file, limit, out); !ok) return std::unexpected(ok.error());
  if (out.empty()) return std::unexpected(std::string("no targets (give hosts, CIDR ranges or --targets-file)"));
  return out;
}

EngineOptions engine_options(const ProbeArgs& a) {
  EngineOptions o;
  o.port = a.port;
  o.reply_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout * 1000));
  o.connect_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(a.connect_timeout * 1000));
  o.linger = std::chrono::milliseconds(a.linger_ms);
  o.global_concurrency = a.concurrency;
  o.per_host = a.per_host;
  o.rate = a.rate;
  return o;
}

int run_probe(const ProbeArgs& a, const CommonOptions& common) {
  if (a.list) {
    const bool json = common.json || a.format == "jsonl";
    std::fputs(json ? probe_list_jsonl().c_str() : probe_list(true).c_str(), stdout);
    return kExitOk;
  }
  std::vector<std::string> unknown;
  const auto probes = select_probes(a.unsafe, a.only, unknown);
  if (!unknown.empty()) return report_failure(common, "probe", "unknown probe or class: " + unknown.front(), kExitUsage);
  if (probes.empty()) return report_failure(common, "probe", "no probe selected (unsafe ones need --unsafe)", kExitUsage);
  auto targets = collect_targets(a);
  if (!targets) return report_failure(common, "probe", targets.error(), kExitUsage);
  if (a.unsafe)
    std::fputs("rampart probe: WARNING: --unsafe sends probes that can crash vulnerable hosts; probe only hosts you "
               "own and may take down\n",
               stderr);
  const Format format = common.json || a.format == "jsonl" ? Format::jsonl : a.format == "csv" ? Format::csv : Format::table;
  std::ofstream file;
  if (!a.output.empty()) {
    file.open(a.output);
    if (!file) return report_failure(common, "probe", "cannot write " + a.output, kExitFailure);
  }
  std::ostream& out = a.output.empty() ? std::cout : file;
  if (format == Format::csv) out << csv_header();

  EngineOptions o = engine_options(a);
  // One credential for every host; the service name is --spn, or host@ each
  // target's own name.
  std::string auth_error;
  o.auth = make_client_auth(common.auth, targets->front(), auth_error);
  o.auth_target_per_host = common.auth.spn.empty();
  if (!auth_error.empty()) return report_failure(common, "probe", auth_error, kExitUsage);
  Progress progress(!a.no_progress && isatty(STDERR_FILENO) != 0, targets->size() * probes.size());
  std::vector<SummaryRow> rows;
  bool any_reachable = false, any_finding = false, any_vulnerable = false;
  EngineCallbacks cb;
  cb.on_probe_done = [&] { progress.step(); };
  cb.on_host_done = [&](HostReport&& r) {
    any_reachable |= r.baseline.reachable;
    any_finding |= r.has_finding();
    any_vulnerable |= r.has_vulnerable_pattern();
    if (format == Format::jsonl) out << to_json(r).dump() << '\n';
    if (format == Format::csv) out << to_csv(r);
    out.flush();
    rows.push_back(summarize(r));
  };
  run_engine(*targets, probes, o, cb);
  // The table is the result in table format; beside JSON or CSV it goes to
  // standard error so standard output stays machine-readable.
  if (format == Format::table)
    out << summary_table(rows);
  else if (!a.quiet)
    std::fputs(summary_table(rows).c_str(), stderr);
  if (any_vulnerable) return kExitProbeVulnerable;
  if (any_finding) return kExitProbeFinding;
  return any_reachable ? kExitOk : kExitFailure;
}

}  // namespace

void add_probe_command(CLI::App& app, CommonOptions& common, Action& action) {
  auto a = std::make_shared<ProbeArgs>();
  auto* sub = app.add_subcommand("probe", "check endpoint mappers for the flaws of MS03-010/026/039, safely");
  add_common_options(*sub, common, false);
  // -U, --password-file, --spn, ...: with credentials the authenticated
  // probes run too (at packet integrity, whatever --auth-level says).
  add_auth_options(*sub, common.auth);
  sub->add_option("targets", a->targets, "hosts, addresses or IPv4 CIDR ranges");
  sub->add_option("-f,--targets-file", a->targets_file, "a file of targets, one per line ('#' comments)");
  sub->add_option("--format", a->format, "table, jsonl or csv (--json = jsonl)")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "jsonl", "csv"}));
  sub->add_option("-o,--output", a->output, "write the results to FILE instead of standard output");
  // One value per --probe, so that targets may follow it.
  sub->add_option("--probe", a->only, "run only this probe id or class (C1, C6, ...); repeatable")
      ->allow_extra_args(false);
  sub->add_flag("--unsafe", a->unsafe, "also send the probes that can crash a vulnerable host");
  sub->add_flag("--list", a->list, "list every probe, what it sends, its expected reaction and why it is safe");
  sub->add_flag("--force", a->force, "allow more than 4096 hosts (up to --max-hosts, at most 1048576)");
  sub->add_option("--max-hosts", a->max_hosts, "the most hosts the targets may expand to");
  sub->add_flag("-q,--quiet", a->quiet, "no summary table beside jsonl or csv output");
  sub->add_flag("--no-progress", a->no_progress, "no progress bar (it appears only on a terminal anyway)");
  sub->add_option("--port", a->port, "TCP port of the endpoint mapper")->capture_default_str()->check(CLI::Range(1, 65535));
  sub->add_option("--timeout", a->timeout, "seconds to wait for each reply (and for silence)")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 60.0));
  sub->add_option("--connect-timeout", a->connect_timeout, "seconds to wait for each connection")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 60.0));
  sub->add_option("--linger", a->linger_ms, "milliseconds to watch for a close after a reply")
      ->capture_default_str()
      ->check(CLI::Range(10u, 10000u));
  sub->add_option("-j,--concurrency", a->concurrency, "connections open at once, all hosts together")
      ->capture_default_str()
      ->check(CLI::Range(1u, 4096u));
  sub->add_option("--per-host", a->per_host, "connections open at once to one host")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  sub->add_option("--rate", a->rate, "new connections per second, all hosts together (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  sub->footer(
      "Exit status: 0 no finding, 1 no host reachable or an error, 2 usage, 4 a finding (lenient or divergent), "
      "5 a vulnerable-pattern finding.");
  sub->callback([a, &common, &action] { action = [a, &common] { return run_probe(*a, common); }; });
}

}  // namespace rampart::cli
