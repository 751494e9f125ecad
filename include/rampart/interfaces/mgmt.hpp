// Remote management interface v1.0 (C706 Appendix Q, mgmt.idl):
// afa8bd80-7d8a-11c9-bef4-08002b102989. pointer_default(unique).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rampart/interfaces/codec.hpp"
#include "rampart/interfaces/epm_types.hpp"

namespace rampart::mgmt {

extern const SyntaxId kInterface;

enum class Opnum : std::uint16_t {
  inq_if_ids = 0,
  inq_stats = 1,
  is_server_listening = 2,
  stop_server_listening = 3,
  inq_princ_name = 4,
};

/// Longest principal name accepted, terminator excluded (C8). A Kerberos
/// SPN is a service class, a DNS host name (at most 253 octets, RFC 1035)
/// and a realm of similar size; 1024 covers that with room to spare.
inline constexpr std::uint32_t kMaxPrincNameLength = 1024;

using epm::RpcIfId;

/// rpc__mgmt_inq_if_ids (opnum 0): no [in] parameters.
struct InqIfIdsRequest {
  RAMPART_STUB_CODEC(InqIfIdsRequest);
};
/// [out] rpc_if_id_vector_p_t* if_id_vector, status. The vector is a
/// [unique] pointer to a conformant structure { count; [size_is(count)]
/// rpc_if_id_p_t if_id[]; } whose elements are [unique] pointers.
struct InqIfIdsResponse {
  std::optional<std::vector<std::optional<RpcIfId>>> if_id_vector;
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(InqIfIdsResponse);
};

/// rpc__mgmt_inq_stats (opnum 1) [in, out] count.
struct InqStatsRequest {
  std::uint32_t count = 0;
  RAMPART_STUB_CODEC(InqStatsRequest);
};
/// [out] count, statistics[count] (conformant, max_count == count), status.
struct InqStatsResponse {
  std::vector<std::uint32_t> statistics;
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(InqStatsResponse);
};

/// rpc__mgmt_is_server_listening (opnum 2): no [in] parameters.
struct IsServerListeningRequest {
  RAMPART_STUB_CODEC(IsServerListeningRequest);
};
/// [out] status, then the boolean32 return value.
struct IsServerListeningResponse {
  std::uint32_t status = 0;
  std::uint32_t listening = 0;
  RAMPART_STUB_CODEC(IsServerListeningResponse);
};

/// rpc__mgmt_stop_server_listening (opnum 3): no [in] parameters.
struct StopServerListeningRequest {
  RAMPART_STUB_CODEC(StopServerListeningRequest);
};
struct StopServerListeningResponse {
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(StopServerListeningResponse);
};

/// rpc__mgmt_inq_princ_name (opnum 4) [in] authn_proto, princ_name_size.
/// princ_name_size only sizes the reply's array; nothing is allocated by it.
struct InqPrincNameRequest {
  std::uint32_t authn_proto = 0;
  std::uint32_t princ_name_size = 0;
  RAMPART_STUB_CODEC(InqPrincNameRequest);
};
/// [out, string, size_is(princ_name_size)] char princ_name[], status.
/// `princ_name_size` is the array's max_count.
struct InqPrincNameResponse {
  std::uint32_t princ_name_size = 0;
  std::string princ_name;  // at most kMaxPrincNameLength
  std::uint32_t status = 0;
  RAMPART_STUB_CODEC(InqPrincNameResponse);
};

}  // namespace rampart::mgmt
