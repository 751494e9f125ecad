// Runtime costs: the framer splitting a stream of ept_map requests (as a
// server reads them) and the reassembler's single-fragment path.
#include <benchmark/benchmark.h>

#include "golden_capture.hpp"
#include "rampart/runtime/framer.hpp"
#include "rampart/runtime/reassembler.hpp"

namespace {

using namespace rampart;

using bench::golden_capture;

void BM_FrameAndReassemble(benchmark::State& state) {
  const auto request = golden_capture("impacket_ept_map_registered/03-c2s-request.hex");
  std::vector<std::uint8_t> stream;
  for (int i = 0; i < 64; ++i) stream.insert(stream.end(), request.begin(), request.end());
  for (auto _ : state) {
    runtime::Framer framer;
    runtime::Reassembler reassembler;
    std::span<const std::uint8_t> rest(stream);
    while (!rest.empty()) {
      auto p = framer.feed(rest);
      if (!p) std::abort();
      rest = rest.subspan(p->consumed);
      if (!p->frame_ready) continue;
      auto pdu = pdu::decode(framer.frame());
      if (!pdu) std::abort();
      auto call = reassembler.add(*pdu);
      if (!call || !*call) std::abort();
      benchmark::DoNotOptimize((*call)->stub.data());
      framer.pop();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 64));
}
BENCHMARK(BM_FrameAndReassemble);

}  // namespace

BENCHMARK_MAIN();
