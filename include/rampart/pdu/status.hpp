// Status codes carried in fault PDUs (C706 Appendix E "nca_s" values) and the
// Windows codes [MS-RPCE] 3.3.3.5 and [MS-ERREF] place there.
#pragma once

#include <cstdint>
#include <string_view>

namespace rampart::pdu::status {

inline constexpr std::uint32_t kAccessDenied = 0x00000005;         // ERROR_ACCESS_DENIED
inline constexpr std::uint32_t kOutOfMemory = 0x0000000e;          // ERROR_OUTOFMEMORY
inline constexpr std::uint32_t kRpcCallFailed = 0x000006be;        // RPC_S_CALL_FAILED
inline constexpr std::uint32_t kRpcBadStubData = 0x000006f7;       // RPC_X_BAD_STUB_DATA
inline constexpr std::uint32_t kNcaOpRangeError = 0x1c010002;      // nca_s_op_rng_error
inline constexpr std::uint32_t kNcaUnknownInterface = 0x1c010003;  // nca_s_unk_if
inline constexpr std::uint32_t kNcaProtoError = 0x1c01000b;        // nca_s_proto_error
inline constexpr std::uint32_t kNcaServerTooBusy = 0x1c010014;     // nca_s_server_too_busy
inline constexpr std::uint32_t kNcaUnsupportedType = 0x1c010017;   // nca_s_unsupported_type
inline constexpr std::uint32_t kNcaFaultCancel = 0x1c00000d;       // nca_s_fault_cancel
inline constexpr std::uint32_t kNcaContextMismatch = 0x1c00001a;   // nca_s_fault_context_mismatch
inline constexpr std::uint32_t kNcaRemoteNoMemory = 0x1c00001b;    // nca_s_fault_remote_no_memory
inline constexpr std::uint32_t kSecPkgError = 0x00000721;          // RPC_S_SEC_PKG_ERROR
inline constexpr std::uint32_t kEptNotRegistered = 0x16c9a0d6;     // ept_s_not_registered

/// "nca_s_op_rng_error", or empty when the code is not a well-known one.
[[nodiscard]] std::string_view name(std::uint32_t code) noexcept;

}  // namespace rampart::pdu::status
