#include "rampart/security/ntlm_sealer.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

// [MS-NLMP] 3.4.5.2/3.4.5.3: the constants are hashed with their NUL.
constexpr std::string_view kClientSign = "session key to client-to-server signing key magic constant";
constexpr std::string_view kServerSign = "session key to server-to-client signing key magic constant";
constexpr std::string_view kClientSeal = "session key to client-to-server sealing key magic constant";
constexpr std::string_view kServerSeal = "session key to server-to-client sealing key magic constant";

ByteSpan with_nul(std::string_view s) {
  // string_view over a literal: the NUL follows the last character.
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size() + 1};
}

void put_le32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t get_le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

bool has(std::uint32_t flags, std::uint32_t bit) { return (flags & bit) != 0; }

// 3.4.5.3 with extended session security: the key is cut to 128, 56 or 40
// bits of the exported session key before hashing with the constant.
Result<Bytes16> ess_seal_key(const Bytes16& esk, std::uint32_t flags, std::string_view magic) {
  std::size_t n = 5;
  if (has(flags, ntlm_flag::k128)) {
    n = 16;
  } else if (has(flags, ntlm_flag::k56)) {
    n = 7;
  }
  return md5({ByteSpan(esk.data(), n), with_nul(magic)});
}

}  // namespace

Result<NtlmKeys> NtlmKeys::derive(const Bytes16& esk, std::uint32_t flags) {
  NtlmKeys k;
  if (has(flags, ntlm_flag::kExtendedSessionSecurity)) {
    k.client_sign = RAMPART_TRY(md5({esk, with_nul(kClientSign)}));
    k.server_sign = RAMPART_TRY(md5({esk, with_nul(kServerSign)}));
    k.client_seal = RAMPART_TRY(ess_seal_key(esk, flags, kClientSeal));
    k.server_seal = RAMPART_TRY(ess_seal_key(esk, flags, kServerSeal));
    return k;
  }
  // 3.4.5.3 without extended session security: one key for both
  // directions, weakened to 56 or 40 bits in a 64-bit value under LM_KEY
  // (or DATAGRAM), else the whole session key. SIGNKEY is NIL (3.4.5.2).
  k.client_seal = esk;
  if (has(flags, ntlm_flag::kLmKey) || has(flags, ntlm_flag::kDatagram)) {
    k.seal_key_length = 8;
    if (has(flags, ntlm_flag::k56)) {
      k.client_seal[7] = 0xA0;
    } else {
      k.client_seal[5] = 0xE5;
      k.client_seal[6] = 0x38;
      k.client_seal[7] = 0xB0;
    }
    std::fill(k.client_seal.begin() + 8, k.client_seal.end(), std::uint8_t{0});
  }
  k.server_seal = k.client_seal;
  return k;
}

NtlmSealer::NtlmSealer(std::uint32_t flags, HmacMd5 send_mac, HmacMd5 recv_mac, Rc4 send,
                       Rc4 recv)
    : flags_(flags),
      send_mac_(std::move(send_mac)),
      recv_mac_(std::move(recv_mac)),
      send_handle_(std::move(send)),
      recv_handle_(std::move(recv)) {}

Result<NtlmSealer> NtlmSealer::create(const Bytes16& esk, std::uint32_t flags, NtlmRole role) {
  const NtlmKeys k = RAMPART_TRY(NtlmKeys::derive(esk, flags));
  const bool client = role == NtlmRole::client;
  const Bytes16& send_seal = client ? k.client_seal : k.server_seal;
  const Bytes16& recv_seal = client ? k.server_seal : k.client_seal;
  // With ESS each direction has its own RC4 handle (ClientHandle and
  // ServerHandle, [MS-NLMP] 3.4.3), initialised once and carried across
  // messages. Without ESS both keys are equal and NTLMv1 peers (Windows,
  // Samba) run one handle and one sequence number for both directions, so
  // the receive side then uses the send handle (recv_handle()).
  Rc4 send = RAMPART_TRY(Rc4::create(ByteSpan(send_seal.data(), k.seal_key_length)));
  Rc4 recv = RAMPART_TRY(Rc4::create(ByteSpan(recv_seal.data(), k.seal_key_length)));
  HmacMd5 send_mac = RAMPART_TRY(HmacMd5::create(client ? k.client_sign : k.server_sign));
  HmacMd5 recv_mac = RAMPART_TRY(HmacMd5::create(client ? k.server_sign : k.client_sign));
  return NtlmSealer(flags, std::move(send_mac), std::move(recv_mac), std::move(send), std::move(recv));
}

void NtlmSealer::continue_sequences(std::uint32_t sent, std::uint32_t received) noexcept {
  if (ess()) {
    send_seq_ = sent;
    recv_seq_ = received;
  } else {
    send_seq_ = sent + received;
  }
}

bool NtlmSealer::ess() const noexcept {
  return has(flags_, ntlm_flag::kExtendedSessionSecurity);
}

Rc4& NtlmSealer::recv_handle() noexcept { return ess() ? recv_handle_ : send_handle_; }
std::uint32_t& NtlmSealer::recv_seq() noexcept { return ess() ? recv_seq_ : send_seq_; }

