// rampartd's log: one line per event on stderr, as text
// ("2024-05-01T12:00:00.123Z warning protocol error peer=... code=...") or
// as JSON lines ({"time":...,"level":...,"message":...,"peer":...}).
// Format and level can change at run time (SIGHUP).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <spdlog/common.h>

#include "config.hpp"

namespace rampartd::log {

struct Field {
  std::string_view key;
  std::string value;
  bool number = false;  // JSON: written without quotes
};

[[nodiscard]] inline Field num(std::string_view key, std::uint64_t v) { return {key, std::to_string(v), true}; }

/// Sets up the stderr logger, or changes its format and level.
void configure(LogFormat format, std::string_view level);
[[nodiscard]] bool enabled(spdlog::level::level_enum level);
void event(spdlog::level::level_enum level, std::string_view message, std::initializer_list<Field> fields = {});

/// JSON string escaping (RFC 8259 section 7), exposed for tests.
[[nodiscard]] std::string json_escape(std::string_view text);

}  // namespace rampartd::log
