// Endpoint mapper v3.0 operations: one request ([in] parameters) and one
// response ([out] parameters, status last) per opnum. Wire forms follow
// C706 Appendix O as redefined by [MS-RPCE] 2.2.1.2 ([ptr] object and
// tower parameters, [range(0,500)] on max_ents and max_towers).
//
// Hardening that lives here (docs/hardening.md "Endpoint mapper"): a tower's length
// must equal its conformance and stay within kMaxTowerOctets; max_ents and
// max_towers are range-checked but only limit output, never allocation;
// annotations are bounded by their 64-char array. Whether ept_insert and
// ept_delete are allowed at all is the service's decision (C14).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rampart/interfaces/codec.hpp"
#include "rampart/interfaces/epm_types.hpp"
#include "rampart/ndr/types.hpp"

namespace rampart::epm {

using LookupHandle = ndr::ContextHandle;  // ept_lookup_handle_t

/// ept_insert (opnum 0) [in]: num_ents, entries[num_ents], replace.
struct EptInsertRequest {
  std::vector<EptEntry> entries;
  std::uint32_t replace = 0;  // boolean32
  RAMPART_STUB_CODEC(EptInsertRequest);
};
/// ept_insert [out]: status.
struct EptInsertResponse {
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(EptInsertResponse);
};

/// ept_delete (opnum 1) [in]: num_ents, entries[num_ents].
struct EptDeleteRequest {
  std::vector<EptEntry> entries;
  RAMPART_STUB_CODEC(EptDeleteRequest);
};
struct EptDeleteResponse {
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(EptDeleteResponse);
};

/// ept_lookup (opnum 2) [in] ([MS-RPCE] 2.2.1.2.4).
struct EptLookupRequest {
  std::uint32_t inquiry_type = 0;
  std::optional<Uuid> object;            // [in, ptr] UUID*
  std::optional<RpcIfId> interface_id;   // [in, ptr] RPC_IF_ID*
  std::uint32_t vers_option = 0;
  LookupHandle entry_handle;
  std::uint32_t max_ents = 0;            // [range(0,500)]
  RAMPART_STUB_CODEC(EptLookupRequest);
};
/// ept_lookup [out]: entry_handle, num_ents, entries[max_ents] with
/// length_is(num_ents), status. `max_ents` is the array's max_count.
struct EptLookupResponse {
  LookupHandle entry_handle;
  std::uint32_t max_ents = 0;
  std::vector<EptEntry> entries;  // num_ents == entries.size()
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(EptLookupResponse);
};

/// ept_map (opnum 3) [in] ([MS-RPCE] 2.2.1.2.5).
struct EptMapRequest {
  std::optional<Uuid> object;    // [in, ptr] UUID* obj
  std::optional<Twr> map_tower;  // [in, ptr] twr_p_t
  LookupHandle entry_handle;
  std::uint32_t max_towers = 0;  // [range(0,500)]
  RAMPART_STUB_CODEC(EptMapRequest);
};
/// ept_map [out]: entry_handle, num_towers, ITowers[max_towers] with
/// length_is(num_towers) as [ptr] twr_p_t, status.
struct EptMapResponse {
  LookupHandle entry_handle;
  std::uint32_t max_towers = 0;  // the array's max_count
  std::vector<std::optional<Twr>> towers;
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(EptMapResponse);
};

/// ept_lookup_handle_free (opnum 4) [in, out] entry_handle.
struct EptLookupHandleFreeRequest {
  LookupHandle entry_handle;
  RAMPART_STUB_CODEC(EptLookupHandleFreeRequest);
};
struct EptLookupHandleFreeResponse {
  LookupHandle entry_handle;
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(EptLookupHandleFreeResponse);
};

/// ept_inq_object (opnum 5): no [in] parameters.
struct EptInqObjectRequest {
  RAMPART_STUB_CODEC(EptInqObjectRequest);
};
/// ept_inq_object [out]: the object UUID ([out] uuid_t*, a [ref] pointer
/// with no wire form of its own), status.
struct EptInqObjectResponse {
  Uuid ept_object;
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(EptInqObjectResponse);
};

/// ept_mgmt_delete (opnum 6) [in]: object_speced, [ptr] object, [ptr] tower.
struct EptMgmtDeleteRequest {
  std::uint32_t object_speced = 0;  // boolean32
  std::optional<Uuid> object;
  std::optional<Twr> tower;
  RAMPART_STUB_CODEC(EptMgmtDeleteRequest);
};
struct EptMgmtDeleteResponse {
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(EptMgmtDeleteResponse);
};

/// ept_map_auth (opnum 7) [in]. Windows marshals obj and map_tower as
/// [ref] pointers (no referent ids) and the caller's SID as a nullable
/// pointer to RPC_SID; the rest is as ept_map.
struct EptMapAuthRequest {
  Uuid object;
  Twr map_tower;
  std::optional<RpcSid> sid;
  LookupHandle entry_handle;
  std::uint32_t max_towers = 0;  // [range(0,500)]
  RAMPART_STUB_CODEC(EptMapAuthRequest);
};
/// ept_map_auth [out]: the same parameters as ept_map's.
struct EptMapAuthResponse {
  EptMapResponse result;
  RAMPART_STUB_CODEC(EptMapAuthResponse);
};

/// Human-readable status: "ept_s_not_registered (0x16c9a0d6)", "ok (0x00000000)".
[[nodiscard]] std::string describe_status(std::uint32_t status);

}  // namespace rampart::epm
