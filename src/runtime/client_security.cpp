#include "rampart/runtime/client_security.hpp"

#include <algorithm>

#include "rampart/runtime/client_errc.hpp"
#include "rampart/security/auth_trailer.hpp"
#include "rampart/security/errc.hpp"
#include "rampart/security/spnego_token.hpp"

namespace rampart::runtime {

namespace sec = security;

namespace {

bool per_pdu_protection(sec::AuthLevel l) {
  return l == sec::AuthLevel::packet || l == sec::AuthLevel::integrity || l == sec::AuthLevel::privacy;
}

// C706 13.2.6.1 / [MS-RPCE] 2.2.2.11: the stub of a request starts after
// the 24-octet header and fixed fields, 40 with an object UUID.
std::size_t stub_offset_of(const pdu::Request& q) { return pdu::kHeaderSize + 8 + (q.object ? 16 : 0); }

}  // namespace

Result<std::unique_ptr<ClientSecurity>> ClientSecurity::start(ClientAuth auth) {
  if (!auth.provider) return fail(ClientErrc::auth_failed, "no security provider");
  if (auth.level < sec::AuthLevel::connect || auth.level > sec::AuthLevel::privacy)
    return fail(ClientErrc::auth_failed, "auth level must be connect, call, packet, integrity or privacy");
  // C706 13.1.2.1: call level has no PDU form of its own; Windows and Samba
  // protect it as packet.
  if (auth.level == sec::AuthLevel::call) auth.level = sec::AuthLevel::packet;
  std::unique_ptr<ClientSecurity> s(new ClientSecurity(std::move(auth)));
  s->context_ = RAMPART_TRY(s->auth_.provider->new_initiator(s->auth_.target, s->auth_.level));
  auto first = s->context_->step({});
  if (!first) return fail(ClientErrc::auth_failed, "the security provider refused to start (credentials?)");
  s->token_ = std::move(first->output);
  return s;
}

std::uint8_t ClientSecurity::bind_flags() const noexcept {
  return auth_.header_sign && per_pdu_protection(auth_.level) ? pdu::pfc::kSupportHeaderSign : 0;
}

pdu::AuthVerifier ClientSecurity::verifier() const {
  pdu::AuthVerifier v;
  v.auth_type = auth_.provider->auth_type();
  v.auth_level = static_cast<std::uint8_t>(auth_.level);
  v.auth_context_id = auth_.context_id;
  v.auth_value = token_;
  return v;
}

Result<void> ClientSecurity::check_trailer(const pdu::AuthVerifier& v) const {
  // [MS-RPCE] 3.3.1.5.2.2 / HARDENING C5 in mirror image: the server answers
  // in the context the client opened, at the level it asked for.
  if (v.auth_type != auth_.provider->auth_type())
    return fail(ClientErrc::auth_downgrade, "the server answered with another auth_type");
  if (v.auth_level != static_cast<std::uint8_t>(auth_.level))
    return fail(ClientErrc::auth_downgrade, "the server answered with another auth_level");
  if (v.auth_context_id != auth_.context_id)
    return fail(ClientErrc::auth_downgrade, "the server answered for another auth_context_id");
  return {};
}

Result<ClientSecurity::Next> ClientSecurity::on_server_token(const pdu::Pdu& p) {
  if (established()) {
    // The answer to SPNEGO's last leg: the initiator completed when it
    // produced that leg (having verified any acceptor mechListMIC), so the
    // server's closing negTokenResp (RFC 4178 4.2.2) only has to say
    // accept-completed, i.e. that it verified the initiator's MIC (RFC 4178
    // 5); reject or request-mic means it did not. No trailer says nothing.
    if (!final_on_alter_) return fail(ClientErrc::unexpected_pdu, "an auth token after the context was established", 10);
    final_on_alter_ = false;
    if (!p.auth) return Next::ready;
    RAMPART_CHECK(check_trailer(*p.auth));
    if (!sec::spnego_accept_completed(p.auth->auth_value))
      return fail(ClientErrc::auth_failed, "the server did not accept SPNEGO's closing leg", 10);
    return Next::ready;
  }
  if (!ack_seen_) {
    ack_seen_ = true;
    // [MS-RPCE] 3.3.1.5.2.2: a server that supports header signing echoes
    // the flag. A client that offered it refuses a bind_ack without it: the
    // flag is not covered by any signature, so its absence is how a
    // man in the middle would strip header protection.
    header_sign_ = (bind_flags() & pdu::pfc::kSupportHeaderSign) != 0;
    if (header_sign_ && !p.header.has_flag(pdu::pfc::kSupportHeaderSign))
      return fail(ClientErrc::auth_downgrade, "bind_ack did not echo PFC_SUPPORT_HEADER_SIGN", 3);
  }
  if (!p.auth) {
    if (context_->complete()) {
      RAMPART_CHECK(establish());
      return Next::ready;
    }
    return fail(ClientErrc::auth_failed, "the server sent no auth token to continue the exchange", 10);
  }
  RAMPART_CHECK(check_trailer(*p.auth));
  const std::vector<std::uint8_t> input(p.auth->auth_value.begin(), p.auth->auth_value.end());
  auto step = context_->step(input);
  if (!step) {
    last_status_ = context_->last_status();
    return fail(ClientErrc::auth_failed, "the security provider refused the server's token");
  }
  token_ = std::move(step->output);
  if (step->status == sec::StepStatus::continue_needed) {
    if (token_.empty()) return fail(ClientErrc::auth_failed, "the provider needs more but has nothing to send");
    return Next::alter;
  }
  RAMPART_CHECK(establish());
  if (token_.empty()) return Next::ready;
  // A SPNEGO server answers every leg with a negTokenResp, so the last one
  // rides an alter_context as Windows' and Impacket's clients send it; an
  // auth3 gets no answer and Samba refuses the calls after it.
  if (auth_.provider->auth_type() == security::auth_type::kSpnego) {
    final_on_alter_ = true;
    return Next::alter;
  }
  return Next::auth3;
}

Result<void> ClientSecurity::establish() {
  if (!per_pdu_protection(auth_.level)) {
    protection_.reset();  // connect level: authenticated, nothing per PDU
    established_ = true;
    return {};
  }
  sec::ProtectionParams params{{auth_.provider->auth_type(), auth_.level, auth_.context_id}, header_sign_,
                               sec::Role::initiator};
  auto prot = context_->protection(params);
  if (!prot) return fail(ClientErrc::auth_failed, "no message protection for the negotiated mechanism");
  protection_ = std::move(*prot);
  established_ = true;
  return {};
}

Result<void> ClientSecurity::fragment_request(const pdu::Pdu& whole, std::uint16_t max_frag,
                                              std::vector<std::uint8_t>& out) {
  const auto* q = whole.as<pdu::Request>();
  if (q == nullptr || !protection_) return fail(ClientErrc::wrong_state, "no protection for this request");
  const std::size_t offset = stub_offset_of(*q);
  const std::size_t sig = protection_->signature_length();
  // [MS-RPCE] 2.2.2.11: each fragment carries its own auth pad, sec_trailer
  // and signature inside max_xmit_frag; stubs of all but the last fragment
  // are multiples of 16 so that only the last needs a pad.
  const std::size_t overhead = offset + sec::kSecTrailerSize + sig + sec::kAuthPadAlignment - 1;
  if (max_frag <= overhead + sec::kAuthPadAlignment)
    return fail(ClientErrc::bad_negotiated_size, "fragment size too small for the auth trailer");
  const std::size_t chunk = (max_frag - overhead) & ~(sec::kAuthPadAlignment - 1);
  const std::span<const std::uint8_t> stub = q->stub;
  const std::uint8_t keep = whole.header.pfc_flags & static_cast<std::uint8_t>(~pdu::pfc::kFirstLast);
  pdu::Pdu frag = whole;
  frag.auth.reset();
  std::size_t done = 0;
  do {
    const std::size_t n = std::min(chunk, stub.size() - done);
    auto* fq = frag.as<pdu::Request>();
    fq->stub = stub.subspan(done, n);
    fq->alloc_hint = static_cast<std::uint32_t>(stub.size() - done);
    frag.header.pfc_flags = keep | (done == 0 ? pdu::pfc::kFirstFrag : 0) |
                            (done + n == stub.size() ? pdu::pfc::kLastFrag : 0);
    std::vector<std::uint8_t> bytes;
    const std::size_t sig_n = protection_->signature_length_for(n + sec::auth_pad_for(n));
    bytes.reserve(offset + n + sec::kAuthPadAlignment + sec::kSecTrailerSize + sig_n);
    pdu::encode(frag, bytes);
    const sec::SecTrailer t{auth_.provider->auth_type(), static_cast<std::uint8_t>(auth_.level), 0, 0,
                            auth_.context_id};
    sec::append_auth_trailer(bytes, offset, t, sig_n);
    auto l = protection_->protect(bytes, offset);
    if (!l) return fail(ClientErrc::auth_failed, "the security provider could not protect a request");
    out.insert(out.end(), bytes.begin(), bytes.end());
    done += n;
  } while (done < stub.size());
  return {};
}

Result<void> ClientSecurity::verify(std::span<std::uint8_t> frame) {
  if (!protection_) return fail(ClientErrc::wrong_state, "no protection established");
  auto l = protection_->unprotect(frame, pdu::kHeaderSize + 8);
  if (!l) {
    const Error& e = l.error();
    const bool changed = e.is(sec::Errc::auth_type_changed) || e.is(sec::Errc::auth_level_changed) ||
                         e.is(sec::Errc::auth_context_changed);
    return fail(changed ? ClientErrc::auth_downgrade : ClientErrc::auth_failed,
                changed ? "a response in another auth_type, level or context"
                        : "a response whose signature or sequence number does not verify",
                e.offset());
  }
  return {};
}

}  // namespace rampart::runtime
