// ept_insert, ept_delete and ept_mgmt_delete: locality (docs/hardening.md C14),
// ownership by the registering connection, the static socket, replace
// semantics, validation (C8) and the database caps (C13).
#include "services_fixture.hpp"

namespace rampart::services::testing {
namespace {

using binding::Protseq;

const std::string kStaticSocket = "/run/rampart/epm-static";

epm::ept_entry_t wire_entry(const SyntaxId& iface, std::string port, std::string annotation = "svc",
                         Uuid object = {}) {
  return epm::ept_entry_t{object, twr(tower_octets(iface, Protseq::ncacn_ip_tcp, std::move(port), "127.0.0.1")),
                       std::move(annotation)};
}

std::vector<std::uint8_t> insert_stub(std::vector<epm::ept_entry_t> entries, bool replace = false) {
  return ndr::encode_stub(insert_req(std::move(entries), replace), Drep::little()).value();
}

struct Registration : ::testing::Test {
  Registration() {
    Config c;
    c.static_socket_path = kStaticSocket;
    c.max_entries = 8;
    c.max_entries_per_owner = 3;
    server = std::make_unique<Server>(c);
  }
  std::uint32_t insert(Client& c, std::vector<epm::ept_entry_t> entries, bool replace = false) {
    return c.rpc<epm::ept_insert_response>(0, insert_req(std::move(entries), replace)).status;
  }
  std::uint32_t remove(Client& c, std::vector<epm::ept_entry_t> entries) {
    return c.rpc<epm::ept_delete_response>(1, delete_req(std::move(entries))).status;
  }
  std::unique_ptr<Server> server;
};

TEST_F(Registration, RemoteInsertAndDeleteAreRefusedBeforeUnmarshalling) {
  Client remote(*server, tcp_peer(1));
  remote.bind();
  for (std::uint16_t op : {0, 1, 6}) {
    // Even garbage is refused with access denied: nothing was decoded.
    auto p = remote.call(op, std::vector<std::uint8_t>{1, 2, 3});
    ASSERT_EQ(p.ptype(), pdu::PType::fault);
    EXPECT_EQ(p.as<pdu::Fault>()->status, kRpcAccessDenied) << op;
    EXPECT_TRUE(p.header.pfc_flags & pdu::pfc::kDidNotExecute);
  }
  EXPECT_EQ(remote.fault_of(0, insert_stub({wire_entry(kSamr, "1000")})), kRpcAccessDenied);
  EXPECT_EQ(server->db->size(), 0u);
  Client loopback(*server, tcp_peer(2, true));
  loopback.bind();
  EXPECT_EQ(loopback.fault_of(0, insert_stub({wire_entry(kSamr, "1000")})), kRpcAccessDenied);
}

TEST_F(Registration, LoopbackSwitchAllowsLoopbackTcpOnly) {
  Config c;
  c.allow_loopback_tcp_registration = true;
  Server s(c);
  Client loopback(s, tcp_peer(2, true));
  loopback.bind();
  EXPECT_EQ(insert(loopback, {wire_entry(kSamr, "1000")}), 0u);
  EXPECT_EQ(s.db->size(), 1u);
  Client remote(s, tcp_peer(3, false));
  remote.bind();
  EXPECT_EQ(remote.fault_of(0, insert_stub({wire_entry(kSamr, "1001")})), kRpcAccessDenied);
  loopback.close();  // owned by the loopback connection
  EXPECT_EQ(s.db->size(), 0u);
}

TEST_F(Registration, LocalEntriesVanishWithTheirConnection) {
  Client a(*server, local_peer(10));
  Client b(*server, local_peer(11));
  a.bind();
  b.bind();
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "1000"), wire_entry(kWinreg, "1001")}), 0u);
  EXPECT_EQ(insert(b, {wire_entry(kLsarpc, "1002")}), 0u);
  EXPECT_EQ(server->db->size(), 3u);
  a.close();
  ASSERT_EQ(server->db->size(), 1u);
  EXPECT_EQ(server->db->snapshot()->entries[0]->interface(), kLsarpc);
}

