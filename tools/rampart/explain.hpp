// The core of `rampart explain`: splits each direction of each
// conversation into PDUs, decodes them, follows the association (bind
// contexts, call ids, fragments) and says for each PDU whether Rampart
// accepts it or which rule it breaks and what Rampart would answer.
//
// The rules are the ones the server runtime applies: pdu::decode (C1, C4,
// C6), the association's order of PDUs (bind first, one bind, known
// contexts, opnums in range), reassembly (C2, C3) and the EPM and mgmt stub
// codecs. The reaction comes from runtime::react, the one fault policy.
// Server-to-client PDUs are checked against the same codecs; Rampart as a
// client closes the connection on a violation.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "input.hpp"

namespace rampart::cli {

/// A rule a PDU breaks.
struct Violation {
  std::string rule;      // "pdu.truncated_body", "runtime.unknown_context"
  std::string message;   // Error::to_string()
  std::string phase;     // the fault policy's phase: "awaiting_bind", "in_call", ...
  std::string reaction;  // runtime::Reaction::describe(), or "close" for server PDUs
};

struct PduReport {
  std::size_t index = 0;  // 1-based, across the whole run
  std::size_t stream = 0;
  Direction direction = Direction::unknown;
  std::string source;
  std::size_t offset = 0;  // into its direction's octets
  std::size_t frame = 0;   // capture frame of the first octet; 0 when not a capture
  std::size_t length = 0;
  std::string ptype;       // "bind", or "" when the header does not decode
  std::string describe;    // pdu::describe, empty when the PDU does not decode
  std::string interface;   // "epm v3.0 (C706)" for requests and responses; each context's for binds
  std::string operation;   // "ept_map request"
  std::string stub;        // the decoded stub's describe()
  std::vector<std::string> notes;
  std::optional<Violation> violation;  // nullopt: accepted
};

struct ExplainResult {
  std::vector<PduReport> pdus;
  std::vector<std::string> notes;  // per input: gaps, skipped frames
  [[nodiscard]] std::size_t violations() const noexcept;
};

/// Explains every PDU in `chunks`. Chunks of one stream form one
/// conversation; PDUs are taken in capture-frame order when frames are
/// known, else in the order given.
[[nodiscard]] ExplainResult explain(const std::vector<Chunk>& chunks);

}  // namespace rampart::cli
