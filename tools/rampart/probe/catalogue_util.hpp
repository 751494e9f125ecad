// Shorthands for writing the catalogue (probes_bind.cpp, probes_call.cpp).
#pragma once

#include <optional>
#include <vector>

#include "probe.hpp"
#include "rampart/pdu/status.hpp"
#include "wire.hpp"

namespace rampart::probe::detail {

inline constexpr std::uint32_t kRpcInvalidBound = 0x000006c6;  // RPC_X_INVALID_BOUND ([MS-ERREF] 2.2)

inline Expected nak(std::uint32_t reason, std::optional<bool> close_after = std::nullopt) {
  return {ReactionKind::bind_nak, reason, close_after};
}
inline Expected fault(std::uint32_t status, std::optional<bool> close_after = std::nullopt) {
  return {ReactionKind::fault, status, close_after};
}
inline Expected closed() { return {ReactionKind::closed, std::nullopt, std::nullopt}; }
inline Expected bind_ack(std::uint32_t first_result) { return {ReactionKind::bind_ack, first_result, std::nullopt}; }
inline Expected response(std::optional<std::uint32_t> status = std::nullopt) {
  return {ReactionKind::response, status, std::nullopt};
}

inline Expected accepted(ReactionKind k) { return {k, std::nullopt, std::nullopt}; }

using Pdus = std::vector<wire::Octets>;

void add_bind_probes(std::vector<Probe>& out);
void add_call_probes(std::vector<Probe>& out);
void add_name_handle_probes(std::vector<Probe>& out);
void add_dcom_probes(std::vector<Probe>& out);
void add_auth_probes(std::vector<Probe>& out);

}  // namespace rampart::probe::detail
