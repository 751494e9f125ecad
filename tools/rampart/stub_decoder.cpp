#include "stub_decoder.hpp"

#include <fmt/format.h>

#include <array>

#include "rampart/interfaces/epm.hpp"
#include "rampart/interfaces/mgmt.hpp"
#include "rampart/ndr/stub.hpp"
#include "well_known.hpp"

namespace rampart::cli {

namespace {

using Describe = Result<std::string> (*)(std::span<const std::uint8_t>, Drep);

template <class T>
Result<std::string> describe_as(std::span<const std::uint8_t> stub, Drep drep) {
  auto value = RAMPART_TRY(ndr::decode_stub<T>(stub, drep));
  return value.describe();
}

struct Operation {
  const char* name;
  Describe request;
  Describe response;
};

// C706 Appendix O / [MS-RPCE] 2.2.1.2, in opnum order.
constexpr std::array<Operation, 8> kEpm = {{
    {"ept_insert", describe_as<epm::EptInsertRequest>, describe_as<epm::EptInsertResponse>},
    {"ept_delete", describe_as<epm::EptDeleteRequest>, describe_as<epm::EptDeleteResponse>},
    {"ept_lookup", describe_as<epm::EptLookupRequest>, describe_as<epm::EptLookupResponse>},
    {"ept_map", describe_as<epm::EptMapRequest>, describe_as<epm::EptMapResponse>},
    {"ept_lookup_handle_free", describe_as<epm::EptLookupHandleFreeRequest>,
     describe_as<epm::EptLookupHandleFreeResponse>},
    {"ept_inq_object", describe_as<epm::EptInqObjectRequest>, describe_as<epm::EptInqObjectResponse>},
    {"ept_mgmt_delete", describe_as<epm::EptMgmtDeleteRequest>, describe_as<epm::EptMgmtDeleteResponse>},
    {"ept_map_auth", describe_as<epm::EptMapAuthRequest>, describe_as<epm::EptMapAuthResponse>},
}};

// C706 Appendix Q, in opnum order.
constexpr std::array<Operation, 5> kMgmt = {{
    {"inq_if_ids", describe_as<mgmt::InqIfIdsRequest>, describe_as<mgmt::InqIfIdsResponse>},
    {"inq_stats", describe_as<mgmt::InqStatsRequest>, describe_as<mgmt::InqStatsResponse>},
    {"is_server_listening", describe_as<mgmt::IsServerListeningRequest>,
     describe_as<mgmt::IsServerListeningResponse>},
    {"stop_server_listening", describe_as<mgmt::StopServerListeningRequest>,
     describe_as<mgmt::StopServerListeningResponse>},
    {"inq_princ_name", describe_as<mgmt::InqPrincNameRequest>, describe_as<mgmt::InqPrincNameResponse>},
}};

// The operation table of an interface; the version must match its major.
std::span<const Operation> table_for(const SyntaxId& iface) noexcept {
  if (iface.uuid == epm::kInterface.uuid && iface.major == epm::kInterface.major) return kEpm;
  if (iface.uuid == mgmt::kInterface.uuid && iface.major == mgmt::kInterface.major) return kMgmt;
  return {};
}

}  // namespace

std::optional<std::uint16_t> operation_count(const SyntaxId& iface) noexcept {
  const auto t = table_for(iface);
  if (t.empty()) return std::nullopt;
  return static_cast<std::uint16_t>(t.size());
}

std::string operation_name(const SyntaxId& iface, std::uint16_t opnum) {
  const auto t = table_for(iface);
  return opnum < t.size() ? t[opnum].name : "";
}

std::optional<Result<std::string>> describe_stub(const SyntaxId& iface, std::uint16_t opnum, bool request,
                                                 std::span<const std::uint8_t> stub, Drep drep) {
  const auto t = table_for(iface);
  if (opnum >= t.size()) return std::nullopt;
  return (request ? t[opnum].request : t[opnum].response)(stub, drep);
}

std::string interface_label(const SyntaxId& iface) {
  const auto* w = find_well_known(iface.uuid);
  if (!w) return iface.to_string();
  return fmt::format("{} v{}.{} ({})", w->name, iface.major, iface.minor, w->spec);
}

}  // namespace rampart::cli
