#include "log.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace rampartd::log {

namespace {

std::atomic<bool> g_json{false};
std::atomic<bool> g_journal{false};

// systemd connects a service's stderr to journald and says so in
// $JOURNAL_STREAM ("DEVICE:INODE" of that stream, systemd.exec(5)); only
// then are events sent to the journal as structured entries.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  return ::fstat(2, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

// A journal field name: upper-case letters, digits and '_' (sd_journal_send(3)).
std::string journal_key(std::string_view key) {
  std::string out;
  for (const char c : key) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  return out;
}

int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 7;
    case spdlog::level::info: return 6;
    case spdlog::level::warn: return 4;
    case spdlog::level::err: return 3;
    default: return 2;
  }
}

// One journal entry: MESSAGE (the text line without its time), PRIORITY,
// and each field as RAMPART_<KEY>, so `journalctl RAMPART_UID=1000` finds
// a user's registrations.
void journal_event(spdlog::level::level_enum level, const std::string& text, std::string_view message,
                   std::initializer_list<Field> fields) {
  std::vector<std::string> items;
  items.reserve(fields.size() + 4);
  items.push_back("MESSAGE=" + text);
  items.push_back("PRIORITY=" + std::to_string(syslog_priority(level)));
  items.push_back("SYSLOG_IDENTIFIER=rampartd");
  items.push_back("RAMPART_EVENT=" + std::string(message));
  for (const auto& f : fields) items.push_back("RAMPART_" + journal_key(f.key) + "=" + f.value);
  std::vector<iovec> iov;
  iov.reserve(items.size());
  for (auto& item : items) iov.push_back({item.data(), item.size()});
  (void)sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

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
  g_journal = !json && stderr_is_journal();
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
  if (g_journal) {
    line = std::string(message);
    for (const auto& f : fields) line += " " + std::string(f.key) + "=" + text_value(f.value);
    return journal_event(level, line, message, fields);
  }
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
