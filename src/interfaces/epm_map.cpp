// ept_map, ept_map_auth, ept_lookup_handle_free, ept_inq_object and
// ept_mgmt_delete (C706 Appendix O; [MS-RPCE] 2.2.1.2.5).
#include <fmt/format.h>

#include "describe_util.hpp"
#include "rampart/interfaces/epm.hpp"

namespace rampart::epm {

namespace {

/// The [out] parameters ept_map and ept_map_auth share: entry_handle,
/// num_towers, then ITowers: a conformant varying array of [ptr] twr_p_t
/// with size_is(max_towers) and length_is(num_towers) (C7), then status.
Result<EptMapResponse> decode_map_result(ndr::Decoder& d) {
  EptMapResponse r;
  r.entry_handle = RAMPART_TRY(d.context_handle());
  const auto num_towers = RAMPART_TRY(d.u32());
  const auto max = RAMPART_TRY(d.conformance());
  r.max_towers = static_cast<std::uint32_t>(max);
  const auto actual = RAMPART_TRY(d.variance(max, num_towers));
  r.towers = RAMPART_TRY(decode_tower_array(d, actual));
  r.status = RAMPART_TRY(d.u32());
  return r;
}

Result<void> encode_map_result(ndr::Encoder& e, const EptMapResponse& r) {
  if (r.towers.size() > r.max_towers)
    return fail(ndr::Errc::actual_exceeds_max, "more towers than max_towers");
  e.context_handle(r.entry_handle);
  e.u32(static_cast<std::uint32_t>(r.towers.size()));
  RAMPART_CHECK(e.conformance(r.max_towers));
  RAMPART_CHECK(e.variance(r.towers.size()));
  RAMPART_CHECK(encode_tower_array(e, r.towers));
  e.u32(r.status);
  return {};
}

std::string describe_map_result(std::string_view title, const EptMapResponse& r) {
  std::string out = fmt::format("{}\n{}  max_towers: {}\n  num_towers: {}\n", title,
                                detail::handle_line(r.entry_handle), r.max_towers, r.towers.size());
  for (std::size_t i = 0; i < r.towers.size(); ++i)
    out += detail::tower_lines(fmt::format("tower[{}]", i), r.towers[i]);
  return out + fmt::format("  status: {}\n", describe_status(r.status));
}

Result<std::uint32_t> decode_max_towers(ndr::Decoder& d) {
  return d.in_range(RAMPART_TRY(d.u32()), 0u, kMaxEntries);
}

}  // namespace

// ---- ept_map ----
Result<EptMapRequest> EptMapRequest::decode(ndr::Decoder& d) {
  EptMapRequest r;
  if (RAMPART_TRY(top_level_full_pointer(d, kTagUuid))) r.object = RAMPART_TRY(d.uuid());
  if (RAMPART_TRY(top_level_full_pointer(d, kTagTower))) r.map_tower = RAMPART_TRY(Twr::decode(d));
  r.entry_handle = RAMPART_TRY(d.context_handle());
  r.max_towers = RAMPART_TRY(decode_max_towers(d));
  return r;
}
Result<void> EptMapRequest::encode(ndr::Encoder& e) const {
  if (e.full_pointer(object.has_value()).first) e.uuid(*object);
  if (e.full_pointer(map_tower.has_value()).first) RAMPART_CHECK(map_tower->encode(e));
  e.context_handle(entry_handle);
  e.u32(max_towers);
  return {};
}
std::string EptMapRequest::describe() const {
  return fmt::format("ept_map request\n  object: {}\n{}{}  max_towers: {}\n",
                     detail::uuid_or_null(object), detail::tower_lines("map_tower", map_tower),
                     detail::handle_line(entry_handle), max_towers);
}

Result<EptMapResponse> EptMapResponse::decode(ndr::Decoder& d) { return decode_map_result(d); }
Result<void> EptMapResponse::encode(ndr::Encoder& e) const { return encode_map_result(e, *this); }
std::string EptMapResponse::describe() const { return describe_map_result("ept_map response", *this); }

// ---- ept_lookup_handle_free ----
Result<EptLookupHandleFreeRequest> EptLookupHandleFreeRequest::decode(ndr::Decoder& d) {
  return EptLookupHandleFreeRequest{RAMPART_TRY(d.context_handle())};
}
Result<void> EptLookupHandleFreeRequest::encode(ndr::Encoder& e) const {
  e.context_handle(entry_handle);
  return {};
}
std::string EptLookupHandleFreeRequest::describe() const {
  return fmt::format("ept_lookup_handle_free request\n{}", detail::handle_line(entry_handle));
}

Result<EptLookupHandleFreeResponse> EptLookupHandleFreeResponse::decode(ndr::Decoder& d) {
  EptLookupHandleFreeResponse r;
  r.entry_handle = RAMPART_TRY(d.context_handle());
  r.status = RAMPART_TRY(d.u32());
  return r;
}
Result<void> EptLookupHandleFreeResponse::encode(ndr::Encoder& e) const {
  e.context_handle(entry_handle);
  e.u32(status);
  return {};
}
std::string EptLookupHandleFreeResponse::describe() const {
  return fmt::format("ept_lookup_handle_free response\n{}  status: {}\n",
                     detail::handle_line(entry_handle), describe_status(status));
}

// ---- ept_inq_object ----
Result<EptInqObjectRequest> EptInqObjectRequest::decode(ndr::Decoder&) { return EptInqObjectRequest{}; }
Result<void> EptInqObjectRequest::encode(ndr::Encoder&) const { return {}; }
std::string EptInqObjectRequest::describe() const { return "ept_inq_object request\n"; }

Result<EptInqObjectResponse> EptInqObjectResponse::decode(ndr::Decoder& d) {
  EptInqObjectResponse r;
  r.ept_object = RAMPART_TRY(d.uuid());
  r.status = RAMPART_TRY(d.u32());
  return r;
}
Result<void> EptInqObjectResponse::encode(ndr::Encoder& e) const {
  e.uuid(ept_object);
  e.u32(status);
  return {};
}
std::string EptInqObjectResponse::describe() const {
  return fmt::format("ept_inq_object response\n  ept_object: {}\n  status: {}\n",
                     ept_object.to_string(), describe_status(status));
}

// ---- ept_mgmt_delete ----
Result<EptMgmtDeleteRequest> EptMgmtDeleteRequest::decode(ndr::Decoder& d) {
  EptMgmtDeleteRequest r;
  r.object_speced = RAMPART_TRY(d.u32());
  if (RAMPART_TRY(top_level_full_pointer(d, kTagUuid))) r.object = RAMPART_TRY(d.uuid());
  if (RAMPART_TRY(top_level_full_pointer(d, kTagTower))) r.tower = RAMPART_TRY(Twr::decode(d));
  return r;
}
Result<void> EptMgmtDeleteRequest::encode(ndr::Encoder& e) const {
  e.u32(object_speced);
  if (e.full_pointer(object.has_value()).first) e.uuid(*object);
  if (e.full_pointer(tower.has_value()).first) RAMPART_CHECK(tower->encode(e));
  return {};
}
std::string EptMgmtDeleteRequest::describe() const {
  return fmt::format("ept_mgmt_delete request\n  object_speced: {}\n  object: {}\n{}",
                     object_speced, detail::uuid_or_null(object), detail::tower_lines("tower", tower));
}

Result<EptMgmtDeleteResponse> EptMgmtDeleteResponse::decode(ndr::Decoder& d) {
  return EptMgmtDeleteResponse{RAMPART_TRY(d.u32())};
}
Result<void> EptMgmtDeleteResponse::encode(ndr::Encoder& e) const {
  e.u32(status);
  return {};
}
std::string EptMgmtDeleteResponse::describe() const {
  return fmt::format("ept_mgmt_delete response\n  status: {}\n", describe_status(status));
}

// ---- ept_map_auth ----
Result<EptMapAuthRequest> EptMapAuthRequest::decode(ndr::Decoder& d) {
  EptMapAuthRequest r;
  r.object = RAMPART_TRY(d.uuid());
  r.map_tower = RAMPART_TRY(Twr::decode(d));
  if (RAMPART_TRY(top_level_full_pointer(d, kTagSid))) r.sid = RAMPART_TRY(RpcSid::decode(d));
  r.entry_handle = RAMPART_TRY(d.context_handle());
  r.max_towers = RAMPART_TRY(decode_max_towers(d));
  return r;
}
Result<void> EptMapAuthRequest::encode(ndr::Encoder& e) const {
  e.uuid(object);
  RAMPART_CHECK(map_tower.encode(e));
  if (e.full_pointer(sid.has_value()).first) RAMPART_CHECK(sid->encode(e));
  e.context_handle(entry_handle);
  e.u32(max_towers);
  return {};
}
std::string EptMapAuthRequest::describe() const {
  return fmt::format("ept_map_auth request\n  object: {}\n  map_tower:\n{}  sid: {}\n{}  max_towers: {}\n",
                     object.to_string(), map_tower.describe("    "),
                     sid ? sid->describe() : std::string("NULL"), detail::handle_line(entry_handle),
                     max_towers);
}

Result<EptMapAuthResponse> EptMapAuthResponse::decode(ndr::Decoder& d) {
  return EptMapAuthResponse{RAMPART_TRY(decode_map_result(d))};
}
Result<void> EptMapAuthResponse::encode(ndr::Encoder& e) const { return encode_map_result(e, result); }
std::string EptMapAuthResponse::describe() const {
  return describe_map_result("ept_map_auth response", result);
}

}  // namespace rampart::epm