TEST_F(Registration, StaticSocketEntriesPersist) {
  Client s(*server, local_peer(20, kStaticSocket));
  s.bind();
  EXPECT_EQ(insert(s, {wire_entry(kSamr, "1000")}), 0u);
  s.close();
  ASSERT_EQ(server->db->size(), 1u);
  EXPECT_FALSE(server->db->snapshot()->entries[0]->owner.has_value());
  // Visible to remote callers.
  Client remote(*server, tcp_peer(1));
  remote.bind();
  epm::ept_lookup_request all;
  all.max_ents = 10;
  EXPECT_EQ(remote.rpc<epm::ept_lookup_response>(2, all).entries.size(), 1u);
}

TEST_F(Registration, DeleteOnlyOwnEntries) {
  Client a(*server, local_peer(10));
  Client b(*server, local_peer(11));
  a.bind();
  b.bind();
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "1000")}), 0u);
  EXPECT_EQ(remove(b, {wire_entry(kSamr, "1000")}), epm::ept_s_not_registered);
  EXPECT_EQ(server->db->size(), 1u);
  EXPECT_EQ(remove(a, {wire_entry(kSamr, "1000", "another annotation")}), 0u);
  EXPECT_EQ(server->db->size(), 0u);
  EXPECT_EQ(remove(a, {wire_entry(kSamr, "1000")}), epm::ept_s_not_registered);
}

TEST_F(Registration, MgmtDeleteByObjectAndTower) {
  const Uuid obj = Uuid::from_string("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  Client a(*server, local_peer(10));
  a.bind();
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "1000", "x", obj), wire_entry(kSamr, "1000", "y")}), 0u);
  epm::ept_mgmt_delete_request r{1, obj, wire_entry(kSamr, "1000").tower};
  EXPECT_EQ(a.rpc<epm::ept_mgmt_delete_response>(6, r).status, 0u);
  EXPECT_EQ(server->db->size(), 1u);
  r.object_speced = 0;
  EXPECT_EQ(a.rpc<epm::ept_mgmt_delete_response>(6, r).status, 0u);
  EXPECT_EQ(server->db->size(), 0u);
  EXPECT_EQ(a.rpc<epm::ept_mgmt_delete_response>(6, r).status, epm::ept_s_not_registered);
  r.tower = std::nullopt;
  EXPECT_EQ(a.rpc<epm::ept_mgmt_delete_response>(6, r).status, ept_status::kInvalidEntry);
}

TEST_F(Registration, ReplaceSwapsTheEndpointOfTheSameKey) {
  Client a(*server, local_peer(10));
  a.bind();
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "1000"), wire_entry(kLsarpc, "1000")}), 0u);
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "2000")}, true), 0u);
  auto snap = server->db->snapshot();
  ASSERT_EQ(snap->entries.size(), 2u);
  EXPECT_EQ(snap->entries[0]->interface(), kLsarpc);
  EXPECT_EQ(snap->entries[1]->binding.endpoint, "2000");
  // Without replace both endpoints stay; the same entry is not added twice.
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "3000"), wire_entry(kSamr, "3000")}), 0u);
  EXPECT_EQ(server->db->size(), 3u);
  // Another owner's entries are never replaced.
  Client b(*server, local_peer(11));
  b.bind();
  EXPECT_EQ(insert(b, {wire_entry(kSamr, "4000")}, true), 0u);
  EXPECT_EQ(server->db->size(), 4u);
}

