// One conversation as explain follows it: the server's view of the
// association (bound or not, the presentation contexts each bind and
// bind_ack defined, calls by call_id) and both directions' reassembly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "explain.hpp"
#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/fault_policy.hpp"
#include "rampart/runtime/reassembler.hpp"

namespace rampart::cli {

class Conversation {
 public:
  /// Explains one PDU's octets (possibly not a whole or valid PDU) sent in
  /// `direction`, filling the report's describe, stub and verdict fields.
  void explain(std::span<const std::uint8_t> bytes, Direction direction, PduReport& report);

 private:
  struct Context {
    SyntaxId abstract_syntax;
    bool accepted = true;  // until a bind_ack says otherwise
  };
  struct Call {
    std::uint16_t context_id = 0;
    std::uint16_t opnum = 0;
    std::optional<SyntaxId> interface;
  };

  void from_client(const pdu::Pdu& p, PduReport& report);
  void from_server(const pdu::Pdu& p, PduReport& report);
  Result<void> check_order(const pdu::Pdu& p) const;
  void on_bind(const pdu::Pdu& p, const pdu::Bind& b, PduReport& report);
  void on_bind_result(const pdu::Pdu& p, const pdu::BindAck& ack);
  void on_request(const pdu::Pdu& p, const pdu::Request& r, PduReport& report);
  void on_response(const pdu::Pdu& p, PduReport& report);
  Result<void> check_call(const pdu::Request& r) const;
  void decode_stub(const Call& call, bool request, const runtime::ReassembledCall& whole, PduReport& report,
                   runtime::Phase phase);
  [[nodiscard]] runtime::Phase phase_for(std::uint8_t ptype, Direction d) const noexcept;
  void reject(const Error& e, std::uint8_t ptype, Direction d, PduReport& report) const;
  void reject_in(const Error& e, runtime::Phase phase, Direction d, PduReport& report) const;

  bool bound_ = false;
  std::map<std::uint16_t, Context> contexts_;
  std::map<std::uint32_t, std::vector<std::uint16_t>> offers_;  // bind/alter call_id -> context ids
  std::map<std::uint32_t, Call> calls_;
  runtime::Reassembler requests_;
  runtime::Reassembler responses_;
};

/// The direction a PDU travels, judged from its PTYPE octet alone.
[[nodiscard]] Direction direction_of_ptype(std::uint8_t ptype) noexcept;

}  // namespace rampart::cli
