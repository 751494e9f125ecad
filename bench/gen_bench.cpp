// The endpoint mapper codecs rampartd runs (generated from
// idl/c706/epm.idl, *_spec) and those of the compatibility shapes
// (idl/test/epm_compat.idl, *_compat), on the same stubs: the ept_map
// request Impacket sends and an ept_map response with 4 towers. The
// hand-written codecs these replaced measured, on this stub, the figures
// BENCHMARKS.md quotes ("Generated codecs"); the bar was generated decode
// <= 1.05x their CPU per call.
#include <benchmark/benchmark.h>

#include <vector>

#include "epm.hpp"
#include "epm_compat.hpp"
#include "rampart/ndr/stub.hpp"

namespace {

using namespace rampart;

const std::vector<std::uint8_t> kTower{0x05, 0x00, 0x13, 0x00, 0x0d, 0x78, 0x57, 0x34, 0x12, 0x34, 0x12, 0xcd, 0xab,
                                       0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xac, 0x01, 0x00, 0x02, 0x00, 0x00,
                                       0x00, 0x13, 0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f,
                                       0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
                                       0x01, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x02, 0x00, 0x00,
                                       0x00, 0x01, 0x00, 0x09, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00};

namespace epm = spec::epm;

spec::nbase::twr_t twr() { return {static_cast<std::uint32_t>(kTower.size()), kTower}; }

std::vector<std::uint8_t> map_request() {
  epm::ept_map_request req;
  req.obj = Uuid{};
  req.map_tower = twr();
  req.max_towers = 1;
  return *ndr::encode_stub(req, Drep::little());
}

std::vector<std::uint8_t> map_response() {
  epm::ept_map_response r;
  r.max_towers = 4;
  for (int i = 0; i < 4; ++i) r.ITowers.push_back(twr());
  r.num_towers = 4;
  return *ndr::encode_stub(r, Drep::little());
}

template <class T, class F>
void BM_Decode(benchmark::State& state, const std::vector<std::uint8_t>& stub) {
  for (auto _ : state) {
    auto r = ndr::decode_stub<T, F>(stub, Drep::little());
    if (!r) std::abort();
    benchmark::DoNotOptimize(&*r);
  }
  state.SetItemsProcessed(state.iterations());
}

template <class T, class F>
void BM_Encode(benchmark::State& state, const std::vector<std::uint8_t>& stub) {
  const auto v = *ndr::decode_stub<T, ndr::Ndr20>(stub, Drep::little());
  for (auto _ : state) {
    auto b = ndr::encode_stub<T, F>(v, Drep::little());
    if (!b) std::abort();
    benchmark::DoNotOptimize(b->data());
  }
  state.SetItemsProcessed(state.iterations());
}

const auto kRequest = map_request();
const auto kResponse = map_response();
using G = epm_compat::ept_map_request;
using GR = epm_compat::ept_map_response;

#define RAMPART_GEN_BENCH(name, fn, T, stub)          \
  void name(benchmark::State& state) { fn<T, ndr::Ndr20>(state, stub); } \
  BENCHMARK(name)

RAMPART_GEN_BENCH(BM_DecodeMapRequest_spec, BM_Decode, epm::ept_map_request, kRequest);
RAMPART_GEN_BENCH(BM_DecodeMapRequest_compat, BM_Decode, G, kRequest);
RAMPART_GEN_BENCH(BM_DecodeMapResponse4_spec, BM_Decode, epm::ept_map_response, kResponse);
RAMPART_GEN_BENCH(BM_DecodeMapResponse4_compat, BM_Decode, GR, kResponse);
RAMPART_GEN_BENCH(BM_EncodeMapRequest_spec, BM_Encode, epm::ept_map_request, kRequest);
RAMPART_GEN_BENCH(BM_EncodeMapRequest_compat, BM_Encode, G, kRequest);
RAMPART_GEN_BENCH(BM_EncodeMapResponse4_spec, BM_Encode, epm::ept_map_response, kResponse);
RAMPART_GEN_BENCH(BM_EncodeMapResponse4_compat, BM_Encode, GR, kResponse);

}  // namespace

BENCHMARK_MAIN();
