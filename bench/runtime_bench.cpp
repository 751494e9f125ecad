// Runtime costs: the framer splitting a stream of ept_map requests (as a
// server reads them) and the reassembler's single-fragment path.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rampart/base/hex.hpp"
#include "rampart/runtime/framer.hpp"
#include "rampart/runtime/reassembler.hpp"

namespace {

using namespace rampart;

std::vector<std::uint8_t> capture(const char* relative) {
  std::ifstream in(std::filesystem::path(RAMPART_SOURCE_DIR) / "tests/golden/captures" / relative);
  std::stringstream s;
  s << in.rdbuf();
  auto bytes = parse_hex(s.str());
  if (!bytes || bytes->empty()) std::abort();
  return *bytes;
}

void BM_FrameAndReassemble(benchmark::State& state) {
  const auto request = capture("impacket_ept_map_registered/03-c2s-request.hex");
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
