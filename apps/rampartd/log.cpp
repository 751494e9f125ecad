#include "log.hpp"

#include <atomic>
#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace rampartd::log {

namespace {

std::atomic<bool> g_json{false};

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("rampartd", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->flush_on(spdlog::level::trace);  // a daemon's log must not lag behind a crash
    return l;
  }();
  return *instance;
}

// Text values with spaces, quotes or '=' are quoted so lines stay parseable.
std::string text_value(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \"=\t\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\t') ? ' ' : c;
  }
  return out + "\"";
}

}  // namespace

std::string json_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void configure(LogFormat format, std::string_view level) {
  auto& l = logger();
  const bool json = format == LogFormat::json;
  g_json = json;
  // UTC with an explicit Z, so lines from different hosts sort together.
  l.set_pattern(json ? R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                spdlog::pattern_time_type::utc);
  l.set_level(spdlog::level::from_str(std::string(level)));
}

bool enabled(spdlog::level::level_enum level) { return logger().should_log(level); }

void event(spdlog::level::level_enum level, std::string_view message, std::initializer_list<Field> fields) {
  auto& l = logger();
  if (!l.should_log(level)) return;
  std::string line;
  if (g_json) {
    line = "\"message\":\"" + json_escape(message) + "\"";
    for (const auto& f : fields) {
      line += ",\"" + json_escape(f.key) + "\":";
      line += f.number ? f.value : "\"" + json_escape(f.value) + "\"";
    }
  } else {
    line = std::string(message);
    for (const auto& f : fields) line += " " + std::string(f.key) + "=" + text_value(f.value);
  }
  l.log(level, "{}", line);
}

}  // namespace rampartd::log
