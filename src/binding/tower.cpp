// Towers as a whole (C706 Appendix L): the floor count, the floors, and
// nothing after them.
#include "rampart/binding/tower.hpp"

#include <fmt/format.h>

namespace rampart::binding {

Result<Tower> Tower::decode(std::span<const std::uint8_t> octets, const TowerLimits& limits) {
  if (octets.size() > limits.max_tower_octets)
    return fail(Errc::tower_too_long, "tower longer than max_tower_octets", 0);
  ByteReader r(octets, Drep::little());
  // C706 Appendix L: the floor count is 2 octets, little-endian.
  if (2 > r.remaining()) return fail(Errc::tower_truncated, "input ends inside floor_count", 0);
  const auto wire_floor_count = RAMPART_TRY(r.u16_le());
  if (wire_floor_count == 0) return fail(Errc::no_floors, "tower has no floors", 0);
  if (wire_floor_count > limits.max_floors)
    return fail(Errc::too_many_floors, "floor_count above max_floors", 0);
  std::vector<Floor> floors;
  floors.reserve(wire_floor_count);  // bounded by max_floors above
  for (std::size_t i = 0; i < wire_floor_count; ++i) {
    floors.push_back(RAMPART_TRY(Floor::decode(r, limits)));
  }
  if (!r.empty()) return fail(Errc::trailing_bytes, "octets after the last floor", r.position());
  return Tower(std::move(floors));
}

std::vector<std::uint8_t> Tower::encode() const {
  std::vector<std::uint8_t> out;
  ByteWriter w(out, Drep::little());
  encode(w);
  return out;
}

void Tower::encode(ByteWriter& w) const {
  w.u16_le(static_cast<std::uint16_t>(floors_.size()));
  for (const auto& f : floors_) f.encode(w);
}

std::string Tower::describe() const {
  const auto view = binding();
  std::string out = fmt::format("tower {}, {} floor{}\n",
                                view ? protseq_info(view->protseq).name : "unrecognised",
                                floors_.size(), floors_.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < floors_.size(); ++i)
    out += fmt::format("  floor {}: {}\n", i + 1, floors_[i].describe());
  return out;
}

std::string format_ipv4(const std::array<std::uint8_t, 4>& a) {
  return fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
}

namespace {

// One decimal number without sign or leading zeros, at most `max`.
bool parse_decimal(std::string_view text, std::uint32_t max, std::uint32_t& out) noexcept {
  if (text.empty() || text.size() > 5) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  std::uint32_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v > max) return false;
  out = v;
  return true;
}

}  // namespace

Result<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text) noexcept {
  std::array<std::uint8_t, 4> out{};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto dot = i < 3 ? text.find('.') : std::string_view::npos;
    if (i < 3 && dot == std::string_view::npos)
      return fail(Errc::bad_ipv4, "IPv4 address needs four dotted parts");
    std::uint32_t v = 0;
    if (!parse_decimal(text.substr(0, dot), 255, v))
      return fail(Errc::bad_ipv4, "IPv4 part is not a number 0..255");
    out[i] = static_cast<std::uint8_t>(v);
    text = i < 3 ? text.substr(dot + 1) : std::string_view{};
  }
  return out;
}

Result<std::uint16_t> parse_port(std::string_view text) noexcept {
  std::uint32_t v = 0;
  if (!parse_decimal(text, 0xffff, v)) return fail(Errc::bad_port, "port is not a number 0..65535");
  return static_cast<std::uint16_t>(v);
}

}  // namespace rampart::binding
