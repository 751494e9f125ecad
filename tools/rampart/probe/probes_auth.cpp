// Probes on an authenticated association (C4 auth trailer geometry, C5 auth
// state, C17 security exchanges): sent only when credentials are given
// (-U), after the NTLM exchange of auth_session.hpp, at packet integrity.
// Each request is signed by the established context, so the one field a
// probe names is the only thing wrong with it.
#include <array>

#include "auth_session.hpp"
#include "catalogue_util.hpp"
#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/client_security.hpp"
#include "rampart/security/auth_trailer.hpp"

namespace rampart::probe::detail {

namespace {

namespace st = pdu::status;
namespace sec = security;
constexpr std::uint32_t kCallId = 0x5c5;
constexpr std::size_t kNtlmAuthenticate = 64;  // fixed fields of an NTLM AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3)
constexpr std::uint32_t kSecPkgError = 0x00000721;  // rpc_s_sec_pkg_error ([MS-RPCE] 3.3.1.5.2, [MS-ERREF])

std::size_t trailer_at(const wire::Octets& pdu) {
  return pdu.size() - (pdu[wire::kAuthLengthOffset] | pdu[wire::kAuthLengthOffset + 1] << 8) - sec::kSecTrailerSize;
}

// Without a session (the catalogue's tests) the second auth3 is an NTLM
// AUTHENTICATE-sized auth3 of zeros on the bind's call_id.
wire::Octets placeholder_auth3() {
  pdu::Pdu a;
  a.header.ptype = pdu::PType::auth3;
  a.header.pfc_flags = pdu::pfc::kFirstLast;
  a.header.call_id = 1;
  a.body = pdu::Auth3{};
  pdu::AuthVerifier v;
  v.auth_type = sec::auth_type::kNtlm;
  v.auth_level = static_cast<std::uint8_t>(sec::AuthLevel::integrity);
  v.auth_context_id = 1;
  static constexpr std::array<std::uint8_t, kNtlmAuthenticate> kZeros{};
  v.auth_value = kZeros;
  a.auth = std::move(v);
  return pdu::encode(a);
}

Probe authed(Probe p) {
  p.after_bind = true;
  p.needs_auth = true;
  return p;
}

Probe other_context() {
  Probe p{"c5.request-other-auth-context", "C5", "a signed request naming another auth_context_id",
          "after an NTLM bind and auth3 at packet integrity, an ept_lookup request whose sec_trailer names "
          "auth_context_id + 1, signed over that trailer with the established context",
          "A well-formed, correctly signed 104-octet request; only the context id names no context.",
          "[MS-RPCE] 3.3.1.5.2.2 / C706 13.2.6.1: the auth_context_id of every PDU is the context's; a "
          "request naming another is refused: fault access_denied, then close, as a change of auth level "
          "is (raw_protocol test_spnego_change_auth_level); Samba 4.17 and rampartd answer so "
          "(tests/interop/probe_test.sh; docs/hardening.md C5).",
          Safety::safe, false, {}, {}, {}};
  p.build = [](const Session& s) { return Pdus{signed_lookup(s, kCallId, 1)}; };
  p.expected = {fault(st::kAccessDenied, true)};
  p.accepting = {accepted(ReactionKind::response)};
  return authed(std::move(p));
}

Probe tampered() {
  Probe p{"c17.tampered-signature", "C17", "a request whose NTLM signature was altered",
          "after an NTLM bind and auth3 at packet integrity, a signed ept_lookup request with one octet of "
          "the signature's checksum inverted",
          "A well-formed 104-octet request; the checksum is compared, never used as a length.",
          "[MS-RPCE] 3.3.1.5.2.2: a verifier that does not verify fails the call with "
          "rpc_s_sec_pkg_error (0x721) and, since the signing state is lost, the connection closes "
          "(Samba's dcesrv_auth_pdu_check failure path; docs/hardening.md C17). The signed control call "
          "before it was answered, so the context itself was sound.",
          Safety::safe, false, {}, {}, {}};
  p.build = [](const Session& s) {
    auto r = signed_lookup(s, kCallId);
    r[r.size() - 5] ^= 0xff;  // NTLMSSP_MESSAGE_SIGNATURE: version 4, checksum 8, seq 4
    return Pdus{r};
  };
  p.expected = {fault(kSecPkgError, true)};
  p.accepting = {accepted(ReactionKind::response)};
  return authed(std::move(p));
}

Probe pad_over_stub() {
  Probe p{"c4.auth-pad-over-stub", "C4", "a signed request whose auth_pad_length exceeds its stub",
          "after an NTLM bind and auth3 at packet integrity, an ept_lookup request with an empty stub whose "
          "sec_trailer says auth_pad_length 8 (signed with 0, then changed)",
          "NOT SAFE: a receiver that subtracts auth_pad_length from the octets before the trailer without a "
          "check gets a stub of -8 octets, a length near 4 GiB (the CVE-2015-5370 family). Sent only with "
          "--unsafe.",
          "[MS-RPCE] 2.2.2.11: the pad lies inside the PDU's stub section; a trailer that puts it before the "
          "stub is a protocol error: fault nca_s_proto_error, then close (docs/hardening.md C4). A host that "
          "verifies the signature before the geometry answers rpc_s_sec_pkg_error, then closes: also a "
          "refusal.",
          Safety::unsafe, false, {}, {}, {}};
  p.build = [](const Session& s) {
    auto r = signed_lookup(s, kCallId, 0, true);
    r[trailer_at(r) + 2] = 8;
    return Pdus{r};
  };
  p.expected = {fault(st::kNcaProtoError, true), fault(kSecPkgError, true)};
  p.accepting = {accepted(ReactionKind::response)};
  return authed(std::move(p));
}

Probe second_auth3() {
  Probe p{"c17.second-auth3", "C17", "a second auth3 on an established context, then a signed request",
          "after an NTLM bind and auth3 at packet integrity, the same auth3 again, then a signed ept_lookup "
          "request",
          "The auth3 is the one the host already accepted (its NTLM AUTHENTICATE message); nothing in it is "
          "longer than before.",
          "C706 13.2.6.1 / [MS-RPCE] 3.3.1.5.2: auth3 completes an exchange once; another is a protocol "
          "error: fault nca_s_proto_error, then close (raw_protocol test_spnego_connect_reauth_auth3; "
          "docs/hardening.md C17). A response to the request means the host ignored the second auth3.",
          Safety::safe, false, {}, {}, {}};
  p.build = [](const Session& s) {
    return Pdus{s.auth3.empty() ? placeholder_auth3() : s.auth3, signed_lookup(s, kCallId)};
  };
  p.expected = {fault(st::kNcaProtoError, true)};
  p.accepting = {accepted(ReactionKind::response)};
  return authed(std::move(p));
}

}  // namespace

void add_auth_probes(std::vector<Probe>& out) {
  out.push_back(other_context());
  out.push_back(tampered());
  out.push_back(pad_over_stub());
  out.push_back(second_auth3());
}

}  // namespace rampart::probe::detail
