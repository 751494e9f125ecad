#include "rampart/base/uuid.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace rampart {

namespace {
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Result<Uuid> Uuid::parse(std::string_view text) noexcept {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') text = text.substr(1, 36);
  if (text.size() != 36) return fail(BaseErrc::bad_uuid_text, "a UUID has 36 characters");
  std::array<std::uint8_t, 16> out{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return fail(BaseErrc::bad_uuid_text, "UUID hyphen missing", i);
      ++i;
      continue;
    }
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return fail(BaseErrc::bad_uuid_text, "UUID digit is not hex", i);
    out[n++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return Uuid(out);
}

Uuid Uuid::from_string(std::string_view text) {
  auto r = parse(text);
  if (!r) throw std::invalid_argument(fmt::format("bad UUID constant '{}'", text));
  return *r;
}

Result<Uuid> Uuid::decode(ByteReader& r) noexcept {
  const auto time_low = RAMPART_TRY(r.u32());
  const auto time_mid = RAMPART_TRY(r.u16());
  const auto time_hi = RAMPART_TRY(r.u16());
  const auto tail = RAMPART_TRY(r.bytes(8));
  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 4; ++i) b[i] = static_cast<std::uint8_t>(time_low >> (24 - 8 * i));
  b[4] = static_cast<std::uint8_t>(time_mid >> 8);
  b[5] = static_cast<std::uint8_t>(time_mid);
  b[6] = static_cast<std::uint8_t>(time_hi >> 8);
  b[7] = static_cast<std::uint8_t>(time_hi);
  for (int i = 0; i < 8; ++i) b[8 + i] = tail[i];
  return Uuid(b);
}

void Uuid::encode(ByteWriter& w) const {
  const std::uint32_t time_low = std::uint32_t{bytes_[0]} << 24 | std::uint32_t{bytes_[1]} << 16 |
                                 std::uint32_t{bytes_[2]} << 8 | bytes_[3];
  w.u32(time_low);
  w.u16(static_cast<std::uint16_t>(bytes_[4] << 8 | bytes_[5]));
  w.u16(static_cast<std::uint16_t>(bytes_[6] << 8 | bytes_[7]));
  w.bytes(std::span(bytes_).subspan(8));
}

std::string Uuid::to_string() const {
  const auto& b = bytes_;
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
      "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
      b[14], b[15]);
}

bool Uuid::is_nil() const noexcept {
  for (auto v : bytes_)
    if (v != 0) return false;
  return true;
}

Result<SyntaxId> SyntaxId::decode(ByteReader& r) noexcept {
  SyntaxId s;
  s.uuid = RAMPART_TRY(Uuid::decode(r));
  const auto version = RAMPART_TRY(r.u32());
  s.major = static_cast<std::uint16_t>(version & 0xffff);
  s.minor = static_cast<std::uint16_t>(version >> 16);
  return s;
}

void SyntaxId::encode(ByteWriter& w) const {
  uuid.encode(w);
  w.u32(std::uint32_t{major} | std::uint32_t{minor} << 16);
}

std::string SyntaxId::to_string() const {
  return fmt::format("{} v{}.{}", uuid.to_string(), major, minor);
}

namespace syntax {
const SyntaxId kNdr20{Uuid::from_string("8a885d04-1ceb-11c9-9fe8-08002b104860"), 2, 0};
const SyntaxId kNdr64{Uuid::from_string("71710533-beba-4937-8319-b5dbef9ccc36"), 1, 0};

// [MS-RPCE] 3.3.1.5.3: the first 8 octets are 6cb71c2c-9812-4540, the next
// two octets are the low 16 bits of the feature bitmask (little-endian as
// the GUID's Data4 bytes carry it), the remaining six are zero; version 1.0.
bool is_bind_time_feature(const SyntaxId& s) noexcept {
  static constexpr std::array<std::uint8_t, 8> kPrefix = {0x6c, 0xb7, 0x1c, 0x2c,
                                                          0x98, 0x12, 0x45, 0x40};
  for (std::size_t i = 0; i < kPrefix.size(); ++i)
    if (s.uuid.bytes()[i] != kPrefix[i]) return false;
  return true;
}

std::uint16_t bind_time_features(const SyntaxId& s) noexcept {
  return static_cast<std::uint16_t>(s.uuid.bytes()[8] | s.uuid.bytes()[9] << 8);
}

SyntaxId make_bind_time_feature(std::uint16_t features) {
  std::array<std::uint8_t, 16> b = {0x6c, 0xb7, 0x1c, 0x2c, 0x98, 0x12, 0x45, 0x40};
  b[8] = static_cast<std::uint8_t>(features & 0xff);
  b[9] = static_cast<std::uint8_t>(features >> 8);
  return SyntaxId{Uuid(b), 1, 0};
}
}  // namespace syntax

}  // namespace rampart
