// Endpoint mapper hot path: ns per ept_map call through the Interface
// (stub decode, tower decode, database scan, response encode), on a
// database of realistic size, plus a full association round trip (framing,
// PDU decode, dispatch, response PDU) and a paged ept_lookup.
#include <benchmark/benchmark.h>


#include "epm.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association.hpp"
#include "rampart/services/epm_service.hpp"
#include "rampart/services/mgmt_service.hpp"

namespace {

using namespace rampart;
using namespace rampart::services;

const SyntaxId kLsarpc{Uuid::from_string("12345778-1234-abcd-ef00-0123456789ab"), 0, 0};

std::vector<std::uint8_t> tower(const SyntaxId& iface, binding::Protseq p, std::string ep, std::string addr) {
  return binding::Tower::build({iface, syntax::kNdr20, p, 0, std::move(ep), std::move(addr)}).value().encode();
}

/// `n` interfaces, each on ncacn_ip_tcp and ncacn_np, lsarpc among them.
std::shared_ptr<EndpointDatabase> make_db(std::size_t n) {
  auto db = std::make_shared<EndpointDatabase>();
  std::vector<Entry> v;
  for (std::size_t i = 0; i < n; ++i) {
    auto bytes = kLsarpc.uuid.bytes();
    bytes[15] = static_cast<std::uint8_t>(i + 1);
    const SyntaxId iface{Uuid(bytes), 1, 0};
    v.push_back(*EndpointDatabase::make_entry({}, tower(iface, binding::Protseq::ncacn_ip_tcp, "49153", "127.0.0.1"),
                                              "svc", std::nullopt));
    v.push_back(*EndpointDatabase::make_entry({}, tower(iface, binding::Protseq::ncacn_np, "\\pipe\\svc", "\\\\HOST"),
                                              "svc", std::nullopt));
  }
  v.push_back(*EndpointDatabase::make_entry({}, tower(kLsarpc, binding::Protseq::ncacn_ip_tcp, "49154", "127.0.0.1"),
                                            "lsarpc", std::nullopt));
  if (db->insert(std::move(v), false) != DbStatus::ok) std::abort();
  return db;
}

/// Impacket's ept_map request for lsarpc over ncacn_ip_tcp (INTEROP.md).
std::vector<std::uint8_t> impacket_map_stub() {
  spec::epm::ept_map_request r;
  r.obj = Uuid{};
  auto octets = tower(kLsarpc, binding::Protseq::ncacn_ip_tcp, "", "");
  r.map_tower = spec::nbase::twr_t{static_cast<std::uint32_t>(octets.size()), std::move(octets)};
  r.max_towers = 1;
  return ndr::encode_stub(r, Drep::little()).value();
}

void BM_EptMapInterface(benchmark::State& state) {
  auto db = make_db(static_cast<std::size_t>(state.range(0)));
  EndpointMapper epm(db);
  runtime::AssociationGroup group(1, runtime::TransportKind::tcp, 16);
  runtime::PeerInfo peer;
  const auto stub = impacket_map_stub();
  const runtime::CallContext ctx{peer, group, 2, 0, 3, std::nullopt, Drep::little(), syntax::kNdr20, stub};
  for (auto _ : state) {
    auto out = epm.handle(ctx);
    if (out.is_fault() || out.stub.size() != 128) std::abort();
    benchmark::DoNotOptimize(out.stub.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EptMapInterface)->Arg(16)->Arg(128)->Arg(1000)->ThreadRange(1, 2)->UseRealTime();

/// Bytes in, bytes out through a bound Association: what one transport
/// worker spends per ept_map besides socket I/O.
void BM_EptMapAssociation(benchmark::State& state) {
  runtime::ServerCore core;
  core.interfaces.add(std::make_shared<EndpointMapper>(make_db(128)));
  runtime::Association a(core, runtime::PeerInfo{});
  pdu::Bind b;
  b.max_xmit_frag = 4280;
  b.max_recv_frag = 4280;
  b.contexts.push_back({0, spec::epm::ept_descriptor().syntax, {syntax::kNdr20}});
  pdu::Pdu bind;
  bind.header.ptype = pdu::PType::bind;
  bind.header.pfc_flags = pdu::pfc::kFirstLast;
  bind.body = b;
  runtime::Output out;
  a.on_bytes(pdu::encode(bind), out);
  const auto stub = impacket_map_stub();
  pdu::Pdu req;
  req.header.ptype = pdu::PType::request;
  req.header.pfc_flags = pdu::pfc::kFirstLast;
  req.body = pdu::Request{static_cast<std::uint32_t>(stub.size()), 0, 3, std::nullopt, stub};
  std::uint32_t call_id = 1;
  std::vector<std::uint8_t> bytes;
  for (auto _ : state) {
    req.header.call_id = ++call_id;
    bytes.clear();
    pdu::encode(req, bytes);
    runtime::Output o;
    a.on_bytes(bytes, o);
    if (o.send.size() != 152) std::abort();
    benchmark::DoNotOptimize(o.send.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EptMapAssociation);

void BM_EptLookupAll(benchmark::State& state) {
  auto db = make_db(static_cast<std::size_t>(state.range(0)));
  EndpointMapper epm(db);
  runtime::AssociationGroup group(1, runtime::TransportKind::tcp, 16);
  runtime::PeerInfo peer;
  spec::epm::ept_lookup_request r;
  r.max_ents = 500;
  const auto stub = ndr::encode_stub(r, Drep::little()).value();
  const runtime::CallContext ctx{peer, group, 2, 0, 2, std::nullopt, Drep::little(), syntax::kNdr20, stub};
  for (auto _ : state) {
    auto out = epm.handle(ctx);
    if (out.is_fault()) std::abort();
    benchmark::DoNotOptimize(out.stub.data());
  }
}
BENCHMARK(BM_EptLookupAll)->Arg(16)->Arg(128);

}  // namespace

BENCHMARK_MAIN();
