// [MS-NLMP] 3.4 message security against the specification's own examples
// (4.2.2.4 and 4.2.4.4 GSS_WrapEx), then the receiving side and tampering.
#include "rampart/security/ntlm_sealer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

// 4.2.1 Common Values: RandomSessionKey is sixteen 0x55 octets; with
// KEY_EXCH it is the ExportedSessionKey.
const Bytes16 kRandomSessionKey = [] {
  Bytes16 k;
  k.fill(0x55);
  return k;
}();

// "Plaintext" in UTF-16LE (4.2.2.4 and 4.2.4.4).
std::vector<std::uint8_t> plaintext() {
  return {0x50, 0x00, 0x6c, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e,
          0x00, 0x74, 0x00, 0x65, 0x00, 0x78, 0x00, 0x74, 0x00};
}

// 4.2.2 (NTLMv1) challenge flags 0xe2028233: KEY_EXCH 56 128 VERSION
// TARGET_TYPE_SERVER ALWAYS_SIGN NTLM SEAL SIGN OEM UNICODE.
constexpr std::uint32_t kFlagsV1 = 0xe2028233;
// 4.2.4 (NTLMv2) challenge flags 0xe28a8233: the above plus TARGET_INFO and
// EXTENDED_SESSIONSECURITY.
constexpr std::uint32_t kFlagsV2 = 0xe28a8233;

TEST(NtlmKeys, Ess128MatchesSpecKeys) {
  auto k = NtlmKeys::derive(kRandomSessionKey, kFlagsV2);
  ASSERT_TRUE(k) << k.error().to_string();
  // 4.2.4.4: SEALKEY and SIGNKEY for the client-to-server direction.
  const Bytes16 seal = {0x59, 0xf6, 0x00, 0x97, 0x3c, 0xc4, 0x96, 0x0a,
                        0x25, 0x48, 0x0a, 0x7c, 0x19, 0x6e, 0x4c, 0x58};
  const Bytes16 sign = {0x47, 0x88, 0xdc, 0x86, 0x1b, 0x47, 0x82, 0xf3,
                        0x5d, 0x43, 0xfd, 0x98, 0xfe, 0x1a, 0x2d, 0x39};
  EXPECT_EQ(k->client_seal, seal);
  EXPECT_EQ(k->client_sign, sign);
  EXPECT_NE(k->server_seal, k->client_seal);
  EXPECT_NE(k->server_sign, k->client_sign);
  EXPECT_EQ(k->seal_key_length, 16U);
}

TEST(NtlmKeys, EssKeyStrengthFollowsFlags) {
  const std::uint32_t base = ntlm_flag::kExtendedSessionSecurity;
  auto k128 = NtlmKeys::derive(kRandomSessionKey, base | ntlm_flag::k128 | ntlm_flag::k56);
  auto k56 = NtlmKeys::derive(kRandomSessionKey, base | ntlm_flag::k56);
  auto k40 = NtlmKeys::derive(kRandomSessionKey, base);
  ASSERT_TRUE(k128 && k56 && k40);
  // 3.4.5.3: 56 bits hash 7 octets of the key, 40 bits hash 5.
  const std::uint8_t nul_c2s[] = "session key to client-to-server sealing key magic constant";
  auto want56 = md5({ByteSpan(kRandomSessionKey.data(), 7), ByteSpan(nul_c2s, sizeof nul_c2s)});
  auto want40 = md5({ByteSpan(kRandomSessionKey.data(), 5), ByteSpan(nul_c2s, sizeof nul_c2s)});
  ASSERT_TRUE(want56 && want40);
  EXPECT_EQ(k56->client_seal, *want56);
  EXPECT_EQ(k40->client_seal, *want40);
  EXPECT_NE(k128->client_seal, k56->client_seal);
  EXPECT_NE(k56->client_seal, k40->client_seal);
  // Signing keys do not depend on the strength.
  EXPECT_EQ(k128->client_sign, k40->client_sign);
}

