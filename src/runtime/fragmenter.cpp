#include "rampart/runtime/fragmenter.hpp"

#include <stdexcept>

namespace rampart::runtime {

namespace {

struct Split {
  std::span<const std::uint8_t> stub;
  std::size_t chunk;  // stub octets per fragment except the last
  std::size_t fixed;  // header and body octets each fragment adds
  [[nodiscard]] std::size_t count() const { return stub.empty() ? 1 : (stub.size() + chunk - 1) / chunk; }
};

Split plan(const pdu::Pdu& whole, std::uint16_t max_frag_length) {
  std::size_t fixed = pdu::kHeaderSize + 8;
  std::span<const std::uint8_t> stub;
  if (const auto* q = whole.as<pdu::Request>()) {
    stub = q->stub;
    if (q->object) fixed += 16;
  } else if (const auto* r = whole.as<pdu::Response>()) {
    stub = r->stub;
  } else {
    throw std::invalid_argument("only requests and responses are fragmented");
  }
  if (max_frag_length < fixed + 8) throw std::invalid_argument("max_frag_length too small to fragment");
  return {stub, (max_frag_length - fixed) & ~std::size_t{7}, fixed};
}

}  // namespace

std::size_t fragment_count(const pdu::Pdu& whole, std::uint16_t max_frag_length) {
  return plan(whole, max_frag_length).count();
}

std::size_t fragment(const pdu::Pdu& whole, std::uint16_t max_frag_length, std::vector<std::uint8_t>& out) {
  const Split s = plan(whole, max_frag_length);
  out.reserve(out.size() + s.stub.size() + s.count() * s.fixed);  // one allocation at most
  const std::uint8_t keep = whole.header.pfc_flags & static_cast<std::uint8_t>(~pdu::pfc::kFirstLast);
  pdu::Pdu frag = whole;
  std::size_t offset = 0;
  do {
    const std::size_t n = std::min(s.chunk, s.stub.size() - offset);
    const auto piece = s.stub.subspan(offset, n);
    const auto remaining = static_cast<std::uint32_t>(s.stub.size() - offset);
    frag.header.pfc_flags = keep;
    if (offset == 0) frag.header.pfc_flags |= pdu::pfc::kFirstFrag;
    if (offset + n == s.stub.size()) frag.header.pfc_flags |= pdu::pfc::kLastFrag;
    if (auto* q = frag.as<pdu::Request>()) {
      q->stub = piece;
      q->alloc_hint = remaining;
    } else {
      auto* r = frag.as<pdu::Response>();
      r->stub = piece;
      r->alloc_hint = remaining;
    }
    pdu::encode(frag, out);
    offset += n;
  } while (offset < s.stub.size());
  return s.count();
}

}  // namespace rampart::runtime
