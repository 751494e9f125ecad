#include "rampart/security/spnego_token.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

// One DER TLV (X.690 8.1): single-octet tags only (SPNEGO uses no others),
// definite lengths of at most four octets.
struct Tlv {
  std::uint8_t tag = 0;
  ByteSpan value;
};

Result<Tlv> read_tlv(ByteSpan& in) {
  if (in.size() < 2) return fail(Errc::bad_ntlm_message, "SPNEGO TLV truncated");
  Tlv t{in[0], {}};
  std::size_t pos = 2;
  std::size_t wire_len = in[1];
  if ((wire_len & 0x80U) != 0) {
    const std::size_t n = wire_len & 0x7fU;
    if (n == 0 || n > 4 || n > in.size() - 2) {
      return fail(Errc::bad_ntlm_message, "SPNEGO length form not allowed");
    }
    wire_len = 0;
    for (std::size_t i = 0; i < n; ++i) wire_len = (wire_len << 8) | in[2 + i];
    pos += n;
  }
  if (wire_len > in.size() - pos) return fail(Errc::bad_ntlm_message, "SPNEGO value truncated");
  t.value = in.subspan(pos, wire_len);
  in = in.subspan(pos + wire_len);
  return t;
}

// The value of context tag [n] in a SEQUENCE of context-tagged fields, or
// nothing when the field is absent.
Result<std::optional<ByteSpan>> field_at(ByteSpan sequence, std::uint8_t context_tag) {
  Tlv seq = RAMPART_TRY(read_tlv(sequence));
  if (seq.tag != 0x30) return fail(Errc::bad_ntlm_message, "SPNEGO body is not a SEQUENCE");
  ByteSpan fields = seq.value;
  while (!fields.empty()) {
    Tlv f = RAMPART_TRY(read_tlv(fields));
    if (f.tag == (0xa0 | context_tag)) return std::optional<ByteSpan>(f.value);
  }
  return std::optional<ByteSpan>{};
}

// The OCTET STRING inside context tag [n].
Result<std::vector<std::uint8_t>> octets_at(ByteSpan sequence, std::uint8_t context_tag) {
  const auto field = RAMPART_TRY(field_at(sequence, context_tag));
  if (!field) return fail(Errc::bad_ntlm_message, "SPNEGO message carries no mechanism token");
  ByteSpan inner = *field;
  Tlv os = RAMPART_TRY(read_tlv(inner));
  if (os.tag != 0x04) return fail(Errc::bad_ntlm_message, "SPNEGO token is not an OCTET STRING");
  return std::vector<std::uint8_t>(os.value.begin(), os.value.end());
}

// The SEQUENCE of a negTokenInit ([0]) or negTokenResp ([1]), with the
// choice's tag; the InitialContextToken wrapper (RFC 2743 3.1) is removed.
Result<Tlv> negotiation_body(ByteSpan token) {
  ByteSpan in = token;
  Tlv outer = RAMPART_TRY(read_tlv(in));
  if (outer.tag == 0x60) {
    // RFC 2743 3.1: [APPLICATION 0] { thisMech OID, negTokenInit [0] }.
    ByteSpan body = outer.value;
    Tlv oid = RAMPART_TRY(read_tlv(body));
    if (oid.tag != 0x06) return fail(Errc::bad_ntlm_message, "SPNEGO token lacks its OID");
    outer = RAMPART_TRY(read_tlv(body));
  }
  if (outer.tag != 0xa0 && outer.tag != 0xa1) return fail(Errc::bad_ntlm_message, "not a SPNEGO negotiation token");
  return outer;
}

// X.690 8.1: one TLV with a definite length in the shortest form.
void put_tlv(std::vector<std::uint8_t>& out, std::uint8_t tag, ByteSpan value) {
  out.push_back(tag);
  const std::size_t n = value.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    std::uint8_t len[4];
    std::size_t k = 0;
    for (std::size_t v = n; v != 0; v >>= 8) len[k++] = static_cast<std::uint8_t>(v & 0xffU);
    out.push_back(static_cast<std::uint8_t>(0x80U | k));
    while (k != 0) out.push_back(len[--k]);
  }
  out.insert(out.end(), value.begin(), value.end());
}