TEST(NtlmKeys, NonEssLmKeyWeakensTo64Bits) {
  auto k56 = NtlmKeys::derive(kRandomSessionKey, ntlm_flag::kLmKey | ntlm_flag::k56);
  auto k40 = NtlmKeys::derive(kRandomSessionKey, ntlm_flag::kLmKey);
  ASSERT_TRUE(k56 && k40);
  EXPECT_EQ(k56->seal_key_length, 8U);
  const Bytes16 w56 = {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0};
  const Bytes16 w40 = {0x55, 0x55, 0x55, 0x55, 0x55, 0xe5, 0x38, 0xb0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(k56->client_seal, w56);
  EXPECT_EQ(k40->client_seal, w40);
  EXPECT_EQ(k40->server_seal, k40->client_seal);
}

TEST(NtlmSealer, Spec4244SealWithExtendedSessionSecurity) {
  auto client = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::client);
  ASSERT_TRUE(client) << client.error().to_string();
  auto data = plaintext();
  const auto message = plaintext();
  auto sig = client->seal(data, message);
  ASSERT_TRUE(sig) << sig.error().to_string();
  const std::vector<std::uint8_t> sealed = {0x54, 0xe5, 0x01, 0x65, 0xbf, 0x19, 0x36, 0xdc, 0x99,
                                            0x60, 0x20, 0xc1, 0x81, 0x1b, 0x0f, 0x06, 0xfb, 0x5f};
  const NtlmSignature want = {0x01, 0x00, 0x00, 0x00, 0x7f, 0xb3, 0x8e, 0xc5,
                              0xc5, 0x5d, 0x49, 0x76, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(data, sealed);
  EXPECT_EQ(*sig, want);
  EXPECT_EQ(client->send_sequence(), 1U);
}

TEST(NtlmSealer, Spec4224SealWithoutExtendedSessionSecurity) {
  auto client = NtlmSealer::create(kRandomSessionKey, kFlagsV1, NtlmRole::client);
  ASSERT_TRUE(client) << client.error().to_string();
  auto data = plaintext();
  const auto message = plaintext();
  auto sig = client->seal(data, message);
  ASSERT_TRUE(sig) << sig.error().to_string();
  const std::vector<std::uint8_t> sealed = {0x56, 0xfe, 0x04, 0xd8, 0x61, 0xf9, 0x31, 0x9a, 0xf0,
                                            0xd7, 0x23, 0x8a, 0x2e, 0x3b, 0x4d, 0x45, 0x7f, 0xb8};
  const NtlmSignature want = {0x01, 0x00, 0x00, 0x00, 0x45, 0xc8, 0x44, 0xe5,
                              0x09, 0xdc, 0xd1, 0xdf, 0x2e, 0x45, 0x9d, 0x36};
  EXPECT_EQ(data, sealed);
  EXPECT_EQ(*sig, want);
}

TEST(NtlmCrc32, Spec4224ChecksumOfPlaintext) {
  // 4.2.2.4: CRC32(Message) = 7d 84 aa 93 (little-endian on the wire).
  EXPECT_EQ(crc32(plaintext()), 0x93aa847dU);
}

std::vector<std::uint8_t> octets(std::string_view s) { return {s.begin(), s.end()}; }

// RFC 2202 section 2, HMAC-MD5 test cases 1, 2 and 6 (a key longer than
// the block), each computed twice and interleaved on one keyed object: the
// second and later messages restart from the saved key state.
TEST(HmacMd5, Rfc2202VectorsRepeatOnOneKeyedObject) {
  struct Case {
    std::vector<std::uint8_t> key, data;
    Bytes16 want;
  };
  const std::vector<Case> cases = {
      {std::vector<std::uint8_t>(16, 0x0b), octets("Hi There"),
       {0x92, 0x94, 0x72, 0x7a, 0x36, 0x38, 0xbb, 0x1c, 0x13, 0xf4, 0x8e, 0xf8, 0x15, 0x8b, 0xfc, 0x9d}},
      {octets("Jefe"), octets("what do ya want for nothing?"),
       {0x75, 0x0c, 0x78, 0x3e, 0x6a, 0xb0, 0xb5, 0x03, 0xea, 0xa8, 0x6e, 0x31, 0x0a, 0x5d, 0xb7, 0x38}},
      {std::vector<std::uint8_t>(80, 0xaa), octets("Test Using Larger Than Block-Size Key - Hash Key First"),
       {0x6b, 0x1a, 0xb7, 0xfe, 0x4b, 0xd7, 0xbf, 0x8f, 0x0b, 0x62, 0xe6, 0xce, 0x61, 0xb9, 0xd0, 0xcd}},
  };
  for (const Case& c : cases) {
    auto h = HmacMd5::create(c.key);
    ASSERT_TRUE(h) << h.error().to_string();
    const auto half = c.data.size() / 2;
    for (int round = 0; round < 3; ++round) {
      auto whole = h->mac({c.data});
      ASSERT_TRUE(whole);
      EXPECT_EQ(*whole, c.want) << "round " << round;
      // The same octets in two parts, and an unrelated message in between.
      auto split = h->mac({ByteSpan(c.data).first(half), ByteSpan(c.data).subspan(half)});
      ASSERT_TRUE(split);
      EXPECT_EQ(*split, c.want) << "round " << round;
      ASSERT_TRUE(h->mac({plaintext()}));
    }
    auto once = hmac_md5(c.key, {c.data});
    ASSERT_TRUE(once);
    EXPECT_EQ(*once, c.want);
  }
  auto empty = hmac_md5({}, {});
  ASSERT_TRUE(empty);
  const Bytes16 want_empty = {0x74, 0xe6, 0xf7, 0x29, 0x8a, 0x9c, 0x2d, 0x16,
                              0x89, 0x35, 0xf5, 0x8c, 0x00, 0x1b, 0xad, 0x88};
  EXPECT_EQ(*empty, want_empty);
}

// 3.4.4.2 without KEY_EXCH: the checksum travels in clear, so each
// message's can be compared with HMAC_MD5(SignKey, SeqNum || Message)
// computed from scratch. Round trips alone would not notice both sides
// losing the key the same way.
TEST(NtlmSealer, EveryMessageMacsUnderTheSignKey) {
  const std::uint32_t flags = kFlagsV2 & ~ntlm_flag::kKeyExch;
  auto keys = NtlmKeys::derive(kRandomSessionKey, flags);
  auto client = NtlmSealer::create(kRandomSessionKey, flags, NtlmRole::client);
  ASSERT_TRUE(keys && client);
  for (std::uint8_t seq = 0; seq < 5; ++seq) {
    auto message = plaintext();
    message.push_back(seq);  // a different message each time
    const auto original = message;
    // Sealing encrypts part of the message in place after the MAC is taken.
    auto sig = seq % 2 ? client->sign(message) : client->seal(std::span(message).first(4), message);
    ASSERT_TRUE(sig);
    const std::uint8_t seq_le[4] = {seq, 0, 0, 0};
    auto want = hmac_md5(keys->client_sign, {ByteSpan(seq_le, 4), original});
    ASSERT_TRUE(want);
    EXPECT_TRUE(std::equal(want->begin(), want->begin() + 8, sig->begin() + 4)) << "message " << int{seq};
    EXPECT_TRUE(std::equal(seq_le, seq_le + 4, sig->begin() + 12));
  }
}


// The server side of the same context opens what the client sealed.
void expect_round_trip(std::uint32_t flags) {
  auto client = NtlmSealer::create(kRandomSessionKey, flags, NtlmRole::client);
  auto server = NtlmSealer::create(kRandomSessionKey, flags, NtlmRole::server);
  ASSERT_TRUE(client && server);
  for (int i = 0; i < 3; ++i) {  // RC4 state and SeqNum carry across messages
    auto data = plaintext();
    auto sig = client->seal(data, plaintext());
    ASSERT_TRUE(sig);
    EXPECT_NE(data, plaintext());
    auto r = server->unseal(data, data, *sig);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(data, plaintext());
    // And the other direction, sign-only.
    auto reply_sig = server->sign(plaintext());
    ASSERT_TRUE(reply_sig);
    auto v = client->verify(plaintext(), *reply_sig);
    ASSERT_TRUE(v) << v.error().to_string();
  }
  // Without ESS one sequence counts both directions (3 messages each way).
  const std::uint32_t want = (flags & ntlm_flag::kExtendedSessionSecurity) ? 3U : 6U;
  EXPECT_EQ(server->receive_sequence(), want);
  EXPECT_EQ(client->receive_sequence(), want);
}

TEST(NtlmSealer, ServerUnsealsClientEss) { expect_round_trip(kFlagsV2); }
TEST(NtlmSealer, ServerUnsealsClientNonEss) { expect_round_trip(kFlagsV1); }
TEST(NtlmSealer, ServerUnsealsClientEssWithoutKeyExch) {
  expect_round_trip(kFlagsV2 & ~ntlm_flag::kKeyExch);
}

TEST(NtlmSealer, Spec4244UnsealOnServer) {
  auto server = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::server);
  ASSERT_TRUE(server);
  std::vector<std::uint8_t> data = {0x54, 0xe5, 0x01, 0x65, 0xbf, 0x19, 0x36, 0xdc, 0x99,
                                    0x60, 0x20, 0xc1, 0x81, 0x1b, 0x0f, 0x06, 0xfb, 0x5f};
  const NtlmSignature sig = {0x01, 0x00, 0x00, 0x00, 0x7f, 0xb3, 0x8e, 0xc5,
                             0xc5, 0x5d, 0x49, 0x76, 0x00, 0x00, 0x00, 0x00};
  auto r = server->unseal(data, data, sig);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(data, plaintext());
}

