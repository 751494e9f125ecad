// The endpoint mapper and mgmt behind a real Association, driven by an
// arbitrary client byte stream fed in pieces the input chooses. The first
// octet is the piece size, the second selects the peer (bit 0: a local
// socket caller, allowed to register; bit 1: loopback TCP), the rest is the
// stream (the layout of corpus/runtime_association).
//
// Invariants: every octet the server sends decodes as PDUs; the database
// never exceeds its caps and is back to its static entries once the
// connection closes; lookup handles stay within ServerLimits.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/association.hpp"
#include "rampart/services/epm_service.hpp"
#include "rampart/services/mgmt_service.hpp"

namespace {

using namespace rampart;
using namespace rampart::services;

// Every octet the server sends must be whole, decodable PDUs.
void check_output(const runtime::Output& out) {
  auto pdus = pdu::split_pdus(out.send);
  if (!pdus) std::abort();
  for (auto p : *pdus)
    if (!pdu::decode(p)) std::abort();
}

std::vector<std::uint8_t> tcp_tower(const SyntaxId& iface, const char* port) {
  return binding::Tower::build({iface, syntax::kNdr20, binding::Protseq::ncacn_ip_tcp, 0, port, "127.0.0.1"})
      .value()
      .encode();
}

struct World {
  World() : core(limits()), db(std::make_shared<EndpointDatabase>(config())) {
    core.interfaces.add(std::make_shared<EndpointMapper>(db));
    core.interfaces.add(std::make_shared<Management>(core));
    const SyntaxId lsarpc{Uuid::from_string("12345778-1234-abcd-ef00-0123456789ab"), 0, 0};
    const SyntaxId samr{Uuid::from_string("12345778-1234-abcd-ef00-0123456789ac"), 1, 0};
    std::vector<Entry> v;
    v.push_back(*EndpointDatabase::make_entry({}, tcp_tower(lsarpc, "49153"), "lsarpc", std::nullopt));
    v.push_back(*EndpointDatabase::make_entry({}, tcp_tower(samr, "49153"), "samr", std::nullopt));
    v.push_back(*EndpointDatabase::make_entry({}, tcp_tower(lsarpc, "49154"), "lsarpc2", std::nullopt));
    if (db->insert(std::move(v), false) != DbStatus::ok) std::abort();
  }
  static runtime::ServerLimits limits() {
    runtime::ServerLimits l;
    l.max_contexts = 8;
    l.max_pending_calls = 4;
    l.max_lookup_handles = 4;
    l.fragments.max_stub = 64u << 10;
    return l;
  }
  static Config config() {
    Config c;
    c.max_entries = 32;
    c.max_entries_per_owner = 16;
    c.static_socket_path = "/run/rampart/static";
    c.allow_loopback_tcp_registration = true;
    return c;
  }
  runtime::ServerCore core;
  std::shared_ptr<EndpointDatabase> db;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static World world;  // shared like a real server's
  const std::size_t baseline = world.db->size();
  runtime::PeerInfo peer;
  peer.transport = (data[1] & 1) ? runtime::TransportKind::local : runtime::TransportKind::tcp;
  peer.loopback = (data[1] & 2) != 0;
  peer.local_endpoint = peer.transport == runtime::TransportKind::local ? "/run/rampart/epm" : "135";
  peer.connection_id = 7;
  const std::size_t piece = 1 + data[0] % 128;
  std::span<const std::uint8_t> stream(data + 2, size - 2);
  {
    runtime::Association a(world.core, peer, [](std::function<void(runtime::Output&)>) {});
    while (!stream.empty() && a.state() != runtime::Association::State::closed) {
      runtime::Output out;
      const std::size_t n = std::min(piece, stream.size());
      a.on_bytes(stream.first(n), out);
      stream = stream.subspan(n);
      check_output(out);
      if (world.db->size() > World::config().max_entries) std::abort();
    }
  }
  // Everything this connection registered went with it; its association
  // group, and so its lookup handles, are gone too.
  if (world.db->size() != baseline) std::abort();
  if (world.core.groups.size() != 0) std::abort();
  return 0;
}
