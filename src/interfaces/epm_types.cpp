#include "rampart/interfaces/epm_types.hpp"

#include <fmt/format.h>

#include "rampart/base/hex.hpp"
#include "rampart/binding/tower.hpp"

namespace rampart::epm {

const SyntaxId kInterface{Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

// ---- twr_t ----

Result<Twr> Twr::decode(ndr::Decoder& d) {
  auto guard = RAMPART_TRY(d.enter());
  // Conformant structure (C706 14.3.6): max_count precedes the members.
  const auto wire_max = RAMPART_TRY(d.conformance());
  const std::size_t length_at = d.position();
  const auto wire_length = RAMPART_TRY(d.u32());
  if (wire_length != wire_max)
    return fail(ndr::Errc::conformance_mismatch, "tower_length differs from its conformance",
                length_at);
  if (wire_length > kMaxTowerOctets)
    return fail(ndr::Errc::range_violation, "tower_length above kMaxTowerOctets", length_at);
  const auto bytes = RAMPART_TRY(d.octets(wire_length));
  RAMPART_CHECK(d.charge(bytes.size(), 1));
  return Twr{std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
}

Result<void> Twr::encode(ndr::Encoder& e) const {
  if (octets.size() > kMaxTowerOctets)
    return fail(ndr::Errc::range_violation, "tower above kMaxTowerOctets");
  RAMPART_CHECK(e.conformance(octets.size()));
  e.u32(static_cast<std::uint32_t>(octets.size()));
  e.octets(octets);
  return {};
}

std::string Twr::describe(std::string_view indent) const {
  std::string out = fmt::format("{}{} octets\n", indent, octets.size());
  auto tower = binding::Tower::decode(octets);
  std::string body;
  if (tower) {
    body = tower->describe();
  } else {
    body = fmt::format("undecodable: {}\n{}", tower.error().to_string(), to_hex(octets, true));
  }
  std::size_t start = 0;
  while (start < body.size()) {
    const auto end = body.find('\n', start);
    const auto line = body.substr(start, end == std::string::npos ? end : end - start);
    out += fmt::format("{}  {}\n", indent, line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// ---- rpc_if_id_t ----

Result<RpcIfId> RpcIfId::decode(ndr::Decoder& d) {
  RpcIfId id;
  id.uuid = RAMPART_TRY(d.uuid());
  id.vers_major = RAMPART_TRY(d.u16());
  id.vers_minor = RAMPART_TRY(d.u16());
  return id;
}

void RpcIfId::encode(ndr::Encoder& e) const {
  e.uuid(uuid);
  e.u16(vers_major);
  e.u16(vers_minor);
}

std::string RpcIfId::describe() const {
  return fmt::format("{} v{}.{}", uuid.to_string(), vers_major, vers_minor);
}

// ---- RPC_SID ----

Result<RpcSid> RpcSid::decode(ndr::Decoder& d) {
  auto guard = RAMPART_TRY(d.enter());
  const auto wire_max = RAMPART_TRY(d.conformance());
  RpcSid sid;
  sid.revision = RAMPART_TRY(d.u8());
  const std::size_t count_at = d.position();
  const auto wire_count = RAMPART_TRY(d.u8());
  if (wire_count != wire_max)
    return fail(ndr::Errc::conformance_mismatch, "SubAuthorityCount differs from max_count", count_at);
  if (wire_count > kMaxSubAuthorities)
    return fail(ndr::Errc::range_violation, "more than 15 sub-authorities", count_at);
  RAMPART_CHECK(d.primitives(std::span<std::uint8_t>(sid.identifier_authority)));
  sid.sub_authority = RAMPART_TRY(d.array<std::uint32_t>(wire_count));
  return sid;
}

Result<void> RpcSid::encode(ndr::Encoder& e) const {
  if (sub_authority.size() > kMaxSubAuthorities)
    return fail(ndr::Errc::range_violation, "more than 15 sub-authorities");
  RAMPART_CHECK(e.conformance(sub_authority.size()));
  e.u8(revision);
  e.u8(static_cast<std::uint8_t>(sub_authority.size()));
  e.octets(identifier_authority);
  e.primitives(std::span<const std::uint32_t>(sub_authority));
  return {};
}

std::string RpcSid::describe() const {
  // [MS-DTYP] 2.4.2.1: the authority is a 48-bit big-endian number.
  std::uint64_t authority = 0;
  for (auto b : identifier_authority) authority = authority << 8 | b;
  std::string s = fmt::format("S-{}-{}", revision, authority);
  for (auto v : sub_authority) s += fmt::format("-{}", v);
  return s;
}

// ---- pointers and arrays ----

Result<bool> top_level_full_pointer(ndr::Decoder& d, std::uint16_t tag) {
  const auto p = RAMPART_TRY(d.full_pointer(tag));
  if (!p.is_null() && !p.first)
    return fail(ndr::Errc::bad_referent_id, "top-level [ptr] repeats an earlier referent id",
                d.position() - 4);
  return !p.is_null();
}

namespace {

/// Reads the towers that `ptrs` (read in the scalars phase) announce, in
/// order. A repeated id designates the tower of its first occurrence in
/// this array (C706 14.3.11.3); first occurrences get consecutive slots,
/// so the lookup is an index, never a search (C11).
template <class At>
Result<void> decode_tower_referents(ndr::Decoder& d, std::span<const ndr::FullPointer> ptrs, At at) {
  std::optional<std::uint32_t> base;
  std::vector<std::uint32_t> owner;  // k-th first occurrence -> element index
  for (std::size_t i = 0; i < ptrs.size(); ++i) {
    const auto& p = ptrs[i];
    if (p.is_null()) continue;
    if (p.first) {
      if (!base) base = p.slot;
      owner.push_back(static_cast<std::uint32_t>(i));
      at(i) = RAMPART_TRY(Twr::decode(d));
      continue;
    }
    if (!base || p.slot < *base || p.slot - *base >= owner.size())
      return fail(ndr::Errc::bad_referent_id, "tower alias outside its array", d.position());
    const Twr& src = *at(owner[p.slot - *base]);
    RAMPART_CHECK(d.charge(src.octets.size(), 1));
    at(i) = src;
  }
  return {};
}

constexpr ndr::StringSpec kAnnotation{kMaxAnnotationSize, std::nullopt, kMaxAnnotationSize - 1};

}  // namespace

Result<std::vector<EptEntry>> decode_entries(ndr::Decoder& d, std::uint64_t count) {
  RAMPART_CHECK(d.need(count, EptEntry::kMinWireSize));
  RAMPART_CHECK(d.charge(count, sizeof(EptEntry) + sizeof(ndr::FullPointer)));
  auto guard = RAMPART_TRY(d.enter());
  std::vector<EptEntry> out(static_cast<std::size_t>(count));
  std::vector<ndr::FullPointer> ptrs(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].object = RAMPART_TRY(d.uuid());
    ptrs[i] = RAMPART_TRY(d.full_pointer(kTagTower));
    out[i].annotation = RAMPART_TRY(d.string(kAnnotation));
  }
  RAMPART_CHECK(decode_tower_referents(
      d, ptrs, [&](std::size_t i) -> std::optional<Twr>& { return out[i].tower; }));
  return out;
}

Result<void> encode_entries(ndr::Encoder& e, const std::vector<EptEntry>& entries) {
  for (const auto& entry : entries) {
    e.uuid(entry.object);
    e.full_pointer(entry.tower.has_value());
    RAMPART_CHECK(e.string(entry.annotation, kAnnotation));
  }
  for (const auto& entry : entries)
    if (entry.tower) RAMPART_CHECK(entry.tower->encode(e));
  return {};
}

Result<std::vector<std::optional<Twr>>> decode_tower_array(ndr::Decoder& d, std::uint64_t count) {
  RAMPART_CHECK(d.need(count, 4));
  RAMPART_CHECK(d.charge(count, sizeof(std::optional<Twr>) + sizeof(ndr::FullPointer)));
  auto guard = RAMPART_TRY(d.enter());
  std::vector<std::optional<Twr>> out(static_cast<std::size_t>(count));
  std::vector<ndr::FullPointer> ptrs(out.size());
  for (auto& p : ptrs) p = RAMPART_TRY(d.full_pointer(kTagTower));
  RAMPART_CHECK(decode_tower_referents(
      d, ptrs, [&](std::size_t i) -> std::optional<Twr>& { return out[i]; }));
  return out;
}

Result<void> encode_tower_array(ndr::Encoder& e, const std::vector<std::optional<Twr>>& towers) {
  for (const auto& t : towers) e.full_pointer(t.has_value());
  for (const auto& t : towers)
    if (t) RAMPART_CHECK(t->encode(e));
  return {};
}

}  // namespace rampart::epm