// Every single-bit flip in the sealed data or the signature is caught.
void expect_every_flip_fails(std::uint32_t flags) {
  auto client = NtlmSealer::create(kRandomSessionKey, flags, NtlmRole::client);
  ASSERT_TRUE(client);
  auto sealed = plaintext();
  auto sig = client->seal(sealed, plaintext());
  ASSERT_TRUE(sig);
  const bool ess = (flags & ntlm_flag::kExtendedSessionSecurity) != 0;
  const std::size_t data_bits = sealed.size() * 8;
  const std::size_t bits = data_bits + sig->size() * 8;
  for (std::size_t bit = 0; bit < bits; ++bit) {
    // Without ESS signature octets 4..7 are RandomPad, which nothing protects.
    const bool in_random_pad = bit >= data_bits + 4 * 8 && bit < data_bits + 8 * 8;
    if (!ess && in_random_pad) continue;
    auto data = sealed;
    NtlmSignature s = *sig;
    if (bit < data.size() * 8) {
      data[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    } else {
      const std::size_t b = bit - data.size() * 8;
      s[b / 8] ^= static_cast<std::uint8_t>(1U << (b % 8));
    }
    auto server = NtlmSealer::create(kRandomSessionKey, flags, NtlmRole::server);
    ASSERT_TRUE(server);
    auto r = server->unseal(data, data, s);
    EXPECT_FALSE(r) << "bit " << bit << " flipped went unnoticed";
    EXPECT_TRUE(server->failed());
  }
}

TEST(NtlmSealer, TamperingDetectedEss) { expect_every_flip_fails(kFlagsV2); }
TEST(NtlmSealer, TamperingDetectedNonEss) { expect_every_flip_fails(kFlagsV1); }

TEST(NtlmSealer, ReplayAndReorderAreSequenceErrors) {
  auto server = NtlmSealer::create(kRandomSessionKey, kFlagsV2 & ~ntlm_flag::kKeyExch,
                                   NtlmRole::server);
  auto client2 = NtlmSealer::create(kRandomSessionKey, kFlagsV2 & ~ntlm_flag::kKeyExch,
                                    NtlmRole::client);
  ASSERT_TRUE(server && client2);
  auto first = client2->sign(plaintext());
  auto second = client2->sign(plaintext());
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(server->verify(plaintext(), *first));
  auto replay = server->verify(plaintext(), *first);
  ASSERT_FALSE(replay);
  EXPECT_TRUE(replay.error().is(Errc::bad_sequence_number));
  // Once failed, the context refuses even the genuine next message.
  auto after = server->verify(plaintext(), *second);
  ASSERT_FALSE(after);
  EXPECT_TRUE(after.error().is(Errc::sealer_failed));
}

TEST(NtlmSealer, DirectionsDoNotMix) {
  // A client cannot verify its own outgoing signature: the server-to-client
  // keys differ ([MS-NLMP] 3.4.5), which defeats reflection.
  auto a = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::client);
  auto b = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::client);
  ASSERT_TRUE(a && b);
  auto sig = a->sign(plaintext());
  ASSERT_TRUE(sig);
  auto r = b->verify(plaintext(), *sig);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::bad_checksum));
}

