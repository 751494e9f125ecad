// One representative value of every EPM and mgmt request and response
// (the code generated from idl/c706/epm.idl and mgmt.idl), for the
// round-trip tests.
#pragma once

#include "epm.hpp"
#include "mgmt.hpp"
#include "rampart/ndr/stub.hpp"
#include "unit/interfaces/vectors.hpp"

namespace rampart::epm::test {

namespace spec_epm = spec::epm;
namespace spec_mgmt = spec::mgmt;
using spec::epm::ept_entry_t;
using spec::ms_dtyp::RPC_SID;
using spec::nbase::RPC_IF_ID;
using spec::nbase::twr_t;

/// A twr_t holding `octets`, tower_length agreeing.
inline twr_t twr(Bytes octets) { return twr_t{static_cast<std::uint32_t>(octets.size()), std::move(octets)}; }

inline twr_t sample_tower() { return twr(tcp_tower(135, {127, 0, 0, 1})); }

inline std::vector<ept_entry_t> sample_entries() {
  const auto obj = Uuid::from_string("01234567-89ab-cdef-0123-456789abcdef");
  return {ept_entry_t{obj, sample_tower(), "Rampart test"}, ept_entry_t{Uuid{}, std::nullopt, ""},
          ept_entry_t{obj, twr({1, 2, 3}), std::string(63, 'a')}};
}

inline ndr::ContextHandle sample_handle() {
  return {0, Uuid::from_string("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")};
}

inline RPC_SID sample_sid(std::vector<std::uint32_t> sub = {32, 544}) {
  return RPC_SID{1, static_cast<std::uint8_t>(sub.size()), {{0, 0, 0, 0, 0, 5}}, std::move(sub)};
}

inline spec_epm::ept_lookup_response lookup_response(ndr::ContextHandle h, std::uint32_t max_ents,
                                                     std::vector<ept_entry_t> entries, std::uint32_t status) {
  const auto n = static_cast<std::uint32_t>(entries.size());
  return {max_ents, h, n, std::move(entries), status};
}

inline spec_epm::ept_map_response map_response(ndr::ContextHandle h, std::uint32_t max_towers,
                                               std::vector<std::optional<twr_t>> towers, std::uint32_t status) {
  const auto n = static_cast<std::uint32_t>(towers.size());
  return {max_towers, h, n, std::move(towers), status};
}

inline auto samples() {
  const RPC_IF_ID ifid{Uuid::from_string("12345778-1234-abcd-ef00-0123456789ac"), 1, 0};
  const spec::nbase::_RPC_IF_ID mgmt_id{ifid.Uuid, 1, 0};
  const auto epm_uuid = spec_epm::ept_descriptor().syntax.uuid;
  return std::make_tuple(
      spec_epm::ept_insert_request{3, sample_entries(), 1}, spec_epm::ept_insert_response{0},
      spec_epm::ept_delete_request{3, sample_entries()},
      spec_epm::ept_delete_response{spec_epm::ept_s_not_registered},
      spec_epm::ept_lookup_request{1, std::nullopt, ifid, 1, sample_handle(), 500},
      lookup_response(sample_handle(), 500, sample_entries(), 0),
      spec_epm::ept_map_request{Uuid{}, sample_tower(), {}, 4},
      map_response(sample_handle(), 4, {sample_tower(), std::nullopt}, 0),
      spec_epm::ept_lookup_handle_free_request{sample_handle()}, spec_epm::ept_lookup_handle_free_response{{}, 0},
      spec_epm::ept_inq_object_request{}, spec_epm::ept_inq_object_response{ifid.Uuid, 0},
      spec_epm::ept_mgmt_delete_request{1, ifid.Uuid, sample_tower()}, spec_epm::ept_mgmt_delete_response{0},
      spec_epm::ept_map_auth_request{Uuid{}, sample_tower(), sample_sid(), {}, 1},
      spec_epm::ept_map_auth_response{1, {}, 1, {sample_tower()}, 0},
      spec_mgmt::rpc__mgmt_inq_if_ids_request{},
      spec_mgmt::rpc__mgmt_inq_if_ids_response{
          spec_mgmt::rpc_if_id_vector_t{3, {mgmt_id, std::nullopt, spec::nbase::_RPC_IF_ID{epm_uuid, 3, 0}}}, 0},
      spec_mgmt::rpc__mgmt_inq_stats_request{4}, spec_mgmt::rpc__mgmt_inq_stats_response{4, {10, 11, 12, 13}, 0},
      spec_mgmt::rpc__mgmt_is_server_listening_request{}, spec_mgmt::rpc__mgmt_is_server_listening_response{0, 1},
      spec_mgmt::rpc__mgmt_stop_server_listening_request{}, spec_mgmt::rpc__mgmt_stop_server_listening_response{5},
      spec_mgmt::rpc__mgmt_inq_princ_name_request{9, 256},
      spec_mgmt::rpc__mgmt_inq_princ_name_response{256, "host/server.example@EXAMPLE", 0});
}

}  // namespace rampart::epm::test
