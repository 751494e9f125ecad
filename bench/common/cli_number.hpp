// Strict number parsing for the benchmark drivers' command lines.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace rampart::bench {

/// The whole of `s` as a T, or nullopt (no sign games, no trailing text).
template <class T>
[[nodiscard]] std::optional<T> parse_number(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace rampart::bench
