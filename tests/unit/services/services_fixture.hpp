// Drives the endpoint mapper and mgmt through real Associations (sans-I/O):
// a ServerCore with both interfaces registered, an EndpointDatabase filled
// like Samba 4.17's in tests/golden/captures, and clients that bind, call
// and decode what comes back.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <regex>
#include <sstream>

#include "rampart/binding/tower.hpp"
#include "rampart/pdu/status.hpp"
#include "epm.hpp"
#include "mgmt.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association.hpp"
#include "rampart/services/epm_service.hpp"
#include "rampart/services/mgmt_service.hpp"
#include "unit/pdu/pdu_fixtures.hpp"

namespace rampart::services::testing {

using namespace pdu::testing;
namespace epm = spec::epm;
namespace mgmt = spec::mgmt;

/// A twr_t holding `octets` (tower_length agrees).
inline spec::nbase::twr_t twr(std::vector<std::uint8_t> octets) {
  return {static_cast<std::uint32_t>(octets.size()), std::move(octets)};
}
inline epm::ept_insert_request insert_req(std::vector<epm::ept_entry_t> entries, bool replace) {
  const auto n = static_cast<std::uint32_t>(entries.size());
  return {n, std::move(entries), replace ? 1u : 0u};
}
inline epm::ept_delete_request delete_req(std::vector<epm::ept_entry_t> entries) {
  const auto n = static_cast<std::uint32_t>(entries.size());
  return {n, std::move(entries)};
}

inline const SyntaxId kLsarpc{Uuid::from_string("12345778-1234-abcd-ef00-0123456789ab"), 0, 0};
inline const SyntaxId kSamr{Uuid::from_string("12345778-1234-abcd-ef00-0123456789ac"), 1, 0};
inline const SyntaxId kWinreg{Uuid::from_string("338cd001-2244-31f1-aaaa-900038001003"), 1, 0};

/// One golden-capture PDU (tests/golden/captures/README.md format).
inline std::vector<std::uint8_t> capture(const std::string& session, const std::string& file) {
  std::ifstream in(std::string(RAMPART_SOURCE_DIR) + "/tests/golden/captures/" + session + "/" + file);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = std::regex_replace(ss.str(), std::regex("#[^\n]*"), "");
  auto bytes = parse_hex(text);
  EXPECT_TRUE(bytes) << session << "/" << file;
  return bytes.value_or(std::vector<std::uint8_t>{});
}

inline std::vector<std::uint8_t> tower_octets(const SyntaxId& iface, binding::Protseq p, std::string endpoint,
                                              std::string address) {
  binding::TowerBinding b{iface, syntax::kNdr20, p, 0, std::move(endpoint), std::move(address)};
  return binding::Tower::build(b).value().encode();
}

inline Entry entry(const SyntaxId& iface, binding::Protseq p, std::string ep, std::string addr,
                   std::string annotation = "", Uuid object = {}, Owner owner = std::nullopt) {
  auto e = EndpointDatabase::make_entry(object, tower_octets(iface, p, std::move(ep), std::move(addr)),
                                        std::move(annotation), owner);
  EXPECT_TRUE(e);
  return std::move(*e);
}

/// Samba 4.17's endpoints seen in the captures: lsarpc and samr on
/// ncacn_ip_tcp 49153, lsarpc on ncacn_np, winreg on ncalrpc.
inline void register_like_samba(EndpointDatabase& db) {
  using binding::Protseq;
  std::vector<Entry> v;
  v.push_back(entry(kLsarpc, Protseq::ncacn_ip_tcp, "49153", "127.0.0.1", "lsarpc"));
  v.push_back(entry(kSamr, Protseq::ncacn_ip_tcp, "49153", "127.0.0.1", "samr"));
  v.push_back(entry(kLsarpc, Protseq::ncacn_np, "\\pipe\\lsarpc", "\\\\LOCALHOST", "lsarpc"));
  v.push_back(entry(kWinreg, Protseq::ncalrpc, "winreg", "", "winreg"));
  ASSERT_EQ(db.insert(std::move(v), false), DbStatus::ok);
}

struct Client;

struct Server {
  explicit Server(Config config = {}, runtime::ServerLimits limits = {})
      : core(limits), db(std::make_shared<EndpointDatabase>(std::move(config))) {
    epm = std::make_shared<EndpointMapper>(db);
    mgmt = std::make_shared<Management>(core);
    core.interfaces.add(epm);
    core.interfaces.add(mgmt);
  }
  runtime::ServerCore core;
  std::shared_ptr<EndpointDatabase> db;
  std::shared_ptr<EndpointMapper> epm;
  std::shared_ptr<Management> mgmt;
};

inline runtime::PeerInfo tcp_peer(std::uint64_t id = 1, bool loopback = false) {
  runtime::PeerInfo p;
  p.transport = runtime::TransportKind::tcp;
  p.address = loopback ? "127.0.0.1:50000" : "192.0.2.1:50000";
  p.source_key = loopback ? "127.0.0.1" : "192.0.2.1";
  p.local_endpoint = "135";
  p.loopback = loopback;
  p.connection_id = id;
  return p;
}

inline runtime::PeerInfo local_peer(std::uint64_t id, std::string socket = "/run/rampart/epm") {
  runtime::PeerInfo p;
  p.transport = runtime::TransportKind::local;
  p.address = "local";
  p.source_key = "local";
  p.local_endpoint = std::move(socket);
  p.connection_id = id;
  return p;
}

struct Client {
  Client(Server& s, runtime::PeerInfo peer) : server(s), peer_info(peer) {
    assoc = std::make_unique<runtime::Association>(s.core, peer, [](std::function<void(runtime::Output&)>) {});
  }

