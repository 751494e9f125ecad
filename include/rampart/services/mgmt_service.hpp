// The remote management interface afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0
// (C706 Appendix Q), answered on every endpoint: it reads the ServerCore
// the connection belongs to.
//
// Conventions:
//  - inq_if_ids: every interface in ServerCore::interfaces, status 0.
//  - inq_stats: calls_in, calls_out, pkts_in, pkts_out (C706 Appendix Q
//    order), at most the requested count. The request is C706's single
//    u32 count; Samba's mgmt.idl sends two u32s (max_count, unknown), so a
//    stub with exactly 4 octets after the count is accepted too.
//  - is_server_listening: status 0, true while ServerCore::listening.
//  - stop_server_listening: status rpc_s_access_denied (0x5) in the
//    response, never a stop: Windows refuses remote stop requests unless
//    the server installed an authorization function (RpcMgmtSetAuthorizationFn).
//  - inq_princ_name: the principal of the security provider for the
//    requested authn_proto (an auth_type: 10 NTLM, 9 SPNEGO), in an array
//    of exactly the requested princ_name_size (C8). No such provider: an
//    empty name with RPC_S_UNKNOWN_AUTHN_SERVICE (0x6d3); a name that does
//    not fit: an empty name with ERROR_INSUFFICIENT_BUFFER (0x7a). A size of
//    0 leaves no room for the terminator: fault RPC_X_INVALID_BOUND (0x6c6).
#pragma once

#include "rampart/ndr/limits.hpp"
#include "rampart/runtime/interface.hpp"
#include "rampart/runtime/server_core.hpp"

namespace rampart::services {

inline constexpr std::uint32_t kRpcAccessDenied = 0x00000005;        // RPC_S_ACCESS_DENIED
inline constexpr std::uint32_t kRpcUnknownAuthnService = 0x000006d3; // RPC_S_UNKNOWN_AUTHN_SERVICE
inline constexpr std::uint32_t kRpcInvalidBound = 0x000006c6;        // RPC_X_INVALID_BOUND
inline constexpr std::uint32_t kInsufficientBuffer = 0x0000007a;     // ERROR_INSUFFICIENT_BUFFER

class Management : public runtime::Interface {
 public:
  /// `core` must outlive the interface (rampartd owns both).
  explicit Management(runtime::ServerCore& core);

  [[nodiscard]] const SyntaxId& syntax() const noexcept override;
  [[nodiscard]] std::string_view name() const noexcept override { return "mgmt"; }
  [[nodiscard]] std::uint16_t operation_count() const noexcept override { return 5; }
  void call(const runtime::CallContext& ctx, runtime::Responder responder) override;

  [[nodiscard]] runtime::CallOutcome handle(const runtime::CallContext& ctx);

 private:
  runtime::CallOutcome inq_if_ids(const runtime::CallContext& ctx);
  runtime::CallOutcome inq_stats(const runtime::CallContext& ctx);
  runtime::CallOutcome is_server_listening(const runtime::CallContext& ctx);
  runtime::CallOutcome stop_server_listening(const runtime::CallContext& ctx);
  runtime::CallOutcome inq_princ_name(const runtime::CallContext& ctx);

  runtime::ServerCore& core_;
  ndr::DecodeLimits limits_;
};

}  // namespace rampart::services
