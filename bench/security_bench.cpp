// NTLM per-PDU protection ([MS-NLMP] 3.4): what each protected request or
// response costs in CPU, and the HMAC-MD5 of its signature computed the two
// ways the sealer could: keyed for every message, or keyed once per context.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "rampart/security/auth_trailer.hpp"
#include "rampart/security/crypto.hpp"
#include "rampart/security/ntlm_pdu_protection.hpp"
#include "rampart/security/ntlm_sealer.hpp"

namespace {

using namespace rampart::security;

constexpr Bytes16 kSessionKey = {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
                                 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55};
// What Windows, Samba and gss-ntlmssp settle on: NTLMv2 session security,
// 128-bit keys, key exchange, signing and sealing.
constexpr std::uint32_t kFlags = ntlm_flag::kSign | ntlm_flag::kSeal | ntlm_flag::kAlwaysSign |
                                 ntlm_flag::kExtendedSessionSecurity | ntlm_flag::k128 |
                                 ntlm_flag::kKeyExch;
constexpr std::size_t kStubOffset = 24;

// A request PDU the size of an ept_map call at privacy: header and fixed
// body (24), a 132-octet stub, 12 octets of auth pad, sec_trailer, and a
// 16-octet NTLM signature (192 octets).
std::vector<std::uint8_t> ept_map_sized_request() {
  std::vector<std::uint8_t> pdu = {5, 0, 0, 3, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
                                   132, 0, 0, 0, 0, 0, 3, 0};
  for (std::uint8_t i = 0; i < 132; ++i) pdu.push_back(i);
  append_auth_trailer(pdu, kStubOffset,
                      SecTrailer{auth_type::kNtlm, static_cast<std::uint8_t>(AuthLevel::privacy), 0, 0, 1},
                      kNtlmSignatureSize);
  return pdu;
}

// One call's worth of protection on one side: seal an outgoing PDU, and
// unseal and verify it as the peer does.
void BM_NtlmSealAndUnseal(benchmark::State& state) {
  auto client = NtlmSealer::create(kSessionKey, kFlags, NtlmRole::client);
  auto server = NtlmSealer::create(kSessionKey, kFlags, NtlmRole::server);
  if (!client || !server) {
    state.SkipWithError("no NTLM sealer (OpenSSL legacy provider?)");
    return;
  }
  const std::vector<std::uint8_t> request = ept_map_sized_request();
  const EstablishedAuth established{auth_type::kNtlm, AuthLevel::privacy, 1};
  std::vector<std::uint8_t> pdu;
  for (auto _ : state) {
    pdu = request;
    if (!ntlm_protect_pdu(pdu, kStubOffset, *client) ||
        !ntlm_unprotect_pdu(pdu, kStubOffset, *server, established)) {
      state.SkipWithError("round trip failed");
      return;
    }
    benchmark::DoNotOptimize(pdu.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * request.size()));
}
BENCHMARK(BM_NtlmSealAndUnseal);

// The signature's HMAC over the 4-octet sequence number and a 168-octet
// PDU, keyed from scratch for each message (fetch MD5, hash both pads).
void BM_HmacMd5KeyedPerMessage(benchmark::State& state) {
  const std::vector<std::uint8_t> message(168, 0x42);
  const std::uint8_t seq[4] = {1, 0, 0, 0};
  for (auto _ : state) {
    auto mac = hmac_md5(kSessionKey, {ByteSpan(seq, 4), message});
    benchmark::DoNotOptimize(mac);
  }
}
BENCHMARK(BM_HmacMd5KeyedPerMessage);

// The same HMAC from a context keyed once, as NtlmSealer does.
void BM_HmacMd5KeyedOnce(benchmark::State& state) {
  const std::vector<std::uint8_t> message(168, 0x42);
  const std::uint8_t seq[4] = {1, 0, 0, 0};
  auto h = HmacMd5::create(kSessionKey);
  if (!h) {
    state.SkipWithError("no HMAC-MD5");
    return;
  }
  for (auto _ : state) {
    auto mac = h->mac({ByteSpan(seq, 4), message});
    benchmark::DoNotOptimize(mac);
  }
}
BENCHMARK(BM_HmacMd5KeyedOnce);

}  // namespace

BENCHMARK_MAIN();
