// Hex helpers for describe() output, golden files and the explain command.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rampart {

/// "0a 1b 2c" (space-separated) when `spaced`, else "0a1b2c".
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes, bool spaced = false);

/// Parses hex text, ignoring whitespace, "0x" prefixes, ':' and ',' separators
/// and '#' comments to end of line. nullopt on a stray character or odd digit count.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view text);

}  // namespace rampart
