// PDU-layer costs on the endpoint mapper's hot path: ns per decoded bind and
// ept_map request (Impacket's, from tests/golden/captures), the framer over a
// stream of requests, and encoding a response.
#include <benchmark/benchmark.h>

#include "golden_capture.hpp"
#include "rampart/pdu/pdu.hpp"

namespace {

using namespace rampart;

using bench::golden_capture;

void BM_DecodePdu(benchmark::State& state, const char* file) {
  const auto bytes = golden_capture(file);
  for (auto _ : state) {
    auto pdu = pdu::decode(bytes);
    if (!pdu) std::abort();
    benchmark::DoNotOptimize(pdu->header.call_id);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK_CAPTURE(BM_DecodePdu, impacket_bind, "impacket_ept_map_registered/01-c2s-bind.hex");
BENCHMARK_CAPTURE(BM_DecodePdu, impacket_ept_map_request, "impacket_ept_map_registered/03-c2s-request.hex");
BENCHMARK_CAPTURE(BM_DecodePdu, samba_ept_map_response, "impacket_ept_map_registered/04-s2c-response.hex");

void BM_EncodeResponse(benchmark::State& state) {
  const std::vector<std::uint8_t> stub(128, 0x5a);  // Samba's one-tower ept_map reply stub
  pdu::Pdu p;
  p.header.ptype = pdu::PType::response;
  p.body = pdu::Response{128, 0, 0, 0, stub};
  std::vector<std::uint8_t> out;
  out.reserve(256);
  for (auto _ : state) {
    out.clear();
    pdu::encode(p, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeResponse);

}  // namespace

BENCHMARK_MAIN();
