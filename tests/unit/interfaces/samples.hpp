// One representative value of every EPM and mgmt request and response,
// for the round-trip tests.
#pragma once

#include "rampart/interfaces/epm.hpp"
#include "rampart/interfaces/mgmt.hpp"
#include "unit/interfaces/vectors.hpp"

namespace rampart::epm::test {

inline Twr sample_tower() { return Twr{tcp_tower(135, {127, 0, 0, 1})}; }

inline std::vector<EptEntry> sample_entries() {
  const auto obj = Uuid::from_string("01234567-89ab-cdef-0123-456789abcdef");
  return {EptEntry{obj, sample_tower(), "Rampart test"},
          EptEntry{Uuid{}, std::nullopt, ""},
          EptEntry{obj, Twr{{1, 2, 3}}, std::string(63, 'a')}};
}

inline ndr::ContextHandle sample_handle() {
  return {0, Uuid::from_string("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")};
}

inline auto samples() {
  const RpcIfId ifid{Uuid::from_string("12345778-1234-abcd-ef00-0123456789ac"), 1, 0};
  const RpcSid sid{1, {0, 0, 0, 0, 0, 5}, {32, 544}};
  return std::make_tuple(
      EptInsertRequest{sample_entries(), 1}, EptInsertResponse{0},
      EptDeleteRequest{sample_entries()}, EptDeleteResponse{kEptNotRegistered},
      EptLookupRequest{1, std::nullopt, ifid, 1, sample_handle(), 500},
      EptLookupResponse{sample_handle(), 500, sample_entries(), 0},
      EptMapRequest{Uuid{}, sample_tower(), {}, 4},
      EptMapResponse{sample_handle(), 4, {sample_tower(), std::nullopt}, 0},
      EptLookupHandleFreeRequest{sample_handle()}, EptLookupHandleFreeResponse{{}, 0},
      EptInqObjectRequest{}, EptInqObjectResponse{ifid.uuid, 0},
      EptMgmtDeleteRequest{1, ifid.uuid, sample_tower()}, EptMgmtDeleteResponse{0},
      EptMapAuthRequest{Uuid{}, sample_tower(), sid, {}, 1},
      EptMapAuthResponse{EptMapResponse{{}, 1, {sample_tower()}, 0}},
      mgmt::InqIfIdsRequest{},
      mgmt::InqIfIdsResponse{std::vector<std::optional<RpcIfId>>{ifid, std::nullopt, RpcIfId{kInterface.uuid, 3, 0}}, 0},
      mgmt::InqStatsRequest{4}, mgmt::InqStatsResponse{{10, 11, 12, 13}, 0},
      mgmt::IsServerListeningRequest{}, mgmt::IsServerListeningResponse{0, 1},
      mgmt::StopServerListeningRequest{}, mgmt::StopServerListeningResponse{5},
      mgmt::InqPrincNameRequest{9, 256}, mgmt::InqPrincNameResponse{256, "host/server.example@EXAMPLE", 0});
}

}  // namespace rampart::epm::test
