// Auth trailer geometry and NTLM PDU protection on arbitrary bytes. The
// first input octet picks the stub offset (24, or 40 with an object UUID);
// the rest is a whole PDU. Invariants: a located trailer accounts for every
// octet of the PDU; any PDU whose trailer locates at a protected level and
// carries a 16-octet auth_value survives protect -> unprotect with its stub
// restored; unprotecting untrusted bytes never crashes. The same bytes also go
// to the SPNEGO rewrite of a framed Kerberos AP-REQ (spnego_token.hpp): a
// rebuilt token parses, carries a bare AP-REQ, and is not rebuilt again;
// and to the check of SPNEGO's closing answer (spnego_accept_completed),
// which only reads.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "rampart/security/ntlm_pdu_protection.hpp"
#include "rampart/security/spnego_token.hpp"

namespace {

using namespace rampart::security;

const Bytes16 kKey = {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
                      0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55};
constexpr std::uint32_t kFlags = 0xe28a8233;  // [MS-NLMP] 4.2.4: ESS, 128, KEY_EXCH

void round_trip(std::vector<std::uint8_t> pdu, std::size_t stub_offset, const AuthLayout& l) {
  auto client = NtlmSealer::create(kKey, kFlags, NtlmRole::client);
  auto server = NtlmSealer::create(kKey, kFlags, NtlmRole::server);
  if (!client || !server) std::abort();
  const std::vector<std::uint8_t> before = pdu;
  if (!ntlm_protect_pdu(pdu, stub_offset, *client)) std::abort();
  const EstablishedAuth established{l.trailer.auth_type,
                                    static_cast<AuthLevel>(l.trailer.auth_level),
                                    l.trailer.auth_context_id};
  if (!ntlm_unprotect_pdu(pdu, stub_offset, *server, established)) std::abort();
  // A different context id is refused before any crypto runs.
  auto other = NtlmSealer::create(kKey, kFlags, NtlmRole::server);
  if (!other) std::abort();
  const EstablishedAuth wrong{established.auth_type, established.level,
                              established.context_id + 1};
  if (ntlm_unprotect_pdu(pdu, stub_offset, *other, wrong)) std::abort();
  // Everything before the auth_value is as it was.
  for (std::size_t i = 0; i < l.auth_value_offset; ++i) {
    if (pdu[i] != before[i]) std::abort();
  }
}

void spnego_rewrite(std::span<const std::uint8_t> token) {
  auto bare = spnego_with_bare_ap_req(token);
  if (!bare) return;
  auto inner = spnego_inner_token(*bare);
  if (!inner || inner->empty() || (*inner)[0] != 0x6e) std::abort();
  if (spnego_with_bare_ap_req(*bare)) std::abort();
}

void spnego_closing(std::span<const std::uint8_t> token) {
  // The shortest accept-completed negTokenResp: [1] { SEQUENCE { [0] { ENUMERATED 0 } } }.
  if (spnego_accept_completed(token) && token.size() < 9) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t stub_offset = (data[0] & 1) ? 40 : 24;
  std::vector<std::uint8_t> pdu(data + 1, data + size);
  spnego_rewrite(pdu);
  spnego_closing(pdu);
  auto l = locate_auth_trailer(pdu, stub_offset);
  if (!l) {
    (void)l.error().to_string();
    return 0;
  }
  if (l->stub_offset + l->stub_length + l->pad_length + kSecTrailerSize + l->auth_length !=
      pdu.size()) {
    std::abort();
  }
  (void)l->trailer.describe();
  const auto level = static_cast<AuthLevel>(l->trailer.auth_level);
  const bool protectable = level == AuthLevel::packet || level == AuthLevel::integrity ||
                           level == AuthLevel::privacy;
  if (protectable && l->auth_length == kNtlmSignatureSize) round_trip(pdu, stub_offset, *l);
  // Untrusted bytes straight into the receive path.
  auto server = NtlmSealer::create(kKey, kFlags, NtlmRole::server);
  if (!server) std::abort();
  (void)ntlm_unprotect_pdu(pdu, stub_offset, *server,
                           {auth_type::kNtlm, level, l->trailer.auth_context_id});
  return 0;
}
