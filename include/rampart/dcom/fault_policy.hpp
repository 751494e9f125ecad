// The DCOM reaction table, the sibling of runtime::react
// (src/runtime/fault_policy.cpp): every dcom::Errc becomes exactly one
// status, either returned in the method's status value (the object
// resolver's error_status_t, an ORPC method's HRESULT) or sent as a fault.
// Nothing else in the DCOM layer picks a status for a refusal.
#pragma once

#include <cstdint>
#include <string>

#include "rampart/base/error.hpp"

namespace rampart::dcom {

struct DcomReaction {
  enum class Kind : std::uint8_t { status, fault };
  Kind kind = Kind::fault;
  std::uint32_t code = 0;
  friend bool operator==(const DcomReaction&, const DcomReaction&) = default;
};

/// The reaction to a DCOM-layer error. Errors of other layers (a stub that
/// does not decode) are the runtime fault policy's business: they get
/// RPC_X_BAD_STUB_DATA here too, the status runtime::react gives them.
[[nodiscard]] DcomReaction react(const Error& error) noexcept;

}  // namespace rampart::dcom
