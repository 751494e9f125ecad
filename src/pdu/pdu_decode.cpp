// Decoding one connection-oriented PDU (C706 12.6, [MS-RPCE] 2.2.2).

#include "rampart/base/byte_reader.hpp"
#include "rampart/pdu/pdu.hpp"

namespace rampart::pdu {

namespace {

// [MS-RPCE] 2.2.2.11 asks for 16-byte alignment of the sec_trailer relative
// to the body; Samba and Windows accept any 4-byte aligned trailer, and a
// stricter rule would refuse real clients. What matters for safety (C4) is
// that the trailer lies inside the body, which decode_auth checks.
constexpr std::size_t kTrailerAlignment = 4;

// An auth pad only ever aligns the trailer: more than 15 octets between the
// last field of a fixed-layout PDU and its sec_trailer is not padding.
constexpr std::size_t kMaxAlignmentGap = 15;

struct AuthPlacement {
  std::size_t trailer_offset;  // where the sec_trailer starts
  AuthVerifier verifier;       // auth_pad filled in once the body is known
};

Result<std::optional<AuthPlacement>> decode_auth(std::span<const std::uint8_t> bytes,
                                                 const CommonHeader& h) noexcept {
  if (h.auth_length == 0) return std::nullopt;
  // C4: the sec_trailer sits at frag_length - auth_length - 8, inside the body
  // (the header decoder already checked it cannot reach into the header).
  const std::size_t trailer = std::size_t{h.frag_length} - h.auth_length - kSecTrailerSize;
  if (trailer % kTrailerAlignment != 0)
    return fail(Errc::auth_trailer_misaligned, "sec_trailer is not 4-byte aligned", trailer);
  ByteReader r(bytes, h.drep);
  RAMPART_CHECK(r.seek(trailer));
  AuthPlacement p{trailer, {}};
  p.verifier.auth_type = RAMPART_TRY(r.u8());
  p.verifier.auth_level = RAMPART_TRY(r.u8());
  p.verifier.auth_pad_length = RAMPART_TRY(r.u8());
  p.verifier.auth_reserved = RAMPART_TRY(r.u8());
  p.verifier.auth_context_id = RAMPART_TRY(r.u32());
  p.verifier.auth_value = RAMPART_TRY(r.bytes(h.auth_length));
  return p;
}

Result<std::vector<SyntaxId>> decode_transfer_syntaxes(ByteReader& r, std::size_t wire_count) {
  // Each syntax is 20 octets: check the count against what remains before
  // reserving (C11/C13).
  if (wire_count * kSyntaxIdSize > r.remaining())
    return fail(Errc::truncated_body, "transfer syntaxes run past the PDU", r.position());
  std::vector<SyntaxId> out;
  out.reserve(wire_count);
  for (std::size_t i = 0; i < wire_count; ++i) out.push_back(RAMPART_TRY(SyntaxId::decode(r)));
  return out;
}

// p_cont_list_t (C706 12.6.3.1) with the C6 rules.
Result<std::vector<PresentationContext>> decode_context_list(ByteReader& r) {
  const std::size_t list_offset = r.position();
  const std::uint8_t wire_n_context_elem = RAMPART_TRY(r.u8());
  RAMPART_CHECK(r.skip(3));  // reserved, reserved2
  if (wire_n_context_elem == 0)
    return fail(Errc::no_context_elements, "n_context_elem is 0", list_offset);
  // Smallest element: 4 octets + abstract syntax + one transfer syntax.
  if (std::size_t{wire_n_context_elem} * (4 + 2 * kSyntaxIdSize) > r.remaining())
    return fail(Errc::truncated_body, "context list runs past the PDU", list_offset);
  std::vector<PresentationContext> out;
  out.reserve(wire_n_context_elem);
  for (unsigned i = 0; i < wire_n_context_elem; ++i) {
    const std::size_t elem_offset = r.position();
    PresentationContext c;
    c.context_id = RAMPART_TRY(r.u16());
    const std::uint8_t wire_n_transfer_syn = RAMPART_TRY(r.u8());
    RAMPART_CHECK(r.skip(1));
    if (wire_n_transfer_syn == 0)
      return fail(Errc::no_transfer_syntaxes, "n_transfer_syn is 0", elem_offset + 2);
    c.abstract_syntax = RAMPART_TRY(SyntaxId::decode(r));
    c.transfer_syntaxes = RAMPART_TRY(decode_transfer_syntaxes(r, wire_n_transfer_syn));
    out.push_back(std::move(c));
  }
  return out;
}

Result<Bind> decode_bind(ByteReader& r) {
  Bind b;
  b.max_xmit_frag = RAMPART_TRY(r.u16());
  b.max_recv_frag = RAMPART_TRY(r.u16());
  b.assoc_group_id = RAMPART_TRY(r.u32());
  b.contexts = RAMPART_TRY(decode_context_list(r));
  return b;
}

// The largest port_spec Windows or Samba send is a pipe name such as
// "\PIPE\lsass"; 256 octets is far above any and bounds the copy (C8).
constexpr std::size_t kMaxSecondaryAddress = 256;

Result<BindAck> decode_bind_ack(ByteReader& r) {
  BindAck a;
  a.max_xmit_frag = RAMPART_TRY(r.u16());
  a.max_recv_frag = RAMPART_TRY(r.u16());
  a.assoc_group_id = RAMPART_TRY(r.u32());
  const std::size_t addr_offset = r.position();
  const std::uint16_t wire_addr_len = RAMPART_TRY(r.u16());
  if (wire_addr_len > kMaxSecondaryAddress)
    return fail(Errc::bad_secondary_address, "secondary address longer than 256 octets", addr_offset);
  const auto addr = RAMPART_TRY(r.bytes(wire_addr_len));
  if (!addr.empty()) {
    // C706 12.6.4.4: port_spec is a NUL-terminated string; the terminator
    // must be the last octet and the only NUL.
    if (addr.back() != 0)
      return fail(Errc::bad_secondary_address, "secondary address not NUL-terminated", addr_offset);
    for (std::size_t i = 0; i + 1 < addr.size(); ++i)
      if (addr[i] == 0)
        return fail(Errc::bad_secondary_address, "NUL inside the secondary address", addr_offset);
    a.secondary_address.assign(addr.begin(), addr.end() - 1);
  }
  RAMPART_CHECK(r.align(4));
  const std::size_t list_offset = r.position();
  const std::uint8_t wire_n_results = RAMPART_TRY(r.u8());
  RAMPART_CHECK(r.skip(3));
  if (std::size_t{wire_n_results} * (4 + kSyntaxIdSize) > r.remaining())
    return fail(Errc::truncated_body, "result list runs past the PDU", list_offset);
  a.results.reserve(wire_n_results);
  for (unsigned i = 0; i < wire_n_results; ++i) {
    ContextResultEntry e;
    const std::uint16_t wire_result = RAMPART_TRY(r.u16());
    if (wire_result > static_cast<std::uint16_t>(ContextResult::negotiate_ack))
      return fail(Errc::bad_context_result, "context result code above negotiate_ack", r.position() - 2);
    e.result = static_cast<ContextResult>(wire_result);
    e.reason = RAMPART_TRY(r.u16());
    e.transfer_syntax = RAMPART_TRY(SyntaxId::decode(r));
    a.results.push_back(e);
  }
  return a;
}

Result<BindNak> decode_bind_nak(ByteReader& r) {
  BindNak n;
  n.reason = static_cast<RejectReason>(RAMPART_TRY(r.u16()));
  const std::uint8_t wire_n_protocols = RAMPART_TRY(r.u8());
  if (std::size_t{wire_n_protocols} * 2 > r.remaining())
    return fail(Errc::truncated_body, "versions list runs past the PDU", r.position() - 1);
  for (unsigned i = 0; i < wire_n_protocols; ++i) {
    const std::uint8_t major = RAMPART_TRY(r.u8());
    const std::uint8_t minor = RAMPART_TRY(r.u8());
    n.versions.emplace_back(major, minor);
  }
  n.tail = r.rest();
  RAMPART_CHECK(r.skip(n.tail.size()));
  return n;
}

Result<Request> decode_request(ByteReader& r, const CommonHeader& h) {
  Request q;
  q.alloc_hint = RAMPART_TRY(r.u32());
  q.context_id = RAMPART_TRY(r.u16());
  q.opnum = RAMPART_TRY(r.u16());
  if (h.has_flag(pfc::kObjectUuid)) q.object = RAMPART_TRY(Uuid::decode(r));
  return q;
}

Result<Response> decode_response(ByteReader& r) {
  Response p;
  p.alloc_hint = RAMPART_TRY(r.u32());
  p.context_id = RAMPART_TRY(r.u16());
  p.cancel_count = RAMPART_TRY(r.u8());
  p.reserved = RAMPART_TRY(r.u8());
  return p;
}

Result<Fault> decode_fault(ByteReader& r) {
  Fault f;
  f.alloc_hint = RAMPART_TRY(r.u32());
  f.context_id = RAMPART_TRY(r.u16());
  f.cancel_count = RAMPART_TRY(r.u8());
  f.flags = RAMPART_TRY(r.u8());
  f.status = RAMPART_TRY(r.u32());
  f.reserved = RAMPART_TRY(r.u32());
  return f;
}

Result<Rts> decode_rts(ByteReader& r, const DecodeLimits& limits) {
  Rts t;
  t.flags = RAMPART_TRY(r.u16());
  t.number_of_commands = RAMPART_TRY(r.u16());
  if (t.number_of_commands > limits.max_rts_commands)
    return fail(Errc::rts_too_many_commands, "RTS command count above the limit", r.position() - 2);
  t.commands = r.rest();
  RAMPART_CHECK(r.skip(t.commands.size()));
  return t;
}

// Decodes the fixed fields of the body; stub-carrying types leave the
// reader at the start of their stub.
Result<Body> decode_fixed_body(ByteReader& r, const CommonHeader& h, const DecodeLimits& limits) {
  switch (h.ptype) {
    case PType::request: return Body{RAMPART_TRY(decode_request(r, h))};
    case PType::response: return Body{RAMPART_TRY(decode_response(r))};
    case PType::fault: return Body{RAMPART_TRY(decode_fault(r))};
    case PType::bind: return Body{RAMPART_TRY(decode_bind(r))};
    case PType::alter_context: return Body{AlterContext{RAMPART_TRY(decode_bind(r))}};
    case PType::bind_ack: return Body{RAMPART_TRY(decode_bind_ack(r))};
    case PType::alter_context_resp: return Body{AlterContextResp{RAMPART_TRY(decode_bind_ack(r))}};
    case PType::bind_nak: return Body{RAMPART_TRY(decode_bind_nak(r))};
    case PType::auth3: return Body{Auth3{RAMPART_TRY(r.u32())}};
    case PType::shutdown: return Body{Shutdown{}};
    case PType::co_cancel: return Body{CoCancel{}};
    case PType::orphaned: return Body{Orphaned{}};
    case PType::rts: return Body{RAMPART_TRY(decode_rts(r, limits))};
  }
  return fail(Errc::unknown_ptype, "PTYPE is not a connection-oriented PDU type", 2);
}

Bytes* stub_of(Body& body) noexcept {
  if (auto* q = std::get_if<Request>(&body)) return &q->stub;
  if (auto* p = std::get_if<Response>(&body)) return &p->stub;
  if (auto* f = std::get_if<Fault>(&body)) return &f->stub;
  return nullptr;
}

// DCERPC_REQUEST_LENGTH: where Windows starts counting a bind-family pad.
constexpr std::size_t kPadBase = 24;

// Splits what lies between the fixed fields and the sec_trailer (or the end
// of the PDU) into stub data and auth padding.
Result<void> place_tail(ByteReader& r, Pdu& pdu, std::optional<AuthPlacement>& auth) {
  const std::size_t body_end = r.size();
  const std::size_t fixed_end = r.position();
  const std::size_t tail = body_end - fixed_end;
  if (Bytes* stub = stub_of(pdu.body)) {
    const std::size_t pad = auth ? auth->verifier.auth_pad_length : 0;
    if (pad > tail)  // C4: the pad cannot be larger than the stub it pads
      return fail(Errc::auth_pad_too_large, "auth_pad_length exceeds the stub", auth->trailer_offset + 2);
    *stub = r.data().subspan(fixed_end, tail - pad);
    if (auth) auth->verifier.auth_pad = r.data().subspan(body_end - pad, pad);
    return {};
  }
  if (!auth) {
    if (tail != 0) return fail(Errc::trailing_bytes, "octets after the last field of the PDU", fixed_end);
    return {};
  }
  // Impacket's SPNEGO alter_context (the third Kerberos leg) carries its
  // presentation context list twice, the second copy uncounted, and Windows
  // serves it: in a bind or alter_context the octets between the counted
  // contexts and the sec_trailer are skipped unread (the pad claim below
  // still holds). Other PDUs keep the alignment bound.
  const bool bind_family = pdu.header.ptype == PType::bind || pdu.header.ptype == PType::alter_context;
  if (tail > kMaxAlignmentGap && !bind_family)
    return fail(Errc::trailing_bytes, "more than alignment padding before the sec_trailer", fixed_end);
  // Windows (and Samba's dcerpc_pull_auth_trailer) measure a bind-family
  // auth_pad_length against the octets from offset 24 to the sec_trailer,
  // not against the alignment gap: raw_protocol test_spnego_auth_pad_ok
  // binds with a pad length that claims body octets and is acked, one more
  // is refused (test_spnego_auth_pad_fail_bind), and auth3, whose trailer
  // sits at 20, takes only 0 (test_ntlmssp_auth_pad_fail_auth3). The pad
  // octets are never interpreted, so the claim costs nothing.
  const std::size_t claimable = auth->trailer_offset > kPadBase ? auth->trailer_offset - kPadBase : 0;
  if (auth->verifier.auth_pad_length > claimable)
    return fail(Errc::auth_pad_too_large, "auth_pad_length exceeds the octets before the sec_trailer",
                auth->trailer_offset + 2);
  auth->verifier.auth_pad = r.data().subspan(fixed_end, tail);
  return {};
}

Result<Pdu> decode_checked(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  Pdu pdu;
  pdu.header = RAMPART_TRY(CommonHeader::decode(bytes, limits));
  if (bytes.size() != pdu.header.frag_length)
    return fail(Errc::frag_length_mismatch, "frag_length differs from the PDU's size", 8);
  auto auth = RAMPART_TRY(decode_auth(bytes, pdu.header));
  if (pdu.header.ptype == PType::auth3 && !auth)
    return fail(Errc::auth_required, "auth3 carries no auth verifier", 10);
  const std::size_t body_end = auth ? auth->trailer_offset : bytes.size();
  ByteReader r(bytes.first(body_end), pdu.header.drep);
  RAMPART_CHECK(r.seek(kHeaderSize));
  auto body = decode_fixed_body(r, pdu.header, limits);
  if (!body) {
    // C4: a claimed sec_trailer that cuts into the fixed body makes the
    // trailer geometry the error, which Windows checks first (bind_nak
    // reason 4; docs/probe.md c4.bind-auth-length-lies).
    if (auth && (body.error().is(Errc::truncated_body) || body.error().domain() == ErrorDomain::base))
      return fail(Errc::auth_length_too_large, "the sec_trailer overlaps the fixed body", auth->trailer_offset);
    return std::unexpected(body.error());
  }
  pdu.body = std::move(*body);
  RAMPART_CHECK(place_tail(r, pdu, auth));
  if (auth) pdu.auth = auth->verifier;
  return pdu;
}

}  // namespace

Result<std::vector<std::span<const std::uint8_t>>> split_pdus(std::span<const std::uint8_t> bytes) {
  std::vector<std::span<const std::uint8_t>> out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < kHeaderSize) return fail(Errc::frag_length_too_small, "a PDU shorter than its header", at);
    const bool little = (bytes[at + 4] & 0x10) != 0;
    const std::size_t len = little ? (bytes[at + 8] | bytes[at + 9] << 8) : (bytes[at + 8] << 8 | bytes[at + 9]);
    if (len < kHeaderSize) return fail(Errc::frag_length_too_small, "frag_length below the header", at + 8);
    if (len > bytes.size() - at) return fail(Errc::truncated_body, "a PDU runs past the octets given", at + 8);
    out.push_back(bytes.subspan(at, len));
    at += len;
  }
  return out;
}

Result<Pdu> decode(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  auto r = decode_checked(bytes, limits);
  // A field that runs into the sec_trailer or the end of the PDU is a
  // PDU-level truncation, whatever primitive noticed it.
  if (!r && r.error().is(BaseErrc::truncated))
    return fail(Errc::truncated_body, "a body field runs past the PDU body", r.error().offset());
  return r;
}

}  // namespace rampart::pdu
