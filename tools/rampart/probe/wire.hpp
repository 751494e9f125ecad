// Building probe PDUs: well-formed PDUs from the pdu/ and interfaces/
// encoders, then single fields overwritten at their C706 12.6 offsets so
// that every malformation is exactly the one the probe names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rampart/base/uuid.hpp"
#include "rampart/pdu/bodies.hpp"
#include "rampart/pdu/constants.hpp"

namespace rampart::probe::wire {

using Octets = std::vector<std::uint8_t>;

/// Common-header offsets (C706 12.6.3.1), little-endian drep throughout.
inline constexpr std::size_t kVersOffset = 0;
inline constexpr std::size_t kVersMinorOffset = 1;
inline constexpr std::size_t kPtypeOffset = 2;
inline constexpr std::size_t kFlagsOffset = 3;
inline constexpr std::size_t kFragLengthOffset = 8;
inline constexpr std::size_t kAuthLengthOffset = 10;
/// rpcconn_request_hdr_t: alloc_hint follows the common header.
inline constexpr std::size_t kAllocHintOffset = 16;
/// The fragment size every probe offers, and what Windows and Samba
/// negotiate at most ([MS-RPCE] 3.3.1.5.6 / INTEROP: 5840).
inline constexpr std::uint16_t kFragSize = 5840;

/// The endpoint mapper's presentation context: `id`, EPM v3.0, NDR20.
[[nodiscard]] pdu::PresentationContext epm_context(std::uint16_t id);

/// A bind (or alter_context) PDU with the given contexts.
[[nodiscard]] Octets bind(std::uint32_t call_id, std::vector<pdu::PresentationContext> contexts,
                          std::uint32_t assoc_group_id = 0, pdu::PType ptype = pdu::PType::bind);
/// A bind of the endpoint mapper alone (context 0, NDR20).
[[nodiscard]] Octets epm_bind(std::uint32_t call_id);
/// An alter_context adding the management interface as context `id`
/// (mgmt v1.0, C706 Appendix Q, NDR20).
[[nodiscard]] Octets mgmt_alter(std::uint32_t call_id, std::uint16_t id);
/// A request PDU; alloc_hint is the stub size.
[[nodiscard]] Octets request(std::uint32_t call_id, std::uint16_t context_id, std::uint16_t opnum,
                             std::span<const std::uint8_t> stub,
                             std::uint8_t pfc_flags = pdu::pfc::kFirstLast);

/// Stubs of the endpoint mapper ([MS-RPCE] 2.2.1.2.4, 2.2.1.2.5).
/// ept_lookup of everything, `max_ents` entries per call, with `handle`.
[[nodiscard]] Octets ept_lookup_stub(std::uint32_t max_ents, const Uuid& handle_uuid = {},
                                     std::uint32_t handle_attributes = 0);
/// ept_lookup_handle_free of `handle` (C706 Appendix O, opnum 4).
[[nodiscard]] Octets ept_lookup_handle_free_stub(const Uuid& handle_uuid, std::uint32_t handle_attributes = 0);
/// The entry_handle an ept_lookup response hands back (the first 20 octets
/// of its stub: attributes, then the UUID), or nullopt when `pdu_octets` is
/// not a response with a stub that long.
struct LookupHandle {
  std::uint32_t attributes = 0;
  Uuid uuid;
};
[[nodiscard]] std::optional<LookupHandle> lookup_handle_of(std::span<const std::uint8_t> pdu_octets);
/// rpc_mgmt_inq_princ_name (C706 Appendix Q, opnum 4): authn_proto, princ_name_size.
[[nodiscard]] Octets inq_princ_name_stub(std::uint32_t authn_proto, std::uint32_t princ_name_size);
/// ept_map for the endpoint mapper's own TCP tower (5 floors, 75 octets),
/// max_towers 1: the request Impacket and rpcdump send.
[[nodiscard]] Octets ept_map_stub();
/// Offsets inside ept_map_stub(): the conformance (max_count) of
/// tower_octet_string and tower_length (twr_t, C706 Appendix L).
inline constexpr std::size_t kMapTowerConformanceOffset = 24;
inline constexpr std::size_t kMapTowerLengthOffset = 28;

void put_u8(Octets& b, std::size_t off, std::uint8_t v);
void put_u16(Octets& b, std::size_t off, std::uint16_t v);
void put_u32(Octets& b, std::size_t off, std::uint32_t v);
[[nodiscard]] std::uint32_t get_u32(std::span<const std::uint8_t> b, std::size_t off);

}  // namespace rampart::probe::wire