// [MS-SPNG] 3.3.5.1: SPNEGO's mechListMIC is NTLM's first signature in
// each direction. The first PDU after it is keyed with fresh RC4 handles but
// carries the next sequence number (Samba's gensec_may_reset_crypto without
// a full reset).
TEST(NtlmSealer, ContinuesSequencesAfterMechListMic) {
  auto mic_signer = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::client);
  ASSERT_TRUE(mic_signer);
  ASSERT_TRUE(mic_signer->sign(plaintext()));  // the client's mechListMIC, sequence 0
  auto client = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::client);
  auto server = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::server);
  auto fresh_server = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::server);
  ASSERT_TRUE(client && server && fresh_server);
  client->continue_sequences(1, 1);
  server->continue_sequences(1, 1);
  EXPECT_EQ(client->send_sequence(), 1U);
  EXPECT_EQ(server->receive_sequence(), 1U);
  auto data = plaintext();
  auto sig = client->seal(data, plaintext());
  ASSERT_TRUE(sig);
  // The signature's SeqNum field (octets 12..15) says 1.
  EXPECT_EQ((*sig)[12], 1);
  // A fresh RC4 handle, not the one that made the MIC, sealed it: the sealer
  // that signed the MIC seals the same message differently.
  auto via_mic_state = plaintext();
  ASSERT_TRUE(mic_signer->seal(via_mic_state, plaintext()));
  EXPECT_NE(via_mic_state, data);
  auto copy = data;
  auto r = server->unseal(data, data, *sig);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(data, plaintext());
  // A server that did not count the MIC expects sequence 0 and refuses it.
  auto stale = fresh_server->unseal(copy, copy, *sig);
  ASSERT_FALSE(stale);
  EXPECT_TRUE(stale.error().is(Errc::bad_sequence_number));
}

