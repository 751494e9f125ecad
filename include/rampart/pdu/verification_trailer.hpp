// The verification trailer ([MS-RPCE] 2.2.2.13): commands appended to the
// last request fragment's stub that let the server check header fields the
// security provider does not protect.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rampart/base/byte_writer.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/pdu/bodies.hpp"
#include "rampart/pdu/errc.hpp"

namespace rampart::pdu {

/// SEC_VT_COMMAND_BITMASK_1 (2.2.2.13.2).
struct VtBitmask1 {
  std::uint32_t bits = 0;  // 0x1: CLIENT_SUPPORT_HEADER_SIGNING
  friend bool operator==(const VtBitmask1&, const VtBitmask1&) = default;
};
/// SEC_VT_COMMAND_PCONTEXT (2.2.2.13.3).
struct VtPContext {
  SyntaxId interface_id;
  SyntaxId transfer_syntax;
  friend bool operator==(const VtPContext&, const VtPContext&) = default;
};
/// SEC_VT_COMMAND_HEADER2 (2.2.2.13.4).
struct VtHeader2 {
  std::uint8_t ptype = 0;
  std::array<std::uint8_t, 4> drep{};
  std::uint32_t call_id = 0;
  std::uint16_t context_id = 0;
  std::uint16_t opnum = 0;
  friend bool operator==(const VtHeader2&, const VtHeader2&) = default;
};
/// A command type this version does not know; kept so the caller can
/// refuse it when SEC_VT_MUST_PROCESS_COMMAND is set.
struct VtUnknown {
  std::uint16_t type = 0;
  std::vector<std::uint8_t> value;
  friend bool operator==(const VtUnknown&, const VtUnknown&) = default;
};
struct VtCommand {
  bool must_process = false;
  std::variant<VtBitmask1, VtPContext, VtHeader2, VtUnknown> body;
  friend bool operator==(const VtCommand&, const VtCommand&) = default;
};

struct VerificationTrailer {
  using Bitmask1 = VtBitmask1;
  using PContext = VtPContext;
  using Header2 = VtHeader2;
  using Unknown = VtUnknown;
  using Command = VtCommand;

  std::vector<Command> commands;

  /// Appends the trailer to a stub: pads to 4-octet alignment (relative to
  /// the writer's start), writes the signature and the commands, marking the
  /// last with SEC_VT_COMMAND_END.
  void encode(ByteWriter& w) const;
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const VerificationTrailer&, const VerificationTrailer&) = default;
};

struct LocatedTrailer {
  std::size_t offset;  // where the signature starts in the stub
  VerificationTrailer trailer;
};

/// Limits for the trailer search. The largest trailer [MS-RPCE] defines is
/// 8 + 8 + 44 + 20 = 80 octets; 512 leaves room for unknown commands while
/// keeping the backwards scan bounded (C11).
struct TrailerLimits {
  std::size_t max_trailer_size = 512;
  std::size_t max_commands = 16;
};

/// [MS-RPCE] 2.2.2.13: the server searches the end of the stub for the
/// signature rather than assuming the trailer follows the NDR data. A found
/// trailer must end exactly at the end of the stub. nullopt when the stub
/// has no signature at a 4-aligned offset in its last max_trailer_size octets.
[[nodiscard]] Result<std::optional<LocatedTrailer>> find_verification_trailer(
    Bytes stub, Drep drep, const TrailerLimits& limits = {});

}  // namespace rampart::pdu
