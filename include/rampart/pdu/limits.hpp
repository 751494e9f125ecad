// DecodeLimits: bounds the PDU codec enforces on its own, before any state.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rampart::pdu {

struct DecodeLimits {
  /// Largest frag_length accepted for request, response and fault PDUs.
  /// The association lowers this to the negotiated max_recv_frag after bind
  /// (C706 12.6.3.1: a peer must not send fragments above the negotiated
  /// size). 65535 is the field's range, so the default constrains nothing
  /// until negotiation has happened.
  std::uint16_t max_frag_length = 65535;

  /// Largest auth_value (the token after the sec_trailer). Windows' largest
  /// security token is MaxTokenSize, 48000 bytes by default (Kerberos tickets
  /// with large PACs); anything above cannot come from a real provider.
  std::uint16_t max_auth_length = 48000;

  /// RTS PDUs carry a command count ([MS-RPCH] 2.2.3.6.1); no RTS PDU in
  /// [MS-RPCH] 2.2.4 has more than 8 commands.
  std::uint16_t max_rts_commands = 16;
};

}  // namespace rampart::pdu
