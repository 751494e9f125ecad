#include "input.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include "pcap_reader.hpp"
#include "rampart/base/hex.hpp"

namespace rampart::cli {

std::string_view to_string(Direction d) noexcept {
  switch (d) {
    case Direction::client_to_server: return "c2s";
    case Direction::server_to_client: return "s2c";
    case Direction::unknown: break;
  }
  return "?";
}

std::optional<InputFormat> parse_input_format(std::string_view text) noexcept {
  if (text == "auto") return InputFormat::automatic;
  if (text == "raw") return InputFormat::raw;
  if (text == "hex") return InputFormat::hex;
  if (text == "pcap" || text == "pcapng") return InputFormat::pcap;
  return std::nullopt;
}

std::size_t Chunk::frame_at(std::size_t offset) const noexcept {
  std::size_t frame = 0;
  for (const auto& [at, f] : frames) {
    if (at > offset) break;
    frame = f;
  }
  return frame;
}

std::optional<std::vector<std::uint8_t>> read_all(const std::string& path, std::size_t max, std::string& error) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> owned(nullptr, &std::fclose);
  std::FILE* f = stdin;
  if (path != "-") {
    owned.reset(std::fopen(path.c_str(), "rb"));
    if (!owned) {
      error = path + ": " + std::strerror(errno);
      return std::nullopt;
    }
    f = owned.get();
  }
  std::vector<std::uint8_t> out;
  std::uint8_t buf[65536];
  for (;;) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, f);
    if (n == 0) break;
    if (n > max - out.size()) {
      error = path + ": larger than " + std::to_string(max) + " octets";
      return std::nullopt;
    }
    out.insert(out.end(), buf, buf + n);
  }
  if (std::ferror(f)) {
    error = path + ": read error";
    return std::nullopt;
  }
  return out;
}

namespace {

bool has_magic(const std::vector<std::uint8_t>& b, std::uint32_t magic) noexcept {
  if (b.size() < 4) return false;
  const std::uint32_t le = b[0] | b[1] << 8 | b[2] << 16 | static_cast<std::uint32_t>(b[3]) << 24;
  const std::uint32_t be = b[3] | b[2] << 8 | b[1] << 16 | static_cast<std::uint32_t>(b[0]) << 24;
  return le == magic || be == magic;
}

bool looks_like_text(const std::vector<std::uint8_t>& b) noexcept {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t c) { return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f); });
}

}  // namespace

InputFormat detect_format(const std::vector<std::uint8_t>& bytes) noexcept {
  // pcap (microsecond and nanosecond) and the pcapng section header block.
  if (has_magic(bytes, 0xa1b2c3d4) || has_magic(bytes, 0xa1b23c4d) || has_magic(bytes, 0x0a0d0d0a))
    return InputFormat::pcap;
  if (!bytes.empty() && looks_like_text(bytes)) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (parse_hex(text)) return InputFormat::hex;
  }
  return InputFormat::raw;
}

Direction direction_from_name(std::string_view path) noexcept {
  const auto slash = path.find_last_of('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (base.find("-c2s-") != std::string_view::npos || base.starts_with("c2s")) return Direction::client_to_server;
  if (base.find("-s2c-") != std::string_view::npos || base.starts_with("s2c")) return Direction::server_to_client;
  return Direction::unknown;
}

std::optional<LoadedInput> load_input(const std::string& name, std::vector<std::uint8_t> bytes, InputFormat format,
                                      std::size_t stream, const InputLimits& limits, std::string& error) {
  if (format == InputFormat::automatic) format = detect_format(bytes);
  if (format == InputFormat::pcap) return read_pcap(name, bytes, stream, limits, error);
  Chunk c;
  c.stream = stream;
  c.direction = direction_from_name(name);
  c.source = name;
  if (format == InputFormat::hex) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto parsed = parse_hex(text);
    if (!parsed) {
      error = name + ": not hex text (a stray character or an odd number of digits)";
      return std::nullopt;
    }
    c.bytes = std::move(*parsed);
  } else {
    c.bytes = std::move(bytes);
  }
  LoadedInput out;
  out.chunks.push_back(std::move(c));
  return out;
}

}  // namespace rampart::cli