// The signature before its RC4 step: Version 1, then either
// HMAC_MD5(SignKey, SeqNum || Message)[0..7] and SeqNum (3.4.4.2), or
// RandomPad 0, CRC32(Message) and SeqNum (3.4.4.1).
Result<NtlmSignature> NtlmSealer::make_signature(ByteSpan message, std::uint32_t seq, Rc4& handle,
                                                 HmacMd5& mac_key) {
  NtlmSignature sig{};
  put_le32(sig.data(), 1);
  put_le32(sig.data() + 12, seq);
  if (ess()) {
    const Bytes16 mac = RAMPART_TRY(mac_key.mac({ByteSpan(sig.data() + 12, 4), message}));
    std::memcpy(sig.data() + 4, mac.data(), 8);
    // 3.4.4.2: only with KEY_EXCH is the checksum RC4-encrypted.
    if (has(flags_, ntlm_flag::kKeyExch)) {
      RAMPART_CHECK(handle.apply(std::span<std::uint8_t>(sig.data() + 4, 8)));
    }
    return sig;
  }
  put_le32(sig.data() + 8, crc32(message));
  // 3.4.4.1: RandomPad, Checksum and RC4(0) XOR SeqNum; XOR-ing the
  // sequence number before the keystream gives the same octets.
  RAMPART_CHECK(handle.apply(std::span<std::uint8_t>(sig.data() + 4, 12)));
  return sig;
}

Result<NtlmSignature> NtlmSealer::sign(ByteSpan message) {
  if (failed_) return fail(Errc::sealer_failed, "NTLM context failed earlier");
  NtlmSignature sig = RAMPART_TRY(make_signature(message, send_seq_, send_handle_, send_mac_));
  ++send_seq_;
  return sig;
}

Result<NtlmSignature> NtlmSealer::seal(std::span<std::uint8_t> data, ByteSpan signed_message) {
  if (failed_) return fail(Errc::sealer_failed, "NTLM context failed earlier");
  // 3.4.3: the MAC covers the plaintext, but the stub's keystream comes
  // before the checksum's. Compute the keyed part first, encrypt the data,
  // then run the checksum through the same RC4 handle.
  NtlmSignature sig{};
  put_le32(sig.data(), 1);
  put_le32(sig.data() + 12, send_seq_);
  if (ess()) {
    const Bytes16 mac = RAMPART_TRY(send_mac_.mac({ByteSpan(sig.data() + 12, 4), signed_message}));
    std::memcpy(sig.data() + 4, mac.data(), 8);
  } else {
    put_le32(sig.data() + 8, crc32(signed_message));
  }
  RAMPART_CHECK(send_handle_.apply(data));
  if (!ess()) {
    RAMPART_CHECK(send_handle_.apply(std::span<std::uint8_t>(sig.data() + 4, 12)));
  } else if (has(flags_, ntlm_flag::kKeyExch)) {
    RAMPART_CHECK(send_handle_.apply(std::span<std::uint8_t>(sig.data() + 4, 8)));
  }
  ++send_seq_;
  return sig;
}

Result<void> NtlmSealer::check_signature(ByteSpan message, ByteSpan signature) {
  if (signature.size() != kNtlmSignatureSize) {
    return fail(Errc::bad_signature_length, "NTLM signature is not 16 octets");
  }
  if (get_le32(signature.data()) != 1) {
    return fail(Errc::bad_signature_version, "NTLMSSP_MESSAGE_SIGNATURE.Version is not 1");
  }
  // With ESS the sequence number travels in clear: check it before the MAC
  // so a replay is reported as one.
  if (ess() && get_le32(signature.data() + 12) != recv_seq_) {
    return fail(Errc::bad_sequence_number, "NTLM SeqNum is not the expected one", 12);
  }
  const NtlmSignature want =
      RAMPART_TRY(make_signature(message, recv_seq(), recv_handle(), recv_mac_));
  if (ess()) {
    if (CRYPTO_memcmp(want.data() + 4, signature.data() + 4, 8) != 0) {
      return fail(Errc::bad_checksum, "NTLM MAC does not match", 4);
    }
  } else {
    // RandomPad (octets 4..7) is the sender's choice and not compared.
    if (CRYPTO_memcmp(want.data() + 8, signature.data() + 8, 4) != 0) {
      return fail(Errc::bad_checksum, "NTLM CRC32 does not match", 8);
    }
    if (CRYPTO_memcmp(want.data() + 12, signature.data() + 12, 4) != 0) {
      return fail(Errc::bad_sequence_number, "NTLM SeqNum is not the expected one", 12);
    }
  }
  ++recv_seq();
  return {};
}

Result<void> NtlmSealer::verify(ByteSpan message, ByteSpan signature) {
  if (failed_) return fail(Errc::sealer_failed, "NTLM context failed earlier");
  auto r = check_signature(message, signature);
  if (!r) failed_ = true;
  return r;
}

Result<void> NtlmSealer::unseal(std::span<std::uint8_t> data, ByteSpan signed_message,
                                ByteSpan signature) {
  if (failed_) return fail(Errc::sealer_failed, "NTLM context failed earlier");
  if (signature.size() != kNtlmSignatureSize) {
    failed_ = true;
    return fail(Errc::bad_signature_length, "NTLM signature is not 16 octets");
  }
  auto r = recv_handle().apply(data);
  if (r) r = check_signature(signed_message, signature);
  if (!r) failed_ = true;
  return r;
}

Result<std::uint32_t> ntlm_authenticate_flags(ByteSpan token) {
  // 2.2.1.3: Signature(8) MessageType(4) five 8-octet fields and
  // EncryptedRandomSessionKey(8), then NegotiateFlags at offset 60.
  constexpr std::uint8_t kSig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  if (token.size() < 64) return fail(Errc::bad_ntlm_message, "AUTHENTICATE shorter than 64 octets");
  if (std::memcmp(token.data(), kSig, 8) != 0) {
    return fail(Errc::bad_ntlm_message, "not an NTLMSSP message", 0);
  }
  if (get_le32(token.data() + 8) != 3) {
    return fail(Errc::bad_ntlm_message, "NTLMSSP MessageType is not AUTHENTICATE", 8);
  }
  return get_le32(token.data() + 60);
}

}  // namespace rampart::security
