#include "state_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rampartd {

using rampart::services::EndpointDatabase;
using rampart::services::Entry;

namespace {

// One entry per line: "OBJECT TOWER-HEX ANNOTATION-HEX" ("-" for none),
// after a version line. Hex keeps every octet of a tower or an annotation
// without quoting rules.
constexpr const char* kHeader = "rampartd-registrations 1";
constexpr std::size_t kMaxLine = 4096;  // a tower is at most a few hundred octets

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const auto b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text) {
  if (text == "-") return std::vector<std::uint8_t>{};
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    unsigned v = 0;
    if (std::sscanf(std::string(text.substr(i, 2)).c_str(), "%2x", &v) != 1) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

std::optional<Entry> parse_line(const std::string& line) {
  std::istringstream in(line);
  std::string object, tower, annotation;
  if (!(in >> object >> tower >> annotation)) return std::nullopt;
  auto uuid = rampart::Uuid::parse(object);
  auto octets = from_hex(tower);
  auto text = from_hex(annotation);
  if (!uuid || !octets || !text || octets->empty()) return std::nullopt;
  // The same checks as an ept_insert from the wire: a tampered file gives
  // nothing a caller could not have registered.
  return EndpointDatabase::make_entry(*uuid, *octets, std::string(text->begin(), text->end()), std::nullopt);
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::expected<void, std::string> StateStore::prepare() const {
  std::error_code ec;
  if (std::filesystem::create_directories(dir_, ec); ec) {
    return std::unexpected("cannot create the state directory " + dir_ + ": " + ec.message() +
                           " (choose another with --state-dir DIR or [server] state_dir, or \"\" to keep no state)");
  }
  if (::access(dir_.c_str(), W_OK | X_OK) != 0) {
    return std::unexpected("cannot write the state directory " + dir_ + ": " + errno_text() +
                           " (choose another with --state-dir DIR or [server] state_dir)");
  }
  return {};
}

std::vector<Entry> StateStore::load(std::size_t& skipped) const {
  skipped = 0;
  std::vector<Entry> out;
  std::ifstream in(path());
  std::string line;
  if (!in || !std::getline(in, line) || line != kHeader) return out;
  while (std::getline(in, line)) {
    if (line.size() > kMaxLine) {
      ++skipped;
      continue;
    }
    if (auto e = parse_line(line)) {
      out.push_back(std::move(*e));
    } else {
      ++skipped;
    }
  }
  return out;
}

std::expected<void, std::string> StateStore::save(const EndpointDatabase& db) {
  std::lock_guard lock(mutex_);
  std::string text = std::string(kHeader) + "\n";
  for (const auto& e : db.snapshot()->entries) {
    if (e->owner) continue;  // connection-owned or configuration entries
    const std::string annotation(e->annotation);
    text += e->object.to_string() + " " + to_hex(e->tower) + " " +
            (annotation.empty() ? "-" : to_hex({reinterpret_cast<const std::uint8_t*>(annotation.data()), annotation.size()})) +
            "\n";
  }
  const std::string tmp = path() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(tmp + ": " + errno_text());
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = errno_text();
      ::close(fd);
      return std::unexpected(tmp + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return std::unexpected(tmp + ": " + errno_text());
  if (::rename(tmp.c_str(), path().c_str()) != 0) return std::unexpected(path() + ": " + errno_text());
  // The rename itself must reach the disk before the caller is answered.
  const int dir = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return {};
}

}  // namespace rampartd
