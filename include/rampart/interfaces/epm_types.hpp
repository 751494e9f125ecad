// Types shared by the endpoint mapper operations (C706 Appendix O, as
// extended by [MS-RPCE] 2.2.1.2): twr_t, rpc_if_id_t, ept_entry_t and
// RPC_SID, with their NDR20 codecs. IDL names are kept in comments so a
// reader can grep from the spec to the code.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/uuid.hpp"
#include "rampart/ndr/decoder.hpp"
#include "rampart/ndr/encoder.hpp"

namespace rampart::epm {

/// e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0
extern const SyntaxId kInterface;

enum class Opnum : std::uint16_t {
  ept_insert = 0,
  ept_delete = 1,
  ept_lookup = 2,
  ept_map = 3,
  ept_lookup_handle_free = 4,
  ept_inq_object = 5,
  ept_mgmt_delete = 6,
  ept_map_auth = 7,
};

/// ept_max_annotation_size (C706 Appendix O): the annotation array holds 64
/// chars, terminator included.
inline constexpr std::uint32_t kMaxAnnotationSize = 64;
/// [range(0,500)] on max_ents and max_towers ([MS-RPCE] 2.2.1.2.4, 2.2.1.2.5).
inline constexpr std::uint32_t kMaxEntries = 500;
/// Longest tower_octet_string accepted; the same bound the binding layer
/// puts on a whole tower (binding::TowerLimits::max_tower_octets, which
/// fits five floors with two maximal names).
inline constexpr std::uint32_t kMaxTowerOctets = 1024;
/// RPC_SID sub-authorities: [range(0,15)] ([MS-DTYP] 2.4.2.3).
inline constexpr std::uint8_t kMaxSubAuthorities = 15;
/// ept_s_not_registered (C706 Appendix E; [MS-RPCE] 2.2.1.2.5).
inline constexpr std::uint32_t kEptNotRegistered = 0x16c9a0d6;

/// Type tags for [ptr] pointers, so a referent id reused for another type
/// is refused (ndr::Errc::bad_referent_id).
enum PointerTag : std::uint16_t {
  kTagUuid = 1,
  kTagTower = 2,
  kTagIfId = 3,
  kTagSid = 4,
};

/// twr_t: { unsigned32 tower_length; [size_is(tower_length)] byte
/// tower_octet_string[]; } - a conformant structure, so max_count comes
/// first and must equal tower_length (docs/hardening.md "Endpoint mapper").
struct Twr {
  std::vector<std::uint8_t> octets;

  [[nodiscard]] static Result<Twr> decode(ndr::Decoder& d);
  [[nodiscard]] Result<void> encode(ndr::Encoder& e) const;
  /// The decoded tower (binding::Tower::describe) or, when it does not
  /// decode, the reason and the octets in hex. Each line starts with `indent`.
  [[nodiscard]] std::string describe(std::string_view indent) const;

  friend bool operator==(const Twr&, const Twr&) = default;
};

/// rpc_if_id_t: { uuid_t uuid; unsigned16 vers_major; unsigned16 vers_minor; }
struct RpcIfId {
  Uuid uuid;
  std::uint16_t vers_major = 0;
  std::uint16_t vers_minor = 0;

  [[nodiscard]] static Result<RpcIfId> decode(ndr::Decoder& d);
  void encode(ndr::Encoder& e) const;
  /// "e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0"
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const RpcIfId&, const RpcIfId&) = default;
};

/// ept_entry_t: { uuid_t object; twr_p_t tower; [string] char
/// annotation[ept_max_annotation_size]; }. The tower pointer is a [ptr]
/// (pointer_default(ptr)); NULL is representable and the service decides
/// whether to accept it (C10).
struct EptEntry {
  Uuid object;
  std::optional<Twr> tower;
  std::string annotation;

  /// The smallest wire size of one entry's scalars: object, referent id,
  /// and the annotation's offset and actual_count.
  static constexpr std::size_t kMinWireSize = 16 + 4 + 8;

  friend bool operator==(const EptEntry&, const EptEntry&) = default;
};

/// RPC_SID ([MS-DTYP] 2.4.2.3): a conformant structure whose max_count must
/// equal SubAuthorityCount, at most 15.
struct RpcSid {
  std::uint8_t revision = 1;
  std::array<std::uint8_t, 6> identifier_authority{};
  std::vector<std::uint32_t> sub_authority;

  [[nodiscard]] static Result<RpcSid> decode(ndr::Decoder& d);
  [[nodiscard]] Result<void> encode(ndr::Encoder& e) const;
  /// "S-1-5-32-544"
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const RpcSid&, const RpcSid&) = default;
};

/// A conformant [ptr] array of ept_entry_t (ept_insert, ept_delete,
/// ept_lookup): scalars of every entry, then the towers (C706 14.3.12.3).
[[nodiscard]] Result<std::vector<EptEntry>> decode_entries(ndr::Decoder& d, std::uint64_t count);
[[nodiscard]] Result<void> encode_entries(ndr::Encoder& e, const std::vector<EptEntry>& entries);

/// An array of twr_p_t (the ITowers of ept_map): referent ids, then towers.
[[nodiscard]] Result<std::vector<std::optional<Twr>>> decode_tower_array(ndr::Decoder& d,
                                                                        std::uint64_t count);
[[nodiscard]] Result<void> encode_tower_array(ndr::Encoder& e,
                                              const std::vector<std::optional<Twr>>& towers);

/// A top-level [ptr] parameter: its referent follows at once. A repeated
/// referent id is refused, since no EPM operation has two [ptr] parameters
/// of one type that could alias.
[[nodiscard]] Result<bool> top_level_full_pointer(ndr::Decoder& d, std::uint16_t tag);

}  // namespace rampart::epm