TEST_F(Registration, InvalidEntriesAreRejectedWhole) {
  Client a(*server, local_peer(10));
  a.bind();
  auto null_tower = wire_entry(kSamr, "1000");
  null_tower.tower = std::nullopt;
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "1"), null_tower}), ept_status::kInvalidEntry);
  auto unknown_floor = wire_entry(kSamr, "1000");
  unknown_floor.tower->tower_octet_string[unknown_floor.tower->tower_octet_string.size() - 7] = 0x42;  // floor 5 protocol id
  EXPECT_EQ(insert(a, {unknown_floor}), ept_status::kInvalidEntry);
  auto truncated = wire_entry(kSamr, "1000");
  truncated.tower->tower_octet_string.resize(20);
  truncated.tower->tower_length = 20;
  EXPECT_EQ(insert(a, {truncated}), ept_status::kInvalidEntry);
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "1000", std::string(63, 'a'))}), 0u);  // 64 with NUL
  EXPECT_EQ(server->db->size(), 1u);
  // 64 characters do not fit ept_max_annotation_size (C8); nor does a NUL inside.
  EXPECT_FALSE(EndpointDatabase::make_entry({}, tower_octets(kSamr, Protseq::ncacn_ip_tcp, "1", "127.0.0.1"),
                                            std::string(64, 'a'), std::nullopt));
  EXPECT_FALSE(EndpointDatabase::make_entry({}, tower_octets(kSamr, Protseq::ncacn_ip_tcp, "1", "127.0.0.1"),
                                            std::string("a\0b", 3), std::nullopt));
}

TEST_F(Registration, CapsPerOwnerAndInTotal) {
  Client a(*server, local_peer(10));
  a.bind();
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "1"), wire_entry(kSamr, "2"), wire_entry(kSamr, "3")}), 0u);
  EXPECT_EQ(insert(a, {wire_entry(kSamr, "4")}), ept_status::kCantCreate);
  EXPECT_EQ(server->db->size(), 3u);
  Client s(*server, local_peer(20, kStaticSocket));  // static: only the total cap
  s.bind();
  std::vector<epm::ept_entry_t> many;
  for (int i = 0; i < 6; ++i) many.push_back(wire_entry(kWinreg, std::to_string(100 + i)));
  EXPECT_EQ(insert(s, many), ept_status::kCantCreate);  // 3 + 6 > 8: nothing added
  EXPECT_EQ(server->db->size(), 3u);
  many.resize(5);
  EXPECT_EQ(insert(s, many), 0u);
  EXPECT_EQ(server->db->size(), 8u);
}

}  // namespace
}  // namespace rampart::services::testing

namespace rampart::services::testing {
namespace {

// The hand-built registration seed of tests/fuzz/make-seeds must really
// register, or the fuzzer would not reach the registration code.
TEST(RegistrationSeed, InsertsLooksUpAndDeletesOverLocal) {
  std::ifstream in(std::string(RAMPART_SOURCE_DIR) + "/tests/fuzz/corpus/services_epm/registration-local",
                   std::ios::binary);
  std::vector<std::uint8_t> seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(seed.size(), 2u);
  Server server;
  Client c(server, local_peer(5));
  auto sent = c.feed(std::span(seed).subspan(2));
  ASSERT_EQ(sent.size(), 6u);  // bind_ack and five responses
  auto status = [&](std::size_t i) {
    EXPECT_EQ(sent[i].ptype(), pdu::PType::response) << i << " fault " << std::hex << (sent[i].as<pdu::Fault>() ? sent[i].as<pdu::Fault>()->status : 0);
    auto stub = sent[i].as<pdu::Response>() ? sent[i].as<pdu::Response>()->stub : pdu::Bytes{};
    return stub.size() >= 4 ? std::uint32_t(stub[stub.size() - 4] | stub[stub.size() - 3] << 8 |
                                            stub[stub.size() - 2] << 16 | stub[stub.size() - 1] << 24)
                            : 0xffffffffu;
  };
  EXPECT_EQ(status(1), 0u);  // insert
  EXPECT_EQ(status(2), 0u);  // lookup: two entries
  EXPECT_EQ(status(3), 0u);  // delete
  EXPECT_EQ(status(4), 0u);  // insert again
  EXPECT_EQ(status(5), 0u);  // mgmt_delete of every entry with that tower
  EXPECT_EQ(server.db->size(), 0u);
}

}  // namespace
}  // namespace rampart::services::testing
