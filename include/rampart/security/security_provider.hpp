// Provider-neutral security for connection-oriented RPC ([MS-RPCE] 3.3.1.5,
// C706 13.2): a SecurityProvider per auth_type makes SecurityContexts; a
// context steps through the tokens carried by bind / bind_ack /
// alter_context / alter_context_resp / auth3 and, once complete, yields a
// PduProtection that signs, seals, verifies and unseals whole PDUs with the
// auth_type, auth_level and auth_context_id frozen when it completed
// (HARDENING C5).
//
// The runtime sees only these types. NTLMSSP (10) and SPNEGO (9) live in
// gss_provider.cpp; Kerberos (16) plugs in through the same GssProvider with
// a ProtectionFactory for its mechanism. Steps may block (GSSAPI, a KDC, a
// user file): callers run them off the transport threads (HARDENING C16).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/security/auth_trailer.hpp"
#include "rampart/security/crypto.hpp"
#include "rampart/security/gss_context.hpp"
#include "rampart/security/ntlm_pdu_protection.hpp"

namespace rampart::security {

enum class Role : std::uint8_t { acceptor, initiator };

/// Where a context stands after one step.
enum class StepStatus : std::uint8_t {
  continue_needed,  // send `output` (may be empty) and wait for the peer's next token
  complete,         // established; `output` may still carry a last token for the peer
};

struct StepResult {
  StepStatus status = StepStatus::continue_needed;
  std::vector<std::uint8_t> output;
};

/// What a PduProtection needs besides the context: the frozen trailer
/// values, whether PFC_SUPPORT_HEADER_SIGN was negotiated ([MS-RPCE]
/// 2.2.2.3, 3.3.1.5.2.2) and the side.
struct ProtectionParams {
  EstablishedAuth established;
  bool header_sign = false;
  Role role = Role::acceptor;
};

/// Per-PDU protection of one established context. Not thread-safe: one
/// connection owns it and serialises protect/unprotect (sequence numbers and
/// RC4 state are per direction).
class PduProtection {
 public:
  virtual ~PduProtection() = default;

  [[nodiscard]] virtual const EstablishedAuth& established() const noexcept = 0;
  /// auth_length the sender reserves (16 for NTLM; Kerberos depends on the
  /// enctype and level).
  [[nodiscard]] virtual std::size_t signature_length() const noexcept = 0;
  /// auth_length for a PDU whose stub plus auth pad is `protected_length`
  /// octets. Equal to signature_length() except where the mechanism's token
  /// depends on it: MIT Kerberos wraps an empty stub integrity-only, in a
  /// shorter token.
  [[nodiscard]] virtual std::size_t signature_length_for(std::size_t protected_length) const {
    (void)protected_length;
    return signature_length();
  }
  [[nodiscard]] virtual bool header_sign() const noexcept = 0;

  /// Signs (packet, integrity) or seals (privacy) an outgoing PDU built with
  /// append_auth_trailer(pdu, stub_offset, trailer, signature_length()).
  /// Connect and call levels carry no per-PDU protection: refused.
  [[nodiscard]] virtual Result<AuthLayout> protect(std::span<std::uint8_t> pdu,
                                                   std::size_t stub_offset) = 0;
  /// Verifies (and at privacy unseals, in place) an incoming PDU whose
  /// sec_trailer must match established(); on success the stub at
  /// layout.stub_offset is plaintext. Any failure is final: the connection
  /// must end (the peer's sequence and RC4 state are lost).
  [[nodiscard]] virtual Result<AuthLayout> unprotect(std::span<std::uint8_t> pdu,
                                                     std::size_t stub_offset) = 0;
  /// As unprotect(), for a later fragment of a call whose first fragment
  /// chose this context: Windows ignores the auth_type, auth_level and
  /// auth_context_id such a fragment's sec_trailer claims and verifies it
  /// under the first fragment's context ([MS-RPCE] 3.3.1.5.2.2; raw_protocol
  /// test_ntlmssp_multi_auth_first1_lastSame111). A mechanism that does not
  /// override this keeps refusing such a fragment.
  [[nodiscard]] virtual Result<AuthLayout> unprotect_continuation(std::span<std::uint8_t> pdu,
                                                                  std::size_t stub_offset) {
    return unprotect(pdu, stub_offset);
  }
};

/// One exchange, acceptor or initiator side. step() may block; it is called
/// from one thread at a time, never concurrently.
class SecurityContext {
 public:
  virtual ~SecurityContext() = default;

  /// Feeds the peer's token (an initiator's first step takes an empty one).
  [[nodiscard]] virtual Result<StepResult> step(ByteSpan input) = 0;
  [[nodiscard]] virtual bool complete() const noexcept = 0;
  /// The authenticated peer ("DOMAIN\\user", "user@REALM"), acceptor side,
  /// once complete; empty for an anonymous NTLM logon.
  [[nodiscard]] virtual std::string peer_name() const = 0;
  /// The mechanism that was actually used (SPNEGO reports the inner one).
  [[nodiscard]] virtual GssMech mech() const noexcept = 0;
  /// The provider's status text of the last failure, for the log only.
  [[nodiscard]] virtual std::string last_status() const = 0;
  /// Once complete: the protection for PDUs of this context.
  [[nodiscard]] virtual Result<std::unique_ptr<PduProtection>> protection(
      const ProtectionParams& params) = 0;
};

/// One auth_type ([MS-RPCE] 2.2.1.1.7). Thread-safe: contexts are made from
/// any thread.
class SecurityProvider {
 public:
  virtual ~SecurityProvider() = default;

