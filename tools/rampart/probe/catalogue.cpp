// The catalogue, its selection, and the text forms of the probe model.
#include "catalogue.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "catalogue_util.hpp"
#include "rampart/pdu/constants.hpp"
#include "rampart/pdu/status.hpp"

namespace rampart::probe {

std::string_view to_string(ReactionKind k) noexcept {
  switch (k) {
    case ReactionKind::bind_ack: return "bind_ack";
    case ReactionKind::bind_nak: return "bind_nak";
    case ReactionKind::alter_context_resp: return "alter_context_resp";
    case ReactionKind::fault: return "fault";
    case ReactionKind::response: return "response";
    case ReactionKind::closed: return "close";
    case ReactionKind::silence: return "silence";
    case ReactionKind::malformed: return "malformed";
    case ReactionKind::connect_failed: return "connect_failed";
  }
  return "?";
}

std::string_view to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::correct: return "correct";
    case Verdict::lenient: return "lenient";
    case Verdict::divergent: return "divergent";
    case Verdict::vulnerable_pattern: return "vulnerable-pattern";
    case Verdict::inconclusive: return "inconclusive";
    case Verdict::not_applicable: return "not-applicable";
  }
  return "?";
}

bool is_finding(Verdict v) noexcept {
  return v == Verdict::lenient || v == Verdict::divergent || v == Verdict::vulnerable_pattern;
}

namespace {

std::string code_text(ReactionKind k, std::uint32_t code) {
  switch (k) {
    case ReactionKind::bind_nak: {
      auto name = pdu::to_string(static_cast<pdu::RejectReason>(code));
      return fmt::format(" reason {}{}", code, name.empty() ? "" : fmt::format(" ({})", name));
    }
    case ReactionKind::fault:
    case ReactionKind::response: {
      auto name = pdu::status::name(code);
      if (k == ReactionKind::response) return fmt::format(" status 0x{:08x}", code);
      return fmt::format(" 0x{:08x}{}", code, name.empty() ? "" : fmt::format(" ({})", name));
    }
    case ReactionKind::bind_ack:
    case ReactionKind::alter_context_resp: return fmt::format(" result {}", code);
    default: return {};
  }
}

}  // namespace

std::string Reaction::describe() const {
  std::string s{to_string(kind)};
  if (kind == ReactionKind::bind_nak || kind == ReactionKind::fault || kind == ReactionKind::bind_ack ||
      kind == ReactionKind::alter_context_resp || kind == ReactionKind::response)
    s += code_text(kind, code);
  if (did_not_execute) s += " did-not-execute";
  if (extended_error) s += " extended-error";
  if (closed_after) s += ", then close";
  return s;
}

bool Expected::matches_kind_and_code(const Reaction& r) const noexcept {
  return r.kind == kind && (!code || *code == r.code);
}

std::string Expected::describe() const {
  std::string s{to_string(kind)};
  if (code) s += code_text(kind, *code);
  if (close_after) s += *close_after ? ", then close" : ", connection kept";
  return s;
}

const std::vector<Probe>& catalogue() {
  static const std::vector<Probe> all = [] {
    std::vector<Probe> v;
    detail::add_bind_probes(v);
    detail::add_call_probes(v);
    detail::add_name_handle_probes(v);
    detail::add_dcom_probes(v);
    detail::add_auth_probes(v);
    return v;
  }();
  return all;
}

const Probe* find_probe(std::string_view id) {
  for (const auto& p : catalogue())
    if (p.id == id) return &p;
  return nullptr;
}

std::vector<const Probe*> select_probes(bool unsafe, std::span<const std::string> only, std::vector<std::string>& unknown) {
  for (const auto& name : only) {
    const bool known = std::any_of(catalogue().begin(), catalogue().end(),
                                   [&](const Probe& p) { return p.id == name || p.hclass == name; });
    if (!known) unknown.push_back(name);
  }
  std::vector<const Probe*> out;
  for (const auto& p : catalogue()) {
    if (p.safety == Safety::unsafe && !unsafe) continue;
    if (!only.empty() && std::none_of(only.begin(), only.end(),
                                      [&](const std::string& n) { return p.id == n || p.hclass == n; }))
      continue;
    out.push_back(&p);
  }
  return out;
}

}  // namespace rampart::probe
