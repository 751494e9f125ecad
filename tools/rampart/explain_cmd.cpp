// rampart explain FILE|-...: see explain.hpp for what is checked.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include "cli_common.hpp"
#include "commands.hpp"
#include "explain.hpp"

namespace rampart::cli {

namespace {

struct ExplainOptions {
  std::vector<std::string> inputs;
  std::string format = "auto";
  bool separate = false;
  bool violations_only = false;
};

std::string indent(std::string_view text, std::string_view prefix) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto nl = text.find('\n', at);
    const auto line = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    out += fmt::format("{}{}\n", prefix, line);
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return out;
}

void print_text(const PduReport& r) {
  std::string head = fmt::format("#{} stream {} {}", r.index, r.stream, to_string(r.direction));
  if (r.frame) head += fmt::format(" frame {}", r.frame);
  head += fmt::format(" ({}, offset {}, {} octets)", r.source, r.offset, r.length);
  std::string body = r.describe.empty() ? "" : indent(r.describe, "  ");
  if (!r.interface.empty()) body += fmt::format("  interface: {}\n", r.interface);
  if (!r.stub.empty()) body += indent(r.stub, "  ");
  else if (!r.operation.empty()) body += fmt::format("  operation: {}\n", r.operation);
  for (const auto& n : r.notes) body += fmt::format("  note: {}\n", n);
  if (r.violation)
    body += fmt::format("  verdict: rejected: {}\n  phase: {}\n  reaction: {}\n", r.violation->message,
                        r.violation->phase, r.violation->reaction);
  else
    body += "  verdict: accepted\n";
  std::fputs(fmt::format("{}\n{}\n", head, body).c_str(), stdout);
}

nlohmann::json to_json(const PduReport& r) {
  nlohmann::json j = {{"index", r.index},   {"stream", r.stream}, {"direction", to_string(r.direction)},
                      {"source", r.source}, {"offset", r.offset}, {"length", r.length},
                      {"ptype", r.ptype},   {"notes", r.notes},   {"verdict", r.violation ? "rejected" : "accepted"}};
  if (r.frame) j["frame"] = r.frame;
  if (!r.describe.empty()) j["describe"] = r.describe;
  if (!r.interface.empty()) j["interface"] = r.interface;
  if (!r.operation.empty()) j["operation"] = r.operation;
  if (!r.stub.empty()) j["stub"] = r.stub;
  if (r.violation)
    j["violation"] = {{"rule", r.violation->rule},
                      {"message", r.violation->message},
                      {"phase", r.violation->phase},
                      {"reaction", r.violation->reaction}};
  return j;
}

// Loads every input. Hex and raw files in one directory form one
// conversation (a golden session's NN-dir-ptype.hex files) unless
// --separate; each capture's TCP connections get streams of their own.
std::optional<LoadedInput> load_all(const ExplainOptions& o, InputFormat format, std::string& error) {
  LoadedInput all;
  std::size_t next_stream = 0;
  std::optional<std::string> last_dir;
  const InputLimits limits;
  for (const auto& path : o.inputs) {
    auto bytes = read_all(path, limits.max_file_octets, error);
    if (!bytes) return std::nullopt;
    const InputFormat f = format == InputFormat::automatic ? detect_format(*bytes) : format;
    const std::string dir = std::filesystem::path(path).parent_path().string();
    std::size_t stream = next_stream;
    if (f != InputFormat::pcap && !o.separate && last_dir == dir && next_stream > 0) stream = next_stream - 1;
    auto loaded = load_input(path, std::move(*bytes), f, stream, limits, error);
    if (!loaded) return std::nullopt;
    for (auto& c : loaded->chunks) {
      next_stream = std::max(next_stream, c.stream + 1);
      all.chunks.push_back(std::move(c));
    }
    all.notes.insert(all.notes.end(), loaded->notes.begin(), loaded->notes.end());
    last_dir = f == InputFormat::pcap ? std::nullopt : std::optional(dir);
  }
  return all;
}

int run_explain(const ExplainOptions& o, const CommonOptions& common) {
  const auto format = parse_input_format(o.format);
  std::string error;
  auto loaded = load_all(o, *format, error);
  if (!loaded) return report_failure(common, "explain", error, kExitFailure);
  auto result = explain(loaded->chunks);
  result.notes.insert(result.notes.begin(), loaded->notes.begin(), loaded->notes.end());
  std::set<std::size_t> streams;
  for (const auto& r : result.pdus) streams.insert(r.stream);
  const std::size_t rejected = result.violations();
  if (common.json) {
    nlohmann::json pdus = nlohmann::json::array();
    for (const auto& r : result.pdus)
      if (!o.violations_only || r.violation) pdus.push_back(to_json(r));
    print_json({{"command", "explain"},
                {"ok", rejected == 0},
                {"pdus", pdus},
                {"notes", result.notes},
                {"summary",
                 {{"pdus", result.pdus.size()}, {"streams", streams.size()}, {"accepted", result.pdus.size() - rejected},
                  {"rejected", rejected}}}});
  } else {
    for (const auto& r : result.pdus)
      if (!o.violations_only || r.violation) print_text(r);
    for (const auto& n : result.notes) std::fprintf(stdout, "note: %s\n", n.c_str());
    std::fprintf(stdout, "%zu PDU(s) in %zu stream(s): %zu accepted, %zu rejected\n", result.pdus.size(),
                 streams.size(), result.pdus.size() - rejected, rejected);
  }
  return rejected == 0 ? kExitOk : kExitProtocol;
}

}  // namespace

void add_explain_command(CLI::App& app, CommonOptions& common, Action& action) {
  auto o = std::make_shared<ExplainOptions>();
  auto* sub = app.add_subcommand("explain", "decode PDUs from files or captures and say what Rampart makes of each");
  sub->add_option("inputs", o->inputs, "hex, raw or pcap/pcapng files; - reads standard input")
      ->required()
      ->type_name("FILE|-");
  sub->add_option("--format", o->format, "input format")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "hex", "raw", "pcap", "pcapng"}));
  sub->add_flag("--separate", o->separate, "treat each hex or raw file as a conversation of its own");
  sub->add_flag("--violations-only", o->violations_only, "print only the PDUs that break a rule");
  add_common_options(*sub, common, false);
  sub->callback([o, &common, &action] { action = [o, &common] { return run_explain(*o, common); }; });
}

}  // namespace rampart::cli