std::vector<std::uint8_t> tlv(std::uint8_t tag, ByteSpan value) {
  std::vector<std::uint8_t> out;
  put_tlv(out, tag, value);
  return out;
}

// RFC 1964 1.1 / RFC 4121 4.1: [APPLICATION 0] { OID, TOK_ID 01 00, AP-REQ }.
std::optional<ByteSpan> framed_ap_req(ByteSpan token) {
  static constexpr std::uint8_t kKrb5[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
  static constexpr std::uint8_t kMsKrb5[] = {0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};
  auto outer = read_tlv(token);
  if (!outer || outer->tag != 0x60 || !token.empty()) return std::nullopt;
  ByteSpan body = outer->value;
  auto oid = read_tlv(body);
  if (!oid || oid->tag != 0x06) return std::nullopt;
  const ByteSpan o = oid->value;
  const auto is = [&](const auto& want) { return std::equal(o.begin(), o.end(), std::begin(want), std::end(want)); };
  if (!is(kKrb5) && !is(kMsKrb5)) return std::nullopt;
  if (body.size() < 3 || body[0] != 0x01 || body[1] != 0x00 || body[2] != 0x6e) return std::nullopt;
  return body.subspan(2);
}

}  // namespace

std::optional<std::vector<std::uint8_t>> spnego_with_bare_ap_req(ByteSpan token) {
  ByteSpan in = token;
  auto outer = read_tlv(in);
  if (!outer || outer->tag != 0x60 || !in.empty()) return std::nullopt;
  ByteSpan body = outer->value;
  auto oid = read_tlv(body);
  auto init = oid ? read_tlv(body) : oid;
  if (!oid || oid->tag != 0x06 || !init || init->tag != 0xa0 || !body.empty()) return std::nullopt;
  ByteSpan seq_in = init->value;
  auto seq = read_tlv(seq_in);
  if (!seq || seq->tag != 0x30 || !seq_in.empty()) return std::nullopt;
  // Copy every field of negTokenInit as it came, but mechToken [2].
  std::vector<std::uint8_t> fields;
  bool replaced = false;
  for (ByteSpan f = seq->value; !f.empty();) {
    const ByteSpan at = f;
    auto field = read_tlv(f);
    if (!field) return std::nullopt;
    if (field->tag != 0xa2) {
      fields.insert(fields.end(), at.begin(), at.begin() + static_cast<std::ptrdiff_t>(at.size() - f.size()));
      continue;
    }
    ByteSpan v = field->value;
    auto octets = read_tlv(v);
    if (!octets || octets->tag != 0x04 || !v.empty()) return std::nullopt;
    auto ap_req = framed_ap_req(octets->value);
    if (!ap_req) return std::nullopt;
    put_tlv(fields, 0xa2, tlv(0x04, *ap_req));
    replaced = true;
  }
  if (!replaced) return std::nullopt;
  std::vector<std::uint8_t> inner = tlv(0x06, oid->value);
  put_tlv(inner, 0xa0, tlv(0x30, fields));
  return tlv(0x60, inner);
}

Result<std::vector<std::uint8_t>> spnego_inner_token(ByteSpan token) {
  // negTokenInit.mechToken and negTokenResp.responseToken are both [2].
  const Tlv body = RAMPART_TRY(negotiation_body(token));
  return octets_at(body.value, 2);
}

bool spnego_has_mech_list_mic(ByteSpan token) {
  // RFC 4178 4.2.1/4.2.2: mechListMIC is [3] in negTokenInit and in
  // negTokenResp alike.
  auto body = negotiation_body(token);
  if (!body) return false;
  auto mic = field_at(body->value, 3);
  return mic && mic->has_value();
}

bool spnego_accept_completed(ByteSpan token) {
  // negTokenResp ::= [1] SEQUENCE { negState [0] ENUMERATED { accept-completed (0),
  // accept-incomplete (1), reject (2), request-mic (3) } OPTIONAL, ... }
  auto body = negotiation_body(token);
  if (!body || body->tag != 0xa1) return false;
  auto state = field_at(body->value, 0);
  if (!state || !state->has_value()) return false;
  ByteSpan v = **state;
  auto e = read_tlv(v);
  return e && v.empty() && e->tag == 0x0a && e->value.size() == 1 && e->value[0] == 0;
}

}  // namespace rampart::security
