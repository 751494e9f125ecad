// ept_insert, ept_delete and ept_lookup (C706 Appendix O; [MS-RPCE] 2.2.1.2.4).
#include <fmt/format.h>

#include "describe_util.hpp"
#include "rampart/interfaces/epm.hpp"

namespace rampart::epm {

namespace detail {
std::string entries_lines(const std::vector<EptEntry>& entries) {
  std::string out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    out += fmt::format("  entry[{}]:\n    object: {}\n    annotation: \"{}\"\n", i,
                       e.object.to_string(), e.annotation);
    out += e.tower ? fmt::format("    tower:\n{}", e.tower->describe("      "))
                   : std::string("    tower: NULL\n");
  }
  return out;
}
}  // namespace detail

namespace {

/// num_ents, then the conformant entries array whose max_count must equal
/// it (size_is(num_ents), C7).
Result<std::vector<EptEntry>> decode_sized_entries(ndr::Decoder& d) {
  const auto num_ents = RAMPART_TRY(d.u32());
  const auto count = RAMPART_TRY(d.conformance(num_ents));
  return decode_entries(d, count);
}

Result<void> encode_sized_entries(ndr::Encoder& e, const std::vector<EptEntry>& entries) {
  if (entries.size() > 0xffffffffu) return fail(ndr::Errc::value_too_large, "too many entries");
  e.u32(static_cast<std::uint32_t>(entries.size()));
  RAMPART_CHECK(e.conformance(entries.size()));
  return encode_entries(e, entries);
}

Result<std::uint32_t> decode_status(ndr::Decoder& d) { return d.u32(); }

}  // namespace

std::string describe_status(std::uint32_t status) {
  const char* name = "error";
  if (status == 0) name = "ok";
  if (status == kEptNotRegistered) name = "ept_s_not_registered";
  return fmt::format("{} (0x{:08x})", name, status);
}

// ---- ept_insert ----
Result<EptInsertRequest> EptInsertRequest::decode(ndr::Decoder& d) {
  EptInsertRequest r;
  r.entries = RAMPART_TRY(decode_sized_entries(d));
  r.replace = RAMPART_TRY(d.u32());
  return r;
}
Result<void> EptInsertRequest::encode(ndr::Encoder& e) const {
  RAMPART_CHECK(encode_sized_entries(e, entries));
  e.u32(replace);
  return {};
}
std::string EptInsertRequest::describe() const {
  return fmt::format("ept_insert request\n  num_ents: {}\n{}  replace: {}\n", entries.size(),
                     detail::entries_lines(entries), replace);
}

Result<EptInsertResponse> EptInsertResponse::decode(ndr::Decoder& d) {
  return EptInsertResponse{RAMPART_TRY(decode_status(d))};
}
Result<void> EptInsertResponse::encode(ndr::Encoder& e) const {
  e.u32(status);
  return {};
}
std::string EptInsertResponse::describe() const {
  return fmt::format("ept_insert response\n  status: {}\n", describe_status(status));
}

// ---- ept_delete ----
Result<EptDeleteRequest> EptDeleteRequest::decode(ndr::Decoder& d) {
  return EptDeleteRequest{RAMPART_TRY(decode_sized_entries(d))};
}
Result<void> EptDeleteRequest::encode(ndr::Encoder& e) const { return encode_sized_entries(e, entries); }
std::string EptDeleteRequest::describe() const {
  return fmt::format("ept_delete request\n  num_ents: {}\n{}", entries.size(),
                     detail::entries_lines(entries));
}

Result<EptDeleteResponse> EptDeleteResponse::decode(ndr::Decoder& d) {
  return EptDeleteResponse{RAMPART_TRY(decode_status(d))};
}
Result<void> EptDeleteResponse::encode(ndr::Encoder& e) const {
  e.u32(status);
  return {};
}
std::string EptDeleteResponse::describe() const {
  return fmt::format("ept_delete response\n  status: {}\n", describe_status(status));
}

// ---- ept_lookup ----
Result<EptLookupRequest> EptLookupRequest::decode(ndr::Decoder& d) {
  EptLookupRequest r;
  r.inquiry_type = RAMPART_TRY(d.u32());
  if (RAMPART_TRY(top_level_full_pointer(d, kTagUuid))) r.object = RAMPART_TRY(d.uuid());
  if (RAMPART_TRY(top_level_full_pointer(d, kTagIfId))) r.interface_id = RAMPART_TRY(RpcIfId::decode(d));
  r.vers_option = RAMPART_TRY(d.u32());
  r.entry_handle = RAMPART_TRY(d.context_handle());
  r.max_ents = RAMPART_TRY(d.in_range(RAMPART_TRY(d.u32()), 0u, kMaxEntries));
  return r;
}
Result<void> EptLookupRequest::encode(ndr::Encoder& e) const {
  e.u32(inquiry_type);
  if (e.full_pointer(object.has_value()).first) e.uuid(*object);
  if (e.full_pointer(interface_id.has_value()).first) interface_id->encode(e);
  e.u32(vers_option);
  e.context_handle(entry_handle);
  e.u32(max_ents);
  return {};
}
std::string EptLookupRequest::describe() const {
  return fmt::format(
      "ept_lookup request\n  inquiry_type: {}\n  object: {}\n  interface_id: {}\n"
      "  vers_option: {}\n{}  max_ents: {}\n",
      inquiry_type, detail::uuid_or_null(object),
      interface_id ? interface_id->describe() : std::string("NULL"), vers_option,
      detail::handle_line(entry_handle), max_ents);
}

Result<EptLookupResponse> EptLookupResponse::decode(ndr::Decoder& d) {
  EptLookupResponse r;
  r.entry_handle = RAMPART_TRY(d.context_handle());
  const auto num_ents = RAMPART_TRY(d.u32());
  const auto max = RAMPART_TRY(d.conformance());
  r.max_ents = static_cast<std::uint32_t>(max);
  const auto actual = RAMPART_TRY(d.variance(max, num_ents));
  r.entries = RAMPART_TRY(decode_entries(d, actual));
  r.status = RAMPART_TRY(d.u32());
  return r;
}
Result<void> EptLookupResponse::encode(ndr::Encoder& e) const {
  if (entries.size() > max_ents)
    return fail(ndr::Errc::actual_exceeds_max, "more entries than max_ents");
  e.context_handle(entry_handle);
  e.u32(static_cast<std::uint32_t>(entries.size()));
  RAMPART_CHECK(e.conformance(max_ents));
  RAMPART_CHECK(e.variance(entries.size()));
  RAMPART_CHECK(encode_entries(e, entries));
  e.u32(status);
  return {};
}
std::string EptLookupResponse::describe() const {
  return fmt::format("ept_lookup response\n{}  max_ents: {}\n  num_ents: {}\n{}  status: {}\n",
                     detail::handle_line(entry_handle), max_ents, entries.size(),
                     detail::entries_lines(entries), describe_status(status));
}

}  // namespace rampart::epm
