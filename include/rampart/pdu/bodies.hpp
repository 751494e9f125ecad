// PDU bodies of the connection-oriented protocol (C706 12.6.4, [MS-RPCE]
// 2.2.2, [MS-RPCH] 2.2.3.6). Byte ranges (stub data, auth values, opaque
// tails) are views into the decoded buffer: a decoded Pdu is valid only while
// the bytes it was decoded from are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <span>
#include <variant>
#include <vector>

#include "rampart/base/uuid.hpp"
#include "rampart/pdu/constants.hpp"

namespace rampart::pdu {

using Bytes = std::span<const std::uint8_t>;

/// p_cont_elem_t (C706 12.6.3.1).
struct PresentationContext {
  std::uint16_t context_id = 0;
  SyntaxId abstract_syntax;
  std::vector<SyntaxId> transfer_syntaxes;
  friend bool operator==(const PresentationContext&, const PresentationContext&) = default;
};

/// p_result_t (C706 12.6.3.1). For negotiate_ack the reason field carries
/// the acknowledged bind-time feature bits ([MS-RPCE] 2.2.2.4).
struct ContextResultEntry {
  ContextResult result = ContextResult::acceptance;
  std::uint16_t reason = 0;
  SyntaxId transfer_syntax;
  friend bool operator==(const ContextResultEntry&, const ContextResultEntry&) = default;
};

/// rpcconn_request_hdr_t body (C706 12.6.4.9).
struct Request {
  std::uint32_t alloc_hint = 0;
  std::uint16_t context_id = 0;
  std::uint16_t opnum = 0;
  std::optional<Uuid> object;  // present iff PFC_OBJECT_UUID
  Bytes stub;
  friend bool operator==(const Request& a, const Request& b) noexcept;
};

/// rpcconn_response_hdr_t body (C706 12.6.4.10).
struct Response {
  std::uint32_t alloc_hint = 0;
  std::uint16_t context_id = 0;
  std::uint8_t cancel_count = 0;
  std::uint8_t reserved = 0;
  Bytes stub;
  friend bool operator==(const Response& a, const Response& b) noexcept;
};

/// rpcconn_fault_hdr_t body (C706 12.6.4.7; [MS-RPCE] 2.2.2.8: bit 0 of
/// `flags` marks extended error information in the stub).
struct Fault {
  std::uint32_t alloc_hint = 0;
  std::uint16_t context_id = 0;
  std::uint8_t cancel_count = 0;
  std::uint8_t flags = 0;
  std::uint32_t status = 0;
  std::uint32_t reserved = 0;
  Bytes stub;
  friend bool operator==(const Fault& a, const Fault& b) noexcept;
};

/// rpcconn_bind_hdr_t and rpcconn_alter_context_hdr_t bodies (C706 12.6.4.3, 12.6.4.1).
struct Bind {
  std::uint16_t max_xmit_frag = 0;
  std::uint16_t max_recv_frag = 0;
  std::uint32_t assoc_group_id = 0;
  std::vector<PresentationContext> contexts;
  friend bool operator==(const Bind&, const Bind&) = default;
};
struct AlterContext : Bind {};

/// rpcconn_bind_ack_hdr_t and rpcconn_alter_context_response_hdr_t (C706 12.6.4.4, 12.6.4.2).
struct BindAck {
  std::uint16_t max_xmit_frag = 0;
  std::uint16_t max_recv_frag = 0;
  std::uint32_t assoc_group_id = 0;
  std::string secondary_address;  // port_spec without its NUL; empty = length 0
  std::vector<ContextResultEntry> results;
  friend bool operator==(const BindAck&, const BindAck&) = default;
};
struct AlterContextResp : BindAck {};

/// rpcconn_bind_nak_hdr_t (C706 12.6.4.5, [MS-RPCE] 2.2.2.9). `tail` keeps
/// what follows the versions list (padding, optional extended-error
/// signature 90740320-fad0-11d3-82d7-009027b130ab and its data) verbatim.
struct BindNak {
  RejectReason reason = RejectReason::reason_not_specified;
  std::vector<std::pair<std::uint8_t, std::uint8_t>> versions;  // (major, minor)
  Bytes tail;
  friend bool operator==(const BindNak& a, const BindNak& b) noexcept;
};

/// rpc_auth_3 ([MS-RPCE] 2.2.2.10): 4 pad octets, then the sec_trailer.
struct Auth3 {
  std::uint32_t pad = 0;
  friend bool operator==(const Auth3&, const Auth3&) = default;
};

/// Bodies that are empty apart from an optional auth verifier (C706 12.6.4.6, .8, .11).
struct Shutdown {
  friend bool operator==(const Shutdown&, const Shutdown&) = default;
};
struct CoCancel {
  friend bool operator==(const CoCancel&, const CoCancel&) = default;
};
struct Orphaned {
  friend bool operator==(const Orphaned&, const Orphaned&) = default;
};

/// RTS PDU header ([MS-RPCH] 2.2.3.6.1): flags and a command count; the
/// commands stay opaque until RPC over HTTP decodes them.
struct Rts {
  std::uint16_t flags = 0;
  std::uint16_t number_of_commands = 0;
  Bytes commands;
  friend bool operator==(const Rts& a, const Rts& b) noexcept;
};

using Body = std::variant<Request, Response, Fault, Bind, BindAck, BindNak, AlterContext,
                          AlterContextResp, Auth3, Shutdown, CoCancel, Orphaned, Rts>;

/// auth_verifier_co_t / sec_trailer ([MS-RPCE] 2.2.2.11) plus the auth pad
/// octets that precede it, kept verbatim so re-encoding is byte-exact.
struct AuthVerifier {
  std::uint8_t auth_type = 0;
  std::uint8_t auth_level = 0;
  std::uint8_t auth_pad_length = 0;  // as sent in the sec_trailer
  std::uint8_t auth_reserved = 0;
  std::uint32_t auth_context_id = 0;
  /// Octets between the end of the body and the sec_trailer. For PDUs with
  /// stub data this is exactly auth_pad_length octets; for fixed-layout PDUs
  /// (bind family, auth3, ...) it is the alignment gap after the last field.
  Bytes auth_pad;
  Bytes auth_value;
  friend bool operator==(const AuthVerifier& a, const AuthVerifier& b) noexcept;
};

[[nodiscard]] bool bytes_equal(Bytes a, Bytes b) noexcept;

}  // namespace rampart::pdu
