// Remote management interface codecs (C706 Appendix Q).
#include "rampart/interfaces/mgmt.hpp"

#include <fmt/format.h>

namespace rampart::mgmt {

const SyntaxId kInterface{Uuid::from_string("afa8bd80-7d8a-11c9-bef4-08002b102989"), 1, 0};

namespace {

std::string status_line(std::uint32_t status) { return fmt::format("  status: 0x{:08x}\n", status); }

/// rpc_if_id_vector_t: a conformant structure; max_count must equal count
/// (C7). Its elements are [unique] pointers whose referents follow the
/// whole structure (C706 14.3.12.3).
Result<std::vector<std::optional<RpcIfId>>> decode_if_id_vector(ndr::Decoder& d) {
  auto guard = RAMPART_TRY(d.enter());
  const auto wire_max = RAMPART_TRY(d.conformance());
  const auto count = RAMPART_TRY(d.u32());
  if (count != wire_max)
    return fail(ndr::Errc::conformance_mismatch, "count differs from max_count", d.position() - 4);
  RAMPART_CHECK(d.need(count, 4));
  RAMPART_CHECK(d.charge(count, sizeof(std::optional<RpcIfId>)));
  std::vector<std::optional<RpcIfId>> ids(count);
  for (auto& id : ids)
    if (!RAMPART_TRY(d.unique_pointer()).is_null()) id.emplace();
  for (auto& id : ids)
    if (id) *id = RAMPART_TRY(RpcIfId::decode(d));
  return ids;
}

}  // namespace

// ---- inq_if_ids ----
Result<InqIfIdsRequest> InqIfIdsRequest::decode(ndr::Decoder&) { return InqIfIdsRequest{}; }
Result<void> InqIfIdsRequest::encode(ndr::Encoder&) const { return {}; }
std::string InqIfIdsRequest::describe() const { return "mgmt inq_if_ids request\n"; }

Result<InqIfIdsResponse> InqIfIdsResponse::decode(ndr::Decoder& d) {
  InqIfIdsResponse r;
  if (!RAMPART_TRY(d.unique_pointer()).is_null()) r.if_id_vector = RAMPART_TRY(decode_if_id_vector(d));
  r.status = RAMPART_TRY(d.u32());
  return r;
}
Result<void> InqIfIdsResponse::encode(ndr::Encoder& e) const {
  if (e.unique_pointer(if_id_vector.has_value()).referent_id != 0) {
    RAMPART_CHECK(e.conformance(if_id_vector->size()));
    e.u32(static_cast<std::uint32_t>(if_id_vector->size()));
    for (const auto& id : *if_id_vector) e.unique_pointer(id.has_value());
    for (const auto& id : *if_id_vector)
      if (id) id->encode(e);
  }
  e.u32(status);
  return {};
}
std::string InqIfIdsResponse::describe() const {
  std::string out = "mgmt inq_if_ids response\n";
  if (!if_id_vector) {
    out += "  if_id_vector: NULL\n";
  } else {
    out += fmt::format("  if_id_vector: {} entries\n", if_id_vector->size());
    for (std::size_t i = 0; i < if_id_vector->size(); ++i) {
      const auto& id = (*if_id_vector)[i];
      out += fmt::format("    if_id[{}]: {}\n", i, id ? id->describe() : std::string("NULL"));
    }
  }
  return out + status_line(status);
}

// ---- inq_stats ----
Result<InqStatsRequest> InqStatsRequest::decode(ndr::Decoder& d) {
  return InqStatsRequest{RAMPART_TRY(d.u32())};
}
Result<void> InqStatsRequest::encode(ndr::Encoder& e) const {
  e.u32(count);
  return {};
}
std::string InqStatsRequest::describe() const {
  return fmt::format("mgmt inq_stats request\n  count: {}\n", count);
}

Result<InqStatsResponse> InqStatsResponse::decode(ndr::Decoder& d) {
  InqStatsResponse r;
  const auto count = RAMPART_TRY(d.u32());
  r.statistics = RAMPART_TRY(d.conformant_array<std::uint32_t>(count));
  r.status = RAMPART_TRY(d.u32());
  return r;
}
Result<void> InqStatsResponse::encode(ndr::Encoder& e) const {
  e.u32(static_cast<std::uint32_t>(statistics.size()));
  RAMPART_CHECK(e.conformant_array(std::span<const std::uint32_t>(statistics)));
  e.u32(status);
  return {};
}
std::string InqStatsResponse::describe() const {
  // C706 Appendix Q: rpc_c_stats_calls_in, _calls_out, _pkts_in, _pkts_out.
  static constexpr const char* kNames[] = {"calls_in", "calls_out", "pkts_in", "pkts_out"};
  std::string out = fmt::format("mgmt inq_stats response\n  count: {}\n", statistics.size());
  for (std::size_t i = 0; i < statistics.size(); ++i)
    out += fmt::format("    {}: {}\n", i < 4 ? kNames[i] : "unknown", statistics[i]);
  return out + status_line(status);
}

// ---- is_server_listening ----
Result<IsServerListeningRequest> IsServerListeningRequest::decode(ndr::Decoder&) {
  return IsServerListeningRequest{};
}
Result<void> IsServerListeningRequest::encode(ndr::Encoder&) const { return {}; }
std::string IsServerListeningRequest::describe() const { return "mgmt is_server_listening request\n"; }

Result<IsServerListeningResponse> IsServerListeningResponse::decode(ndr::Decoder& d) {
  IsServerListeningResponse r;
  r.status = RAMPART_TRY(d.u32());
  r.listening = RAMPART_TRY(d.u32());
  return r;
}
Result<void> IsServerListeningResponse::encode(ndr::Encoder& e) const {
  e.u32(status);
  e.u32(listening);
  return {};
}
std::string IsServerListeningResponse::describe() const {
  return fmt::format("mgmt is_server_listening response\n{}  listening: {}\n", status_line(status),
                     listening);
}

// ---- stop_server_listening ----
Result<StopServerListeningRequest> StopServerListeningRequest::decode(ndr::Decoder&) {
  return StopServerListeningRequest{};
}
Result<void> StopServerListeningRequest::encode(ndr::Encoder&) const { return {}; }
std::string StopServerListeningRequest::describe() const {
  return "mgmt stop_server_listening request\n";
}

Result<StopServerListeningResponse> StopServerListeningResponse::decode(ndr::Decoder& d) {
  return StopServerListeningResponse{RAMPART_TRY(d.u32())};
}
Result<void> StopServerListeningResponse::encode(ndr::Encoder& e) const {
  e.u32(status);
  return {};
}
std::string StopServerListeningResponse::describe() const {
  return "mgmt stop_server_listening response\n" + status_line(status);
}

// ---- inq_princ_name ----
Result<InqPrincNameRequest> InqPrincNameRequest::decode(ndr::Decoder& d) {
  InqPrincNameRequest r;
  r.authn_proto = RAMPART_TRY(d.u32());
  r.princ_name_size = RAMPART_TRY(d.u32());
  return r;
}
Result<void> InqPrincNameRequest::encode(ndr::Encoder& e) const {
  e.u32(authn_proto);
  e.u32(princ_name_size);
  return {};
}
std::string InqPrincNameRequest::describe() const {
  return fmt::format("mgmt inq_princ_name request\n  authn_proto: {}\n  princ_name_size: {}\n",
                     authn_proto, princ_name_size);
}

Result<InqPrincNameResponse> InqPrincNameResponse::decode(ndr::Decoder& d) {
  InqPrincNameResponse r;
  const auto max = RAMPART_TRY(d.conformance());
  if (max == 0)  // no room even for the terminator (C8)
    return fail(ndr::Errc::string_not_terminated, "princ_name array has no room", d.position() - 4);
  r.princ_name_size = static_cast<std::uint32_t>(max);
  // The max_count just read bounds the varying part like a fixed array.
  r.princ_name = RAMPART_TRY(d.string(ndr::StringSpec{r.princ_name_size, std::nullopt, kMaxPrincNameLength}));
  r.status = RAMPART_TRY(d.u32());
  return r;
}
Result<void> InqPrincNameResponse::encode(ndr::Encoder& e) const {
  RAMPART_CHECK(e.string(princ_name, ndr::StringSpec{0, princ_name_size, kMaxPrincNameLength}));
  e.u32(status);
  return {};
}
std::string InqPrincNameResponse::describe() const {
  return fmt::format("mgmt inq_princ_name response\n  princ_name_size: {}\n  princ_name: \"{}\"\n{}",
                     princ_name_size, princ_name, status_line(status));
}

}  // namespace rampart::mgmt
