// Small formatting helpers shared by the describe() functions.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "rampart/interfaces/epm_types.hpp"
#include "rampart/ndr/types.hpp"

namespace rampart::epm::detail {

inline std::string uuid_or_null(const std::optional<Uuid>& u) {
  return u ? u->to_string() : std::string("NULL");
}

/// "  name: NULL\n" or "  name: N octets\n" followed by the tower lines.
inline std::string tower_lines(std::string_view name, const std::optional<Twr>& t) {
  if (!t) return fmt::format("  {}: NULL\n", name);
  return fmt::format("  {}:\n{}", name, t->describe("    "));
}

inline std::string handle_line(const ndr::ContextHandle& h) {
  return fmt::format("  entry_handle: {}\n", h.describe());
}

std::string entries_lines(const std::vector<EptEntry>& entries);

}  // namespace rampart::epm::detail
