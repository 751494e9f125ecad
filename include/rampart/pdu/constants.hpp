// Connection-oriented PDU constants: C706 12.6 and [MS-RPCE] 2.2.2.
#pragma once

#include <cstdint>
#include <string_view>

namespace rampart::pdu {

/// PTYPE values of the connection-oriented protocol (C706 12.6.4, [MS-RPCE]
/// 2.2.2.10 auth3, [MS-RPCH] 2.2.3.6 rts). Values 1 and 4..10 are
/// connectionless types and never valid on a CO connection.
enum class PType : std::uint8_t {
  request = 0,
  response = 2,
  fault = 3,
  bind = 11,
  bind_ack = 12,
  bind_nak = 13,
  alter_context = 14,
  alter_context_resp = 15,
  auth3 = 16,
  shutdown = 17,
  co_cancel = 18,
  orphaned = 19,
  rts = 20,
};

[[nodiscard]] bool is_connection_oriented(std::uint8_t ptype) noexcept;
[[nodiscard]] std::string_view to_string(PType t) noexcept;

/// pfc_flags bits (C706 12.6.3.1; [MS-RPCE] 2.2.2.3 PFC_SUPPORT_HEADER_SIGN
/// shares bit 0x04 with PFC_PENDING_CANCEL and means it only in bind-family PDUs).
namespace pfc {
inline constexpr std::uint8_t kFirstFrag = 0x01;
inline constexpr std::uint8_t kLastFrag = 0x02;
inline constexpr std::uint8_t kPendingCancel = 0x04;
inline constexpr std::uint8_t kSupportHeaderSign = 0x04;
inline constexpr std::uint8_t kReserved1 = 0x08;
inline constexpr std::uint8_t kConcMpx = 0x10;
inline constexpr std::uint8_t kDidNotExecute = 0x20;
inline constexpr std::uint8_t kMaybe = 0x40;
inline constexpr std::uint8_t kObjectUuid = 0x80;
inline constexpr std::uint8_t kFirstLast = kFirstFrag | kLastFrag;
}  // namespace pfc

/// p_cont_def_result_t (C706 12.6.3.1) and [MS-RPCE] 2.2.2.4 negotiate_ack.
enum class ContextResult : std::uint16_t {
  acceptance = 0,
  user_rejection = 1,
  provider_rejection = 2,
  negotiate_ack = 3,
};

/// p_provider_reason_t (C706 12.6.3.1) for rejected contexts.
enum class ProviderReason : std::uint16_t {
  reason_not_specified = 0,
  abstract_syntax_not_supported = 1,
  proposed_transfer_syntaxes_not_supported = 2,
  local_limit_exceeded = 3,
};

/// p_reject_reason_t for bind_nak (C706 12.6.3.1, [MS-RPCE] 2.2.2.5).
enum class RejectReason : std::uint16_t {
  reason_not_specified = 0,
  temporary_congestion = 1,
  local_limit_exceeded = 2,
  called_paddr_unknown = 3,
  protocol_version_not_supported = 4,
  default_context_not_supported = 5,
  user_data_not_readable = 6,
  no_psap_available = 7,
  authentication_type_not_recognized = 8,
  invalid_checksum = 9,
};

/// Bind-time feature bits ([MS-RPCE] 2.2.2.14).
namespace feature {
inline constexpr std::uint16_t kSecurityContextMultiplexing = 0x0001;
inline constexpr std::uint16_t kKeepConnectionOnOrphan = 0x0002;
}  // namespace feature

[[nodiscard]] std::string_view to_string(ContextResult r) noexcept;
[[nodiscard]] std::string_view to_string(ProviderReason r) noexcept;
[[nodiscard]] std::string_view to_string(RejectReason r) noexcept;

/// Fixed sizes (C706 12.6.3, 12.6.4).
inline constexpr std::size_t kHeaderSize = 16;
inline constexpr std::size_t kSecTrailerSize = 8;
inline constexpr std::size_t kSyntaxIdSize = 20;

}  // namespace rampart::pdu
