// Tower floors (C706 Appendix L). Every length is checked against what
// remains before any octet is read, and each floor kind has one exact rhs
// form, so decode followed by encode reproduces the input octet for octet.
#include <fmt/format.h>

#include <stdexcept>

#include "rampart/binding/tower.hpp"

namespace rampart::binding {

namespace {

// C706 Appendix L: lhs of a UUID floor is the id, 16 UUID octets and a
// 2-octet major version; every other known floor's lhs is the id alone.
constexpr std::uint16_t kUuidLhsLength = 19;
constexpr std::uint16_t kPlainLhsLength = 1;
constexpr std::uint16_t kU16RhsLength = 2;
constexpr std::uint16_t kIpv4RhsLength = 4;

// Tower UUIDs are little-endian GUIDs whatever drep the enclosing PDU uses,
// so they are read and written here with fixed byte order.
Uuid read_uuid_le(std::span<const std::uint8_t> b) noexcept {
  std::array<std::uint8_t, 16> s{};
  s[0] = b[3], s[1] = b[2], s[2] = b[1], s[3] = b[0];
  s[4] = b[5], s[5] = b[4], s[6] = b[7], s[7] = b[6];
  for (std::size_t i = 8; i < 16; ++i) s[i] = b[i];
  return Uuid(s);
}

void write_uuid_le(ByteWriter& w, const Uuid& u) {
  const auto& s = u.bytes();
  const std::array<std::uint8_t, 8> head = {s[3], s[2], s[1], s[0], s[5], s[4], s[7], s[6]};
  w.bytes(head);
  w.bytes(std::span(s).subspan(8));
}

// Reads a little-endian u16 length after checking it is there.
Result<std::uint16_t> read_length(ByteReader& r, const char* why) noexcept {
  if (2 > r.remaining()) return fail(Errc::tower_truncated, why, r.position());
  return RAMPART_TRY(r.u16_le());
}

Result<void> check_fixed_rhs(std::uint16_t wire_rhs_length, std::uint16_t want, Errc code,
                             const char* why, std::size_t offset) noexcept {
  if (wire_rhs_length != want) return fail(code, why, offset);
  return {};
}

// C706 Appendix I / [MS-RPCE] 2.1.1.2: names are NUL-terminated octet strings
// that must end inside their rhs (C8: the terminator lies inside the count).
Result<std::string> decode_name(std::span<const std::uint8_t> rhs, const TowerLimits& limits,
                                std::size_t offset) {
  if (rhs.size() > limits.max_string_octets)
    return fail(Errc::string_too_long, "name floor longer than max_string_octets", offset);
  if (rhs.empty() || rhs.back() != 0)
    return fail(Errc::string_not_terminated, "name floor does not end in NUL", offset);
  for (std::size_t i = 0; i + 1 < rhs.size(); ++i)
    if (rhs[i] == 0)
      return fail(Errc::string_embedded_nul, "name floor has a NUL before its end", offset + i);
  return std::string(rhs.begin(), rhs.end() - 1);
}

Result<void> decode_rhs(Floor& f, FloorKind kind, std::span<const std::uint8_t> rhs,
                        const TowerLimits& limits, std::size_t offset) {
  const auto n = static_cast<std::uint16_t>(rhs.size());
  switch (kind) {
    case FloorKind::uuid:
      RAMPART_CHECK(check_fixed_rhs(n, kU16RhsLength, Errc::uuid_floor_rhs_length,
                                    "UUID floor rhs is not 2 octets", offset));
      f.syntax.minor = static_cast<std::uint16_t>(rhs[0] | rhs[1] << 8);
      return {};
    case FloorKind::version:
      RAMPART_CHECK(check_fixed_rhs(n, kU16RhsLength, Errc::version_rhs_length,
                                    "protocol floor rhs is not 2 octets", offset));
      f.number = static_cast<std::uint16_t>(rhs[0] | rhs[1] << 8);
      return {};
    case FloorKind::port:
      RAMPART_CHECK(check_fixed_rhs(n, kU16RhsLength, Errc::port_rhs_length,
                                    "port floor rhs is not 2 octets", offset));
      f.number = static_cast<std::uint16_t>(rhs[0] << 8 | rhs[1]);  // network order
      return {};
    case FloorKind::ipv4:
      RAMPART_CHECK(check_fixed_rhs(n, kIpv4RhsLength, Errc::ipv4_rhs_length,
                                    "IP floor rhs is not 4 octets", offset));
      for (std::size_t i = 0; i < 4; ++i) f.ipv4[i] = rhs[i];
      return {};
    case FloorKind::string:
      f.text = RAMPART_TRY(decode_name(rhs, limits, offset));
      return {};
  }
  return {};
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out + '"';
}

}  // namespace

Floor Floor::uuid(const SyntaxId& s) {
  Floor f;
  f.protocol = FloorProtocol::uuid;
  f.syntax = s;
  return f;
}

Floor Floor::version(FloorProtocol p, std::uint16_t minor) {
  Floor f;
  f.protocol = p;
  f.number = minor;
  return f;
}

Floor Floor::port(FloorProtocol p, std::uint16_t port) { return version(p, port); }

Floor Floor::address(std::array<std::uint8_t, 4> ipv4) {
  Floor f;
  f.protocol = FloorProtocol::ip;
  f.ipv4 = ipv4;
  return f;
}

Floor Floor::name(FloorProtocol p, std::string text) {
  Floor f;
  f.protocol = p;
  f.text = std::move(text);
  return f;
}

FloorKind Floor::kind() const noexcept {
  // Floors are built from the enum, so the id is always in the table.
  return floor_kind(static_cast<std::uint8_t>(protocol)).value_or(FloorKind::version);
}

Result<Floor> Floor::decode(ByteReader& r, const TowerLimits& limits) {
  const auto wire_lhs_length = RAMPART_TRY(read_length(r, "input ends inside lhs_length"));
  const std::size_t lhs_at = r.position();
  if (wire_lhs_length > r.remaining())
    return fail(Errc::tower_truncated, "lhs_length runs past the tower", lhs_at - 2);
  if (wire_lhs_length == 0) return fail(Errc::floor_lhs_length, "floor lhs is empty", lhs_at - 2);
  const auto lhs = RAMPART_TRY(r.bytes(wire_lhs_length));
  const auto kind = floor_kind(lhs[0]);
  if (!kind) return fail(Errc::unknown_floor_protocol, "floor protocol id is not known", lhs_at);
  Floor f;
  f.protocol = static_cast<FloorProtocol>(lhs[0]);
  if (*kind == FloorKind::uuid) {
    if (wire_lhs_length != kUuidLhsLength)
      return fail(Errc::uuid_floor_lhs_length, "UUID floor lhs is not 19 octets", lhs_at - 2);
    f.syntax.uuid = read_uuid_le(lhs.subspan(1, 16));
    f.syntax.major = static_cast<std::uint16_t>(lhs[17] | lhs[18] << 8);
  } else if (wire_lhs_length != kPlainLhsLength) {
    return fail(Errc::floor_lhs_length, "floor lhs is not 1 octet", lhs_at - 2);
  }
  const auto wire_rhs_length = RAMPART_TRY(read_length(r, "input ends inside rhs_length"));
  const std::size_t rhs_at = r.position();
  if (wire_rhs_length > r.remaining())
    return fail(Errc::tower_truncated, "rhs_length runs past the tower", rhs_at - 2);
  const auto rhs = RAMPART_TRY(r.bytes(wire_rhs_length));
  RAMPART_CHECK(decode_rhs(f, *kind, rhs, limits, rhs_at));
  return f;
}

void Floor::encode(ByteWriter& w) const {
  const auto id = static_cast<std::uint8_t>(protocol);
  switch (kind()) {
    case FloorKind::uuid:
      w.u16_le(kUuidLhsLength);
      w.u8(id);
      write_uuid_le(w, syntax.uuid);
      w.u16_le(syntax.major);
      w.u16_le(kU16RhsLength);
      w.u16_le(syntax.minor);
      return;
    case FloorKind::version:
    case FloorKind::port:
      w.u16_le(kPlainLhsLength);
      w.u8(id);
      w.u16_le(kU16RhsLength);
      if (kind() == FloorKind::port) w.u16_be(number); else w.u16_le(number);
      return;
    case FloorKind::ipv4:
      w.u16_le(kPlainLhsLength);
      w.u8(id);
      w.u16_le(kIpv4RhsLength);
      w.bytes(ipv4);
      return;
    case FloorKind::string:
      // A name that cannot be counted in 16 bits is a caller bug, not input.
      if (text.size() >= 0xffff) throw std::length_error("tower floor name too long");
      w.u16_le(kPlainLhsLength);
      w.u8(id);
      w.u16_le(static_cast<std::uint16_t>(text.size() + 1));
      w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
      w.u8(0);
      return;
  }
}

std::string Floor::describe() const {
  const auto name = floor_protocol_name(protocol);
  const auto id = static_cast<unsigned>(protocol);
  switch (kind()) {
    case FloorKind::uuid: return fmt::format("{} (0x{:02x}) {}", name, id, syntax.to_string());
    case FloorKind::version: return fmt::format("{} (0x{:02x}) minor {}", name, id, number);
    case FloorKind::port: return fmt::format("{} (0x{:02x}) port {}", name, id, number);
    case FloorKind::ipv4: return fmt::format("{} (0x{:02x}) {}", name, id, format_ipv4(ipv4));
    case FloorKind::string: return fmt::format("{} (0x{:02x}) {}", name, id, quoted(text));
  }
  return std::string(name);
}

}  // namespace rampart::binding
