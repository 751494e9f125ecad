// The fault policy: the one table that turns a protocol error into the wire
// reaction the peer gets (docs/hardening.md: a bind_nak with its reason, a
// fault with its status, or closing the connection). Nothing else in the runtime
// chooses a reaction. Each entry cites where its choice comes from.
#pragma once

#include <cstdint>
#include <string>

#include "rampart/base/error.hpp"
#include "rampart/pdu/constants.hpp"

namespace rampart::runtime {

/// Where in the association the error happened; the same error can deserve
/// a different reaction before and after bind.
enum class Phase : std::uint8_t {
  awaiting_bind,  // no bind yet: the peer expects a bind_ack or bind_nak
  binding,        // decoding a bind
  altering,       // decoding an alter_context on a bound connection
  in_call,        // a request: the peer expects a response or fault
  bound,          // any other PDU on a bound connection (auth3 among them)
};

struct Reaction {
  enum class Kind : std::uint8_t { bind_nak, fault, close };
  Kind kind = Kind::close;
  pdu::RejectReason nak_reason = pdu::RejectReason::reason_not_specified;
  std::uint32_t fault_status = 0;
  bool did_not_execute = false;
  bool close_after = true;  // close the connection once the reply is sent

  [[nodiscard]] std::string describe() const;
  friend bool operator==(const Reaction&, const Reaction&) = default;
};

/// The reaction to `error` in `phase`.
[[nodiscard]] Reaction react(const Error& error, Phase phase) noexcept;

}  // namespace rampart::runtime
