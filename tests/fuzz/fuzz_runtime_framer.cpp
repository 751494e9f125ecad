// Framer + reassembler driven by an arbitrary byte stream, split at a point
// the input chooses. Invariants: the framer never yields a frame of a size
// other than its header's frag_length; reassembled stubs never exceed the
// cap; buffered memory stays bounded by the limits.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/framer.hpp"
#include "rampart/runtime/reassembler.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rampart;
  if (size < 2) return 0;
  runtime::FragmentLimits limits;
  limits.max_stub = 64u << 10;  // small caps so the fuzzer reaches them
  limits.max_fragments = 64;
  limits.max_concurrent_calls = 4;
  const bool concurrent = data[0] & 1;
  const std::size_t piece = 1 + data[1] % 64;
  std::span<const std::uint8_t> stream(data + 2, size - 2);

  pdu::DecodeLimits decode_limits;
  decode_limits.max_frag_length = 5840;
  runtime::Framer framer(decode_limits);
  runtime::Reassembler reassembler(limits, concurrent);
  while (!stream.empty()) {
    auto chunk = stream.first(std::min(piece, stream.size()));
    auto progress = framer.feed(chunk);
    if (!progress) return 0;
    if (progress->consumed == 0 && !progress->frame_ready) std::abort();  // no progress (C11)
    stream = stream.subspan(progress->consumed);
    if (!progress->frame_ready) continue;
    if (framer.frame().size() != framer.header().frag_length) std::abort();
    auto pdu = pdu::decode(framer.frame(), decode_limits);
    if (pdu && (pdu->ptype() == pdu::PType::request || pdu->ptype() == pdu::PType::response)) {
      auto call = reassembler.add(*pdu);
      if (call && *call && (*call)->stub.size() > limits.max_stub) std::abort();
    }
    if (reassembler.buffered_bytes() > 2 * limits.max_stub * limits.max_concurrent_calls) std::abort();
    framer.pop();
  }
  return 0;
}
