// DUALSTRINGARRAY parsing and encoding; the rules are listed in
// dual_string_array.hpp.
#include "rampart/dcom/dual_string_array.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "rampart/base/byte_writer.hpp"
#include "rampart/dcom/errc.hpp"

namespace rampart::dcom {

namespace {

// Names a section for the parser: string bindings carry one head unit
// (wTowerId) before the name, security bindings two (wAuthnSvc, Reserved).
enum class Section : std::uint8_t { strings, security };

struct Parsed {
  DualStringArray* out;
  const DsaLimits* limits;
};

// One section: bindings, then a zero that must be its last unit. An empty
// list is one zero or, as Windows writes it, two ([MS-DCOM] 2.2.19.1).
// `base` is the section's first unit in aStringArray, for error offsets
// (in octets from aStringArray).
Result<void> parse_section(std::span<const std::uint16_t> s, Section kind, std::size_t base, Parsed p) {
  if (!s.empty() && s[0] == 0 && s.size() <= 2 && (s.size() == 1 || s[1] == 0)) return {};
  const std::size_t head = kind == Section::strings ? 1 : 2;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == 0) {
      if (i + 1 != s.size()) return fail(Errc::dsa_missing_terminator, "units follow a section's terminating zero", (base + i) * 2);
      return {};
    }
    if (s.size() - i < head + 1) return fail(Errc::dsa_missing_terminator, "a binding runs past its section", (base + i) * 2);
    const auto name_begin = s.begin() + static_cast<std::ptrdiff_t>(i + head);
    const auto zero = std::find(name_begin, s.end(), std::uint16_t{0});
    if (zero == s.end()) return fail(Errc::dsa_missing_terminator, "a binding's name has no terminating zero", (base + i) * 2);
    const auto name_units = static_cast<std::size_t>(zero - name_begin);
    if (name_units > p.limits->max_name_units) return fail(Errc::dsa_name_too_long, "a binding's name is above the limit", (base + i) * 2);
    std::u16string name(name_begin, zero);
    if (kind == Section::strings) {
      if (name.empty()) return fail(Errc::dsa_bad_binding, "a string binding with an empty network address", (base + i) * 2);
      if (p.out->strings.size() >= p.limits->max_bindings) return fail(Errc::dsa_too_many_bindings, "more string bindings than the limit", (base + i) * 2);
      p.out->strings.push_back({s[i], std::move(name)});
    } else {
      if (p.out->security.size() >= p.limits->max_bindings) return fail(Errc::dsa_too_many_bindings, "more security bindings than the limit", (base + i) * 2);
      p.out->security.push_back({s[i], s[i + 1], std::move(name)});
    }
    i += head + name_units + 1;  // every iteration consumes at least two units (C11)
  }
  return fail(Errc::dsa_missing_terminator, "a section ends without its terminating zero", (base + s.size()) * 2);
}

Result<void> append_name(std::vector<std::uint16_t>& u, std::u16string_view name, const DsaLimits& limits) {
  if (name.size() > limits.max_name_units) return fail(Errc::dsa_name_too_long, "a binding's name is above the limit");
  if (name.find(u'\0') != std::u16string_view::npos) return fail(Errc::dsa_bad_binding, "a binding's name holds a NUL");
  u.insert(u.end(), name.begin(), name.end());
  u.push_back(0);
  return {};
}

}  // namespace

Result<DualStringArray> DualStringArray::parse_units(std::uint16_t wire_num_entries, std::uint16_t wire_security_offset,
                                                     std::span<const std::uint16_t> units, const DsaLimits& limits) {
  if (wire_num_entries > limits.max_entries) return fail(Errc::dsa_too_large, "wNumEntries above the limit", 0);
  if (units.size() != wire_num_entries) return fail(Errc::dsa_truncated, "aStringArray does not hold wNumEntries units", 0);
  // Each section holds at least its terminating zero.
  if (wire_security_offset == 0 || wire_security_offset >= wire_num_entries)
    return fail(Errc::dsa_bad_security_offset, "wSecurityOffset outside 1 .. wNumEntries-1", 2);
  DualStringArray out;
  const Parsed p{&out, &limits};
  RAMPART_CHECK(parse_section(units.first(wire_security_offset), Section::strings, 0, p));
  RAMPART_CHECK(parse_section(units.subspan(wire_security_offset), Section::security, wire_security_offset, p));
  return out;
}

