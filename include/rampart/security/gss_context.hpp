// Security contexts through GSSAPI (MIT krb5, with gss-ntlmssp as the NTLM
// mechanism): server credentials, the acceptor that steps through the
// tokens carried by bind/alter_context/auth3, and the initiator a client
// uses. On completion each side exposes what message protection needs: the
// exported session key (GSS_C_INQ_SSPI_SESSION_KEY) and, for NTLM, the
// negotiated flags of the AUTHENTICATE message ([MS-NLMP] 2.2.1.3).
//
// GSSAPI calls may block (a KDC, a user file); the runtime must run steps
// off the transport threads (HARDENING C16).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/security/crypto.hpp"

namespace rampart::security {

enum class GssMech : std::uint8_t {
  ntlm,      // 1.3.6.1.4.1.311.2.2.10 (gss-ntlmssp)
  kerberos,  // 1.2.840.113554.1.2.2
  any,       // whatever the credential offers
  spnego,    // 1.3.6.1.5.5.2 (MIT's SPNEGO, negotiating ntlm or kerberos)
};

/// Acceptor or initiator credentials. Move-only; releases the handle.
class GssCredential {
 public:
  /// A standalone server's NTLM users, in the format gss-ntlmssp reads
  /// (lines DOMAIN:USER:PASSWORD, or smbpasswd), through the cred-store key
  /// "ntlmssp_keyfile" of gss_acquire_cred_from. gss-ntlmssp attaches the
  /// file only to a server credential, which needs a host-based service
  /// name such as "host@server".
  [[nodiscard]] static Result<GssCredential> ntlm_user_file(const std::filesystem::path& file,
                                                            const std::string& service);
  /// The same user file offered through SPNEGO (MIT's SPNEGO mechanism
  /// acquires the inner NTLM credential from the same cred store).
  [[nodiscard]] static Result<GssCredential> spnego_user_file(const std::filesystem::path& file,
                                                              const std::string& service);
  /// SPNEGO offering Kerberos (the service's key from `keytab`) and NTLM
  /// (the users of `user_file`), both under the host-based `service` name:
  /// what a server with a keytab offers under auth_type 9.
  [[nodiscard]] static Result<GssCredential> spnego_keytab(const std::filesystem::path& keytab,
                                                           const std::filesystem::path& user_file,
                                                           const std::string& service);
  /// Kerberos service keys from a keytab (cred-store key "keytab").
  [[nodiscard]] static Result<GssCredential> keytab(const std::filesystem::path& file);
  /// Client credentials from a password. `user` is "DOMAIN\\user" or
  /// "user@REALM".
  [[nodiscard]] static Result<GssCredential> password(const std::string& user,
                                                      const std::string& password, GssMech mech);
  /// Kerberos client credentials from the credentials cache (KRB5CCNAME or
  /// the default), as kinit left them: what `rampart -k` uses. `mech` is
  /// kerberos, or spnego to offer them through SPNEGO.
  [[nodiscard]] static Result<GssCredential> ccache(GssMech mech = GssMech::kerberos);
  /// For a SPNEGO credential: offer only `inner` (RFC 4178 4.2.1,
  /// gss_set_neg_mechs), so that the peer cannot steer to another one.
  [[nodiscard]] Result<void> restrict_negotiation(GssMech inner);

  GssCredential(GssCredential&&) noexcept;
  GssCredential& operator=(GssCredential&&) noexcept;
  ~GssCredential();

  [[nodiscard]] void* handle() const noexcept { return cred_; }  // gss_cred_id_t
  [[nodiscard]] GssMech mech() const noexcept { return mech_; }

 private:
  GssCredential(void* cred, GssMech mech) noexcept : cred_(cred), mech_(mech) {}
  void* cred_ = nullptr;
  GssMech mech_ = GssMech::any;
};

/// Where one exchange stands after a step.
struct GssStep {
  std::vector<std::uint8_t> output;  // token for the peer; may be empty
  bool complete = false;
};

/// One security context, acceptor or initiator side. Move-only.
class GssContext {
 public:
  [[nodiscard]] static GssContext acceptor(std::shared_ptr<const GssCredential> cred);
  /// `target` is a host-based service name such as "host@server".
  /// `dce_style` asks for GSS_C_DCE_STYLE with mutual authentication: the
  /// three-leg Kerberos exchange of [MS-RPCE] 3.3.1.5.2 / [MS-KILE] 3.2.5.3
  /// (AP-REQ, AP-REP, and the client's own AP-REP back).
  [[nodiscard]] static Result<GssContext> initiator(std::shared_ptr<const GssCredential> cred,
                                                    const std::string& target, bool confidential,
                                                    bool dce_style = false);

  /// Feeds the peer's token (empty for an initiator's first step).
  [[nodiscard]] Result<GssStep> step(ByteSpan input);

  [[nodiscard]] bool complete() const noexcept { return complete_; }
  /// The exported session key, once complete.
  [[nodiscard]] Result<Bytes16> session_key() const;
  /// The authenticated client's name (acceptor), once complete.
  [[nodiscard]] const std::string& source_name() const noexcept { return source_name_; }
  /// NegotiateFlags from the AUTHENTICATE message the context saw or sent;
  /// empty for other mechanisms.
  [[nodiscard]] std::optional<std::uint32_t> ntlm_flags() const noexcept { return ntlm_flags_; }
  /// SPNEGO mechListMICs this side sent and received during the exchange
  /// (0 or 1 each). They used the inner NTLM context's sequence numbers,
  /// which the first protected PDU continues ([MS-SPNG] 3.3.5.1).
  [[nodiscard]] std::uint32_t mech_list_mics_sent() const noexcept { return mics_sent_; }
  [[nodiscard]] std::uint32_t mech_list_mics_received() const noexcept { return mics_received_; }
  /// The mechanism the exchange actually used (for SPNEGO the inner one,
  /// once known); `any` before that.
  [[nodiscard]] GssMech actual_mech() const noexcept { return actual_mech_; }
  /// The gss_ctx_id_t, for mechanism-specific calls (gss_wrap_iov for
  /// Kerberos); null before the first step.
  [[nodiscard]] void* native_handle() const noexcept { return ctx_; }
  /// The last GSSAPI status text, for the log (never sent to the peer).
  [[nodiscard]] const std::string& last_status() const noexcept { return last_status_; }

  GssContext(GssContext&&) noexcept;
  GssContext& operator=(GssContext&&) noexcept;
  ~GssContext();

 private:
  GssContext() = default;
  [[nodiscard]] Result<GssStep> accept_step(ByteSpan input);
  [[nodiscard]] Result<GssStep> init_step(ByteSpan input);
  void note_ntlm_token(ByteSpan token);
  void note_mech_list_mics(ByteSpan input, ByteSpan output);

  std::shared_ptr<const GssCredential> cred_;
  void* ctx_ = nullptr;     // gss_ctx_id_t
  void* target_ = nullptr;  // gss_name_t (initiator)
  bool initiator_ = false;
  bool confidential_ = true;
  bool dce_style_ = false;
  bool complete_ = false;
  bool failed_ = false;
  std::string source_name_;
  std::optional<std::uint32_t> ntlm_flags_;
  std::uint32_t mics_sent_ = 0;
  std::uint32_t mics_received_ = 0;
  std::string last_status_;
  GssMech actual_mech_ = GssMech::any;
};

}  // namespace rampart::security
