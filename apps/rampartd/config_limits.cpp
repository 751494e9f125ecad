// [limits] and [limits.fragments]: every runtime::ServerLimits field by its
// own name; durations carry an _ms suffix. Out-of-range values are errors.
#include "config_limits.hpp"

#include <limits>

namespace rampartd::cfg {

namespace {

using rampart::runtime::FragmentLimits;
using rampart::runtime::ServerLimits;

constexpr std::int64_t kMaxCount = std::numeric_limits<std::int32_t>::max();
// A day: longer timeouts are configuration mistakes, not policies.
constexpr std::int64_t kMaxMs = 24LL * 60 * 60 * 1000;
// C706 12.6.3.1: every implementation accepts fragments of 1432 octets.
constexpr std::int64_t kMinFrag = 1432;

struct CountField {
  std::string_view name;
  std::size_t ServerLimits::*member;
};
constexpr CountField kCounts[] = {
    {"max_connections", &ServerLimits::max_connections},
    {"max_connections_per_source", &ServerLimits::max_connections_per_source},
    {"max_pending_calls", &ServerLimits::max_pending_calls},
    {"max_contexts", &ServerLimits::max_contexts},
    {"max_association_groups", &ServerLimits::max_association_groups},
    {"max_lookup_handles", &ServerLimits::max_lookup_handles},
    {"max_send_queue", &ServerLimits::max_send_queue},
    {"max_auth_contexts", &ServerLimits::max_auth_contexts},
    {"max_held_input", &ServerLimits::max_held_input},
};

struct DurationField {
  std::string_view name;
  std::chrono::milliseconds ServerLimits::*member;
};
constexpr DurationField kDurations[] = {
    {"header_timeout_ms", &ServerLimits::header_timeout}, {"pdu_timeout_ms", &ServerLimits::pdu_timeout},
    {"idle_timeout_ms", &ServerLimits::idle_timeout},     {"bind_timeout_ms", &ServerLimits::bind_timeout},
    {"call_timeout_ms", &ServerLimits::call_timeout},
};

struct FragField {
  std::string_view name;
  std::uint16_t ServerLimits::*member;
};
constexpr FragField kFrags[] = {{"min_frag", &ServerLimits::min_frag}, {"max_frag", &ServerLimits::max_frag}};

struct FragmentField {
  std::string_view name;
  std::size_t FragmentLimits::*member;
};
constexpr FragmentField kFragments[] = {
    {"max_stub", &FragmentLimits::max_stub},
    {"max_fragments", &FragmentLimits::max_fragments},
    {"max_concurrent_calls", &FragmentLimits::max_concurrent_calls},
    {"max_initial_reserve", &FragmentLimits::max_initial_reserve},
};

Status parse_fragments(const toml::table& t, FragmentLimits& out) {
  for (auto&& [key, node] : t) {
    bool known = false;
    for (const auto& f : kFragments) {
      if (key.str() != f.name) continue;
      out.*f.member = static_cast<std::size_t>(CFG_TRY(integer(node, f.name, 1, kMaxCount)));
      known = true;
    }
    if (!known) return error_at(key.source(), "unknown key '" + std::string(key.str()) + "' in [limits.fragments]");
  }
  return {};
}

// One key of [limits]; false when the name is not a limit.
std::expected<bool, std::string> parse_one(std::string_view name, const toml::node& node, ServerLimits& out) {
  for (const auto& f : kCounts) {
    if (name != f.name) continue;
    out.*f.member = static_cast<std::size_t>(CFG_TRY(integer(node, name, 1, kMaxCount)));
    return true;
  }
  for (const auto& f : kDurations) {
    if (name != f.name) continue;
    out.*f.member = std::chrono::milliseconds(CFG_TRY(integer(node, name, 1, kMaxMs)));
    return true;
  }
  for (const auto& f : kFrags) {
    if (name != f.name) continue;
    out.*f.member = static_cast<std::uint16_t>(CFG_TRY(integer(node, name, kMinFrag, 65535)));
    return true;
  }
  if (name == "fragments") {
    if (!node.is_table()) return error_at(node.source(), "'fragments' must be a table");
    CFG_CHECK(parse_fragments(*node.as_table(), out.fragments));
    return true;
  }
  return false;
}

}  // namespace

Status parse_limits(const toml::table& t, ServerLimits& out) {
  for (auto&& [key, node] : t) {
    if (!CFG_TRY(parse_one(key.str(), node, out))) {
      return error_at(key.source(), "unknown key '" + std::string(key.str()) + "' in [limits]");
    }
  }
  if (out.min_frag > out.max_frag) {
    return error_at(t.source(), "[limits] min_frag must not exceed max_frag");
  }
  return {};
}

}  // namespace rampartd::cfg
