// ClientSecurity: the client's side of one security context on an
// association ([MS-RPCE] 3.3.1.5.2, C706 13.2). It carries the provider's
// tokens over bind / bind_ack / auth3 / alter_context legs, decides which
// leg comes next, and once the context is complete protects every request
// fragment and verifies every response fragment.
//
//   bind(token 1) --bind_ack(token 2)--> step --complete, token 3--> auth3 --> ready
//                                            \--continue, token 3--> alter_context
//                                                --alter_context_resp(token 4)--> step ...
//
// Rules enforced on the server ([MS-RPCE] 3.3.1.5.2.2, docs/security.md):
// - the bind_ack's sec_trailer names our auth_type, level and context id;
// - PFC_SUPPORT_HEADER_SIGN, when the client offered it, is echoed: a
//   bind_ack without it is a header-signing downgrade, refused;
// - once established, every response fragment carries a verifier that
//   verifies with the right sequence number; a fault may come without one
//   (servers fault before they verify), but one it carries must verify.
//
// Provider steps run on the caller's thread: NTLM steps are local; a
// Kerberos initiator's first step may ask the KDC for a service ticket.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/pdu/pdu.hpp"
#include "rampart/security/security_provider.hpp"

namespace rampart::runtime {

/// What a client authenticates with.
struct ClientAuth {
  std::shared_ptr<security::SecurityProvider> provider;
  security::AuthLevel level = security::AuthLevel::privacy;
  /// The server's host-based service name ("host@server") or SPN.
  std::string target;
  /// auth_context_id of the context (C706 13.2.6.1); any value the client
  /// picks, constant for the context's life.
  std::uint32_t context_id = 1;
  /// Offer PFC_SUPPORT_HEADER_SIGN ([MS-RPCE] 2.2.2.3) at packet level and above.
  bool header_sign = true;
  /// Append the verification trailer ([MS-RPCE] 2.2.2.13) to protected requests.
  bool verification_trailer = true;
};

class ClientSecurity {
 public:
  /// What to send after the server's token.
  enum class Next : std::uint8_t {
    ready,  // established; nothing to send
    auth3,  // send auth3 with token(); established
    alter,  // send alter_context with token(); wait for alter_context_resp
  };

  /// Creates the initiator and runs its first step (token() is then the
  /// bind's auth_value).
  [[nodiscard]] static Result<std::unique_ptr<ClientSecurity>> start(ClientAuth auth);

  /// The sec_trailer and token for a bind, auth3 or alter_context; the
  /// verifier's byte views point into this object until the next step.
  [[nodiscard]] pdu::AuthVerifier verifier() const;
  /// PFC flags a bind adds (PFC_SUPPORT_HEADER_SIGN when offered).
  [[nodiscard]] std::uint8_t bind_flags() const noexcept;

  /// The bind_ack (or alter_context_resp) arrived: checks its trailer and
  /// header-signing echo, steps the provider with its token.
  [[nodiscard]] Result<Next> on_server_token(const pdu::Pdu& p);

  /// Complete. At connect level there is no protection() (nothing per PDU).
  [[nodiscard]] bool established() const noexcept { return established_; }
  /// The next bind or alter_context carries token(): before the context is
  /// established, and for SPNEGO's closing leg after it (RFC 4178 5: the
  /// initiator's mechListMIC once the inner mechanism completed).
  [[nodiscard]] bool token_pending() const noexcept { return !established_ || final_on_alter_; }
  [[nodiscard]] bool header_sign() const noexcept { return header_sign_; }
  [[nodiscard]] const ClientAuth& auth() const noexcept { return auth_; }
  [[nodiscard]] security::PduProtection* protection() noexcept { return protection_.get(); }
  /// The provider's text for its last refusal (for logs; never sent).
  [[nodiscard]] const std::string& last_status() const noexcept { return last_status_; }

  /// Appends the fragments of a request (whole stub in `whole`) to `out`,
  /// each with auth pad, sec_trailer and signature, no larger than
  /// `max_frag`, and protected ([MS-RPCE] 2.2.2.11-12).
  [[nodiscard]] Result<void> fragment_request(const pdu::Pdu& whole, std::uint16_t max_frag,
                                              std::vector<std::uint8_t>& out);
  /// Verifies (and at privacy unseals in place) one response or fault
  /// fragment. `stub_offset` is 24.
  [[nodiscard]] Result<void> verify(std::span<std::uint8_t> frame);

 private:
  explicit ClientSecurity(ClientAuth auth) : auth_(std::move(auth)) {}
  [[nodiscard]] Result<void> check_trailer(const pdu::AuthVerifier& v) const;
  [[nodiscard]] Result<void> establish();

  ClientAuth auth_;
  std::unique_ptr<security::SecurityContext> context_;
  std::unique_ptr<security::PduProtection> protection_;
  std::vector<std::uint8_t> token_;
  std::string last_status_;
  bool header_sign_ = false;
  bool ack_seen_ = false;
  bool established_ = false;
  bool final_on_alter_ = false;  // SPNEGO's last token went on an alter_context
};

}  // namespace rampart::runtime