  [[nodiscard]] virtual std::uint8_t auth_type() const noexcept = 0;
  /// "NTLMSSP", "SPNEGO", "Kerberos": for logs and --help.
  [[nodiscard]] virtual std::string name() const = 0;
  /// The principal this side authenticates as (mgmt inq_princ_name,
  /// [MS-RPCE] 3.1.1.5.3.3); empty when unknown.
  [[nodiscard]] virtual std::string principal() const = 0;
  [[nodiscard]] virtual Result<std::unique_ptr<SecurityContext>> new_acceptor() = 0;
  /// `target` is the server's host-based service name ("host@server") or
  /// SPN; `level` decides whether confidentiality is requested.
  [[nodiscard]] virtual Result<std::unique_ptr<SecurityContext>> new_initiator(
      const std::string& target, AuthLevel level) = 0;
};

/// Makes a PduProtection for a completed GssContext of one mechanism.
using ProtectionFactory = std::function<Result<std::unique_ptr<PduProtection>>(
    GssContext& context, const ProtectionParams& params)>;

/// The NTLM protection ([MS-NLMP] 3.4 over ntlm_pdu_protection.hpp) from a
/// completed context's session key and negotiated flags.
[[nodiscard]] Result<std::unique_ptr<PduProtection>> make_ntlm_protection(
    GssContext& context, const ProtectionParams& params);

/// A GSSAPI-backed provider. `mech` is ntlm (auth_type 10), kerberos (16)
/// or spnego (9); `protections` maps each inner mechanism the provider may
/// end up with to its PduProtection (SPNEGO needs one per mechanism it
/// negotiates). Acceptor credentials may be null for an initiator-only
/// provider and vice versa.
struct GssProviderConfig {
  std::uint8_t auth_type = auth_type::kNtlm;
  GssMech mech = GssMech::ntlm;
  std::string name = "NTLMSSP";
  std::string principal;
  std::shared_ptr<const GssCredential> acceptor_cred;
  std::shared_ptr<const GssCredential> initiator_cred;
  std::map<GssMech, ProtectionFactory> protections;
  /// Initiators ask for GSS_C_DCE_STYLE (Kerberos' three-leg exchange).
  bool dce_style = false;
  /// Acceptors complete an anonymous NTLM logon ([MS-NLMP] 3.2.5.1.2: empty
  /// user name and NT response, LM response empty or one zero octet) as
  /// "NT AUTHORITY\ANONYMOUS LOGON", which gss-ntlmssp 1.2 refuses
  /// (ERR_NOTSUPPORTED). Such a context has no session key, so it serves
  /// the connect level only; the authentication policy decides whether an
  /// anonymous caller may call anything.
  bool allow_anonymous = true;
};

/// The name an anonymous NTLM logon authenticates as.
inline constexpr const char* kAnonymousLogon = "NT AUTHORITY\\ANONYMOUS LOGON";

/// True when `token` is an NTLM AUTHENTICATE message of the anonymous
/// logon ([MS-NLMP] 2.2.1.3, 3.2.5.1.2).
[[nodiscard]] bool is_anonymous_ntlm_authenticate(ByteSpan token);
[[nodiscard]] std::shared_ptr<SecurityProvider> make_gss_provider(GssProviderConfig config);

/// Convenience: NTLMSSP (10) and SPNEGO-over-NTLM (9) acceptors from one
/// user file credential (GssCredential::ntlm_user_file).
[[nodiscard]] std::shared_ptr<SecurityProvider> make_ntlm_provider(
    std::shared_ptr<const GssCredential> acceptor, std::shared_ptr<const GssCredential> initiator,
    std::string principal = {});
[[nodiscard]] std::shared_ptr<SecurityProvider> make_spnego_provider(
    std::shared_ptr<const GssCredential> acceptor, std::shared_ptr<const GssCredential> initiator,
    std::string principal = {}, std::map<GssMech, ProtectionFactory> extra = {});

/// The providers a server or client offers, keyed by auth_type. Built at
/// start-up (or reload) and shared read-only afterwards.
class ProviderRegistry {
 public:
  void add(std::shared_ptr<SecurityProvider> provider);
  [[nodiscard]] std::shared_ptr<SecurityProvider> find(std::uint8_t auth_type) const;
  [[nodiscard]] bool empty() const noexcept { return providers_.empty(); }
  [[nodiscard]] std::vector<std::uint8_t> auth_types() const;
  /// The first non-empty principal (mgmt inq_princ_name for the default
  /// authn service), or empty.
  [[nodiscard]] std::string principal(std::uint8_t auth_type) const;

 private:
  std::map<std::uint8_t, std::shared_ptr<SecurityProvider>> providers_;
};

}  // namespace rampart::security