  std::vector<pdu::Pdu> feed(std::span<const std::uint8_t> bytes) {
    runtime::Output out;
    assoc->on_bytes(bytes, out);
    closed = closed || out.close;
    keep.push_back(std::move(out.send));
    std::vector<pdu::Pdu> pdus;
    const auto& b = keep.back();
    for (std::size_t at = 0; at + 16 <= b.size();) {
      const std::size_t len = b[at + 4] & 0x10 ? (b[at + 8] | b[at + 9] << 8) : (b[at + 8] << 8 | b[at + 9]);
      auto p = pdu::decode(std::span(b).subspan(at, len));
      EXPECT_TRUE(p) << "server sent an undecodable PDU";
      if (p) pdus.push_back(*p);
      at += len;
    }
    return pdus;
  }

  /// Binds context 0 to the EPM, then (one new context per PDU, as Windows
  /// negotiates) context 1 to mgmt with an alter_context, optionally
  /// joining a group.
  std::uint32_t bind(std::uint32_t group = 0) {
    pdu::Bind b;
    b.max_xmit_frag = 5840;
    b.max_recv_frag = 5840;
    b.assoc_group_id = group;
    b.contexts = {{0, kEpm, {syntax::kNdr20}}};
    auto sent = feed(pdu::encode(make_pdu(pdu::PType::bind, b)));
    EXPECT_EQ(sent.size(), 1u);
    if (sent.empty() || sent[0].ptype() != pdu::PType::bind_ack) return 0;
    const std::uint32_t joined = sent[0].as<pdu::BindAck>()->assoc_group_id;
    b.contexts = {{1, kMgmt, {syntax::kNdr20}}};
    auto altered = feed(pdu::encode(make_pdu(pdu::PType::alter_context, pdu::AlterContext{b})));
    EXPECT_EQ(altered.size(), 1u);
    if (altered.empty() || altered[0].ptype() != pdu::PType::alter_context_resp) return 0;
    EXPECT_EQ(altered[0].as<pdu::AlterContextResp>()->results.at(0).result, pdu::ContextResult::acceptance);
    return joined;
  }

  /// One request; returns the single PDU answering it.
  pdu::Pdu call(std::uint16_t opnum, std::span<const std::uint8_t> stub, std::uint16_t context = 0,
                Drep drep = Drep::little()) {
    auto p = make_pdu(pdu::PType::request,
                      pdu::Request{static_cast<std::uint32_t>(stub.size()), context, opnum, std::nullopt, stub}, drep);
    p.header.call_id = ++call_id;
    auto sent = feed(pdu::encode(p));
    EXPECT_EQ(sent.size(), 1u);
    return sent.empty() ? pdu::Pdu{} : sent[0];
  }

  template <class Resp, class Req>
  Resp rpc(std::uint16_t opnum, const Req& req, std::uint16_t context = 0) {
    const std::vector<std::uint8_t> stub = ndr::encode_stub(req, Drep::little()).value();
    const pdu::Pdu p = call(opnum, stub, context);
    EXPECT_EQ(p.ptype(), pdu::PType::response) << "fault " << std::hex
                                               << (p.as<pdu::Fault>() ? p.as<pdu::Fault>()->status : 0);
    if (p.ptype() != pdu::PType::response) return Resp{};
    auto r = ndr::decode_stub<Resp>(p.as<pdu::Response>()->stub, p.header.drep);
    EXPECT_TRUE(r) << r.error().to_string();
    return r.value_or(Resp{});
  }

  std::uint32_t fault_of(std::uint16_t opnum, std::span<const std::uint8_t> stub, std::uint16_t context = 0) {
    auto p = call(opnum, stub, context);
    EXPECT_EQ(p.ptype(), pdu::PType::fault);
    return p.as<pdu::Fault>() ? p.as<pdu::Fault>()->status : 0;
  }

  void close() { assoc.reset(); }

  Server& server;
  runtime::PeerInfo peer_info;
  std::unique_ptr<runtime::Association> assoc;
  std::deque<std::vector<std::uint8_t>> keep;
  std::uint32_t call_id = 1;
  bool closed = false;
};

using binding::Tower;

}  // namespace rampart::services::testing
