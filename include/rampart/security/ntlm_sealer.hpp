// NTLM message integrity and confidentiality ([MS-NLMP] 3.4) for one
// established NTLM context: key derivation (3.4.5), MAC (3.4.4) and SEAL
// (3.4.3), with the sequence numbers and the RC4 states of both directions.
//
// gss-ntlmssp authenticates the user, but its gss_wrap cannot seal only the
// stub while signing the whole PDU as [MS-RPCE] 3.3.1.5.2 requires, so the
// per-message work is done here from the exported session key and the
// negotiated flags of the AUTHENTICATE message.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "rampart/base/error.hpp"
#include "rampart/security/crypto.hpp"

namespace rampart::security {

/// NegotiateFlags bits ([MS-NLMP] 2.2.2.5) that message security depends on.
namespace ntlm_flag {
inline constexpr std::uint32_t kSign = 0x00000010;
inline constexpr std::uint32_t kSeal = 0x00000020;
inline constexpr std::uint32_t kDatagram = 0x00000040;
inline constexpr std::uint32_t kLmKey = 0x00000080;
inline constexpr std::uint32_t kAlwaysSign = 0x00008000;
inline constexpr std::uint32_t kExtendedSessionSecurity = 0x00080000;
inline constexpr std::uint32_t k128 = 0x20000000;
inline constexpr std::uint32_t kKeyExch = 0x40000000;
inline constexpr std::uint32_t k56 = 0x80000000;
}  // namespace ntlm_flag

enum class NtlmRole : std::uint8_t { client, server };

/// The four keys of [MS-NLMP] 3.4.5.2/3.4.5.3. Without extended session
/// security there are no signing keys and both sealing keys are the same.
struct NtlmKeys {
  Bytes16 client_sign{};
  Bytes16 server_sign{};
  Bytes16 client_seal{};
  Bytes16 server_seal{};
  std::size_t seal_key_length = 16;  // 8 for the 40/56-bit non-ESS keys

  [[nodiscard]] static Result<NtlmKeys> derive(const Bytes16& exported_session_key,
                                               std::uint32_t flags);
};

/// NTLMSSP_MESSAGE_SIGNATURE ([MS-NLMP] 2.2.2.9): always 16 octets.
inline constexpr std::size_t kNtlmSignatureSize = 16;
using NtlmSignature = std::array<std::uint8_t, kNtlmSignatureSize>;

class NtlmSealer {
 public:
  [[nodiscard]] static Result<NtlmSealer> create(const Bytes16& exported_session_key,
                                                 std::uint32_t flags, NtlmRole role);

  /// True when extended session security was negotiated ([MS-NLMP] 3.4.4.2).
  [[nodiscard]] bool extended_session_security() const noexcept {
    return (flags_ & ntlm_flag::kExtendedSessionSecurity) != 0;
  }

  /// MAC of an outgoing message (3.4.4); advances the send sequence number
  /// and, when the checksum is RC4-protected, the send RC4 state.
  [[nodiscard]] Result<NtlmSignature> sign(ByteSpan message);

  /// SEAL (3.4.3): the signature is computed over `signed_message` as it is
  /// on entry (plaintext), then `data` is encrypted in place. `data` may lie
  /// inside `signed_message` (an RPC stub inside its PDU).
  [[nodiscard]] Result<NtlmSignature> seal(std::span<std::uint8_t> data, ByteSpan signed_message);

  /// Checks an incoming signature over `message` against the receive
  /// sequence number. Any failure leaves the sealer unusable: the RC4 state
  /// can no longer be trusted to match the peer's.
  [[nodiscard]] Result<void> verify(ByteSpan message, ByteSpan signature);

  /// UNSEAL: decrypts `data` in place, then verifies the signature over
  /// `signed_message` (which sees the plaintext when `data` lies inside it).
  [[nodiscard]] Result<void> unseal(std::span<std::uint8_t> data, ByteSpan signed_message,
                                    ByteSpan signature);

  /// Continues the sequence numbers after `sent` and `received` messages
  /// that were signed outside this sealer, with fresh RC4 handles: after
  /// SPNEGO's mechListMIC the RC4 state restarts but the sequence numbers
  /// go on ([MS-SPNG] 3.3.5.1; Windows and Samba do so). Without ESS the
  /// one shared sequence counts both. Only before the first message.
  void continue_sequences(std::uint32_t sent, std::uint32_t received) noexcept;

  [[nodiscard]] std::uint32_t flags() const noexcept { return flags_; }
  [[nodiscard]] std::uint32_t send_sequence() const noexcept { return send_seq_; }
  /// Without ESS there is one sequence shared by both directions.
  [[nodiscard]] std::uint32_t receive_sequence() const noexcept {
    return (flags_ & ntlm_flag::kExtendedSessionSecurity) != 0 ? recv_seq_ : send_seq_;
  }
  [[nodiscard]] bool failed() const noexcept { return failed_; }

 private:
  NtlmSealer(std::uint32_t flags, HmacMd5 send_mac, HmacMd5 recv_mac, Rc4 send, Rc4 recv);
  [[nodiscard]] bool ess() const noexcept;
  [[nodiscard]] Rc4& recv_handle() noexcept;
  [[nodiscard]] std::uint32_t& recv_seq() noexcept;
  [[nodiscard]] Result<NtlmSignature> make_signature(ByteSpan message, std::uint32_t seq,
                                                     Rc4& handle, HmacMd5& mac);
  [[nodiscard]] Result<void> check_signature(ByteSpan message, ByteSpan signature);

  std::uint32_t flags_;
  // Keyed once with SignKey of each direction (3.4.5.2); without ESS the
  // keys are NIL and these are never used.
  HmacMd5 send_mac_;
  HmacMd5 recv_mac_;
  Rc4 send_handle_;
  Rc4 recv_handle_;
  std::uint32_t send_seq_ = 0;
  std::uint32_t recv_seq_ = 0;
  bool failed_ = false;
};

/// NegotiateFlags of an AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3): the flags
/// both sides settled on, which decide the keys and the signature form.
[[nodiscard]] Result<std::uint32_t> ntlm_authenticate_flags(ByteSpan token);

}  // namespace rampart::security
