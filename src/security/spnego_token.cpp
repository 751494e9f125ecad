#include "rampart/security/spnego_token.hpp"

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

}  // namespace

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

}  // namespace rampart::security
