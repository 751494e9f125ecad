// NDR20 decode throughput: a 1 MiB conformant array of u32 and of octets,
// next to memcpy of the same bytes, and the cost of one ept_map request
// decode (the endpoint mapper's hot path).
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "epm.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/ndr/decoder.hpp"
#include "rampart/ndr/encoder.hpp"

namespace {

using namespace rampart;

constexpr std::size_t kPayload = 1 << 20;

template <class T>
std::vector<std::uint8_t> conformant_stub(Drep drep) {
  std::vector<T> values(kPayload / sizeof(T));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>(i * 2654435761u);
  std::vector<std::uint8_t> out;
  ByteWriter w(out, drep);
  ndr::Encoder e(w);
  if (!e.conformant_array(std::span<const T>(values))) std::abort();
  return out;
}

template <class T>
void BM_DecodeConformant(benchmark::State& state, Drep drep) {
  const auto stub = conformant_stub<T>(drep);
  for (auto _ : state) {
    ndr::Decoder d(stub, drep);
    auto v = d.conformant_array<T>();
    if (!v) std::abort();
    benchmark::DoNotOptimize(v->data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPayload));
}

void BM_Memcpy(benchmark::State& state) {
  std::vector<std::uint8_t> src(kPayload, 0x5a);
  for (auto _ : state) {
    std::vector<std::uint8_t> dst(kPayload);  // the decoder allocates too
    std::memcpy(dst.data(), src.data(), kPayload);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPayload));
}

spec::nbase::twr_t twr(std::vector<std::uint8_t> octets) {
  return {static_cast<std::uint32_t>(octets.size()), std::move(octets)};
}

std::vector<std::uint8_t> ept_map_stub() {
  // The 132-octet request Impacket sends: nil object, a 5-floor TCP tower.
  spec::epm::ept_map_request req;
  req.obj = Uuid{};
  req.map_tower = twr({0x05, 0x00, 0x13, 0x00, 0x0d, 0x78, 0x57, 0x34, 0x12, 0x34, 0x12, 0xcd,
                            0xab, 0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xac, 0x01, 0x00, 0x02,
                            0x00, 0x00, 0x00, 0x13, 0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c,
                            0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00,
                            0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x01,
                            0x00, 0x07, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x09, 0x04, 0x00, 0x00,
                            0x00, 0x00, 0x00});
  req.max_towers = 1;
  auto bytes = ndr::encode_stub(req, Drep::little());
  if (!bytes || bytes->size() != 132) std::abort();
  return *bytes;
}

void BM_DecodeEptMapRequest(benchmark::State& state) {
  const auto stub = ept_map_stub();
  for (auto _ : state) {
    auto r = ndr::decode_stub<spec::epm::ept_map_request>(stub, Drep::little());
    if (!r) std::abort();
    benchmark::DoNotOptimize(r->max_towers);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EncodeEptMapRequest(benchmark::State& state) {
  auto req = ndr::decode_stub<spec::epm::ept_map_request>(ept_map_stub(), Drep::little());
  if (!req) std::abort();
  for (auto _ : state) {
    auto bytes = ndr::encode_stub(*req, Drep::little());
    benchmark::DoNotOptimize(bytes->data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeU32Little(benchmark::State& s) { BM_DecodeConformant<std::uint32_t>(s, Drep::little()); }
void BM_DecodeU32Big(benchmark::State& s) { BM_DecodeConformant<std::uint32_t>(s, Drep::big()); }
void BM_DecodeOctets(benchmark::State& s) { BM_DecodeConformant<std::uint8_t>(s, Drep::little()); }

BENCHMARK(BM_DecodeU32Little);
BENCHMARK(BM_DecodeU32Big);
BENCHMARK(BM_DecodeOctets);
BENCHMARK(BM_Memcpy);
BENCHMARK(BM_DecodeEptMapRequest);
BENCHMARK(BM_EncodeEptMapRequest);

}  // namespace

BENCHMARK_MAIN();