TEST(NtlmSealer, ContinuedSequenceWithoutEssCountsBothDirections) {
  auto server = NtlmSealer::create(kRandomSessionKey, kFlagsV1, NtlmRole::server);
  ASSERT_TRUE(server);
  server->continue_sequences(1, 1);
  EXPECT_EQ(server->send_sequence(), 2U);
  EXPECT_EQ(server->receive_sequence(), 2U);
}

TEST(NtlmSealer, RejectsMalformedSignatures) {
  auto server = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::server);
  ASSERT_TRUE(server);
  const std::vector<std::uint8_t> short_sig(15, 0);
  auto r = server->verify(plaintext(), short_sig);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::bad_signature_length));
  auto s2 = NtlmSealer::create(kRandomSessionKey, kFlagsV2, NtlmRole::server);
  NtlmSignature v2{};
  v2[0] = 2;
  auto r2 = s2->verify(plaintext(), v2);
  ASSERT_FALSE(r2);
  EXPECT_TRUE(r2.error().is(Errc::bad_signature_version));
}

TEST(NtlmAuthenticate, FlagsFromAuthenticateMessage) {
  std::vector<std::uint8_t> t(72, 0);
  const char sig[] = "NTLMSSP";
  std::copy(sig, sig + 8, t.begin());
  t[8] = 3;
  t[60] = 0x33; t[61] = 0x82; t[62] = 0x8a; t[63] = 0xe2;
  auto f = ntlm_authenticate_flags(t);
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, kFlagsV2);
  t[8] = 2;  // a CHALLENGE is not an AUTHENTICATE
  EXPECT_FALSE(ntlm_authenticate_flags(t));
  t[8] = 3;
  t[0] = 'X';
  EXPECT_FALSE(ntlm_authenticate_flags(t));
  EXPECT_FALSE(ntlm_authenticate_flags(std::span(t).first(63)));
}

}  // namespace
}  // namespace rampart::security