Result<DualStringArray> DualStringArray::decode_packed(ByteReader& r, const DsaLimits& limits) {
  const std::size_t start = r.position();
  const auto wire_num_entries = RAMPART_TRY(r.u16());
  const auto wire_security_offset = RAMPART_TRY(r.u16());
  if (wire_num_entries > limits.max_entries) return fail(Errc::dsa_too_large, "wNumEntries above the limit", start);
  if (std::size_t{wire_num_entries} * 2 > r.remaining())
    return fail(Errc::dsa_truncated, "wNumEntries units run past the data", start);
  std::vector<std::uint16_t> units(wire_num_entries);
  for (auto& u : units) u = RAMPART_TRY(r.u16());
  auto parsed = parse_units(wire_num_entries, wire_security_offset, units, limits);
  if (!parsed) return std::unexpected(parsed.error().rebased(start + 4));
  return parsed;
}

Result<DualStringArray::Units> DualStringArray::to_units(const DsaLimits& limits) const {
  if (strings.size() > limits.max_bindings || security.size() > limits.max_bindings)
    return fail(Errc::dsa_too_many_bindings, "more bindings than the limit");
  Units out;
  for (const auto& b : strings) {
    if (b.tower_id == 0 || b.network_addr.empty()) return fail(Errc::dsa_bad_binding, "a string binding needs a tower id and an address");
    out.units.push_back(b.tower_id);
    RAMPART_CHECK(append_name(out.units, b.network_addr, limits));
  }
  out.units.push_back(0);
  if (strings.empty()) out.units.push_back(0);
  out.security_offset = static_cast<std::uint16_t>(std::min<std::size_t>(out.units.size(), 0xffff));
  for (const auto& b : security) {
    if (b.authn_svc == 0) return fail(Errc::dsa_bad_binding, "a security binding needs an authentication service");
    out.units.push_back(b.authn_svc);
    out.units.push_back(b.reserved);
    RAMPART_CHECK(append_name(out.units, b.princ_name, limits));
  }
  out.units.push_back(0);
  if (security.empty()) out.units.push_back(0);
  if (out.units.size() > limits.max_entries) return fail(Errc::dsa_too_large, "the array is above the limit");
  return out;
}

Result<void> DualStringArray::encode_packed(std::vector<std::uint8_t>& out, const DsaLimits& limits) const {
  const auto u = RAMPART_TRY(to_units(limits));
  ByteWriter w(out, Drep::little());
  w.u16(static_cast<std::uint16_t>(u.units.size()));
  w.u16(u.security_offset);
  for (auto v : u.units) w.u16(v);
  return {};
}

std::string DualStringArray::describe() const {
  std::string out = "DUALSTRINGARRAY\n";
  for (const auto& b : strings)
    out += fmt::format("  string tower=0x{:04x} addr={}\n", b.tower_id, u16_to_display(b.network_addr));
  for (const auto& b : security)
    out += fmt::format("  security authn=0x{:04x} reserved=0x{:04x} princ={}\n", b.authn_svc, b.reserved,
                       u16_to_display(b.princ_name));
  return out;
}

std::u16string ascii_to_u16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  for (char c : text) out.push_back(static_cast<char16_t>(static_cast<unsigned char>(c)));
  return out;
}

std::string u16_to_display(std::u16string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char16_t c : text) out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  return out;
}

}  // namespace rampart::dcom
