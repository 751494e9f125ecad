// Authenticated fragments: split, pad, trailer, sign or seal each one
// ([MS-RPCE] 2.2.2.11 auth pad and sec_trailer, 3.3.1.5.2.2 per-PDU
// protection).
#include <algorithm>
#include <stdexcept>

#include "rampart/runtime/fragmenter.hpp"
#include "rampart/security/auth_trailer.hpp"

namespace rampart::runtime {

namespace {

struct Shape {
  std::span<const std::uint8_t> stub;
  std::size_t fixed;  // header + fixed body octets (the stub offset)
  std::size_t chunk;  // stub octets per fragment but the last
};

Shape shape(const pdu::Pdu& whole, std::uint16_t max_frag_length, std::size_t sig) {
  Shape s{};
  s.fixed = pdu::kHeaderSize + 8;
  if (const auto* q = whole.as<pdu::Request>()) {
    s.stub = q->stub;
    if (q->object) s.fixed += 16;
  } else if (const auto* r = whole.as<pdu::Response>()) {
    s.stub = r->stub;
  } else {
    throw std::invalid_argument("only requests and responses are fragmented");
  }
  const std::size_t overhead = s.fixed + security::kSecTrailerSize + sig;
  if (max_frag_length < overhead + security::kAuthPadAlignment) {
    throw std::invalid_argument("max_frag_length too small to fragment");
  }
  // A multiple of 16: every fragment but the last needs no auth pad.
  s.chunk = (max_frag_length - overhead) & ~(security::kAuthPadAlignment - 1);
  return s;
}

}  // namespace

Result<std::size_t> fragment_protected(const pdu::Pdu& whole, std::uint16_t max_frag_length,
                                       security::PduProtection& protection, std::vector<std::uint8_t>& out) {
  const std::size_t sig = protection.signature_length();
  const Shape s = shape(whole, max_frag_length, sig);
  const auto& est = protection.established();
  const security::SecTrailer trailer{est.auth_type, static_cast<std::uint8_t>(est.level), 0, 0, est.context_id};
  const std::uint8_t keep = whole.header.pfc_flags & static_cast<std::uint8_t>(~pdu::pfc::kFirstLast);
  pdu::Pdu frag = whole;
  frag.auth.reset();
  // One fragment is encoded and protected in `one`, then appended to
  // `out`; both are sized once. On a failure `out` is left as it was.
  std::vector<std::uint8_t> one;
  one.reserve(s.fixed + std::min(s.chunk, s.stub.size()) + security::kAuthPadAlignment +
              security::kSecTrailerSize + sig);
  const std::size_t out_start = out.size();
  const std::size_t fragments = s.stub.empty() ? 1 : (s.stub.size() + s.chunk - 1) / s.chunk;
  out.reserve(out_start + s.stub.size() +
              fragments * (s.fixed + security::kAuthPadAlignment + security::kSecTrailerSize + sig));
  std::size_t offset = 0;
  std::size_t count = 0;
  do {
    const std::size_t n = std::min(s.chunk, s.stub.size() - offset);
    const auto remaining = static_cast<std::uint32_t>(s.stub.size() - offset);
    frag.header.pfc_flags = keep;
    if (offset == 0) frag.header.pfc_flags |= pdu::pfc::kFirstFrag;
    if (offset + n == s.stub.size()) frag.header.pfc_flags |= pdu::pfc::kLastFrag;
    if (auto* q = frag.as<pdu::Request>()) {
      q->stub = s.stub.subspan(offset, n);
      q->alloc_hint = remaining;
    } else {
      auto* r = frag.as<pdu::Response>();
      r->stub = s.stub.subspan(offset, n);
      r->alloc_hint = remaining;
    }
    one.clear();
    pdu::encode(frag, one);
    security::append_auth_trailer(one, s.fixed, trailer, sig);
    if (auto protected_pdu = protection.protect(one, s.fixed); !protected_pdu) {
      out.resize(out_start);
      return std::unexpected(protected_pdu.error());
    }
    out.insert(out.end(), one.begin(), one.end());
    offset += n;
    ++count;
  } while (offset < s.stub.size());
  return count;
}

}  // namespace rampart::runtime
