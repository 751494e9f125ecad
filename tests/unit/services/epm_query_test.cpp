// ept_lookup, ept_map, ept_map_auth and ept_lookup_handle_free through a
// real Association: every inquiry type and version option, paging, handle
// ownership and caps, and the status conventions (epm_service.hpp).
#include "services_fixture.hpp"

namespace rampart::services::testing {
namespace {

using binding::Protseq;

epm::ept_lookup_request lookup_req(std::uint32_t inquiry, std::optional<Uuid> object, std::optional<SyntaxId> iface,
                                 std::uint32_t vers, std::uint32_t max_ents, ndr::ContextHandle h = {}) {
  epm::ept_lookup_request r;
  r.inquiry_type = inquiry;
  r.object = object;
  if (iface) r.Ifid = spec::nbase::RPC_IF_ID{iface->uuid, iface->major, iface->minor};
  r.vers_option = vers;
  r.entry_handle = h;
  r.max_ents = max_ents;
  return r;
}

epm::ept_map_request map_req(const SyntaxId& iface, Protseq p, std::uint32_t max, std::optional<Uuid> object = Uuid{},
                           ndr::ContextHandle h = {}) {
  epm::ept_map_request r;
  r.obj = object;
  r.map_tower = twr(tower_octets(iface, p, "", p == Protseq::ncalrpc ? "" : ""));
  r.entry_handle = h;
  r.max_towers = max;
  return r;
}

struct EpmQuery : ::testing::Test {
  EpmQuery() {
    register_like_samba(*server.db);
    group = client.bind();
  }
  epm::ept_lookup_response lookup(const epm::ept_lookup_request& r, Client* c = nullptr) {
    return (c ? *c : client).rpc<epm::ept_lookup_response>(2, r);
  }
  epm::ept_map_response map(const epm::ept_map_request& r) { return client.rpc<epm::ept_map_response>(3, r); }

  Server server{Config{}, [] {
                  runtime::ServerLimits l;
                  l.max_lookup_handles = 3;
                  return l;
                }()};
  Client client{server, tcp_peer()};
  std::uint32_t group = 0;
};

TEST_F(EpmQuery, AllEltsIgnoresIfidAndObject) {
  auto r = lookup(lookup_req(0, Uuid::from_string("11111111-2222-3333-4444-555555555555"), kWinreg, 3, 500));
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.entries.size(), 4u);
}

TEST_F(EpmQuery, MatchByIfWithEveryVersionOption) {
  // Entries: lsarpc v0.0 (twice: tcp and np), samr v1.0, winreg v1.0; add
  // lsarpc v0.2 and v1.0 to tell the options apart.
  ASSERT_EQ(server.db->insert({entry({kLsarpc.uuid, 0, 2}, Protseq::ncacn_ip_tcp, "49160", "127.0.0.1"),
                               entry({kLsarpc.uuid, 1, 0}, Protseq::ncacn_ip_tcp, "49161", "127.0.0.1")},
                              false),
            DbStatus::ok);
  const SyntaxId want{kLsarpc.uuid, 0, 1};
  auto count = [&](std::uint32_t vers) { return lookup(lookup_req(1, std::nullopt, want, vers, 500)).entries.size(); };
  EXPECT_EQ(count(1), 4u);  // all: v0.0 x2, v0.2, v1.0
  EXPECT_EQ(count(2), 1u);  // compatible: major 0, minor >= 1 -> v0.2
  EXPECT_EQ(count(3), 0u);  // exact v0.1: none
  EXPECT_EQ(count(4), 3u);  // major_only 0: v0.0 x2, v0.2
  EXPECT_EQ(count(5), 2u);  // upto v0.1: v0.0 x2
  auto none = lookup(lookup_req(1, std::nullopt, want, 3, 500));
  EXPECT_EQ(none.status, epm::ept_s_not_registered);  // only when nothing is returned
  EXPECT_TRUE(none.entry_handle.is_null());
}

TEST_F(EpmQuery, MatchByObjectAndBoth) {
  const Uuid obj = Uuid::from_string("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  ASSERT_EQ(server.db->insert({entry(kSamr, Protseq::ncacn_ip_tcp, "49170", "127.0.0.1", "obj", obj)}, false),
            DbStatus::ok);
  EXPECT_EQ(lookup(lookup_req(2, obj, std::nullopt, 0, 500)).entries.size(), 1u);
  EXPECT_EQ(lookup(lookup_req(2, std::nullopt, std::nullopt, 0, 500)).entries.size(), 4u);  // NULL = nil object
  EXPECT_EQ(lookup(lookup_req(3, obj, kSamr, 1, 500)).entries.size(), 1u);
  EXPECT_EQ(lookup(lookup_req(3, obj, kLsarpc, 1, 500)).status, epm::ept_s_not_registered);
}

TEST_F(EpmQuery, InvalidSelectionsCannotPerformOp) {
  EXPECT_EQ(lookup(lookup_req(4, std::nullopt, std::nullopt, 1, 500)).status, ept_status::kCantPerformOp);
  EXPECT_EQ(lookup(lookup_req(1, std::nullopt, std::nullopt, 1, 500)).status, ept_status::kCantPerformOp);
  EXPECT_EQ(lookup(lookup_req(1, std::nullopt, kSamr, 0, 500)).status, ept_status::kCantPerformOp);
  EXPECT_EQ(lookup(lookup_req(1, std::nullopt, kSamr, 6, 500)).status, ept_status::kCantPerformOp);
}

TEST_F(EpmQuery, PagesWithEveryPageSize) {
  for (std::uint32_t max = 1; max <= 5; ++max) {
    std::vector<std::string> seen;
    ndr::ContextHandle h;
    for (int calls = 0; calls < 10; ++calls) {
      auto r = lookup(lookup_req(0, std::nullopt, std::nullopt, 1, max, h));
      ASSERT_EQ(r.status, 0u) << "max " << max;  // status 0 while entries are returned
      ASSERT_LE(r.entries.size(), max);
      EXPECT_EQ(r.max_ents, max);
      for (auto& e : r.entries) seen.push_back(e.annotation);
      h = r.entry_handle;
      if (h.is_null()) break;
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"lsarpc", "samr", "lsarpc", "winreg"})) << "max " << max;
    EXPECT_EQ(client.assoc->assoc_group_id(), group);
  }
  // Walks that reached their end keep an exhausted handle (no snapshot)
  // until freed or evicted: never more than the cap.
  EXPECT_LE(server.core.groups.join(group, runtime::TransportKind::tcp)->handle_count(), 3u);
}

// The end of a walk: the last page carries its entries with status 0 and a
// nil handle; calling again with the handle that walked there gets
// ept_s_not_registered, no entries and a zeroed handle, and frees it.
TEST_F(EpmQuery, TheHandleAfterTheLastPageIsNotRegistered) {
  auto first = lookup(lookup_req(0, std::nullopt, std::nullopt, 1, 3));
  ASSERT_EQ(first.entries.size(), 3u);
  ASSERT_FALSE(first.entry_handle.is_null());
  auto last = lookup(lookup_req(0, std::nullopt, std::nullopt, 1, 3, first.entry_handle));
  EXPECT_EQ(last.status, 0u);
  EXPECT_EQ(last.entries.size(), 1u);
  EXPECT_TRUE(last.entry_handle.is_null());
  auto after = lookup(lookup_req(0, std::nullopt, std::nullopt, 1, 3, first.entry_handle));
  EXPECT_EQ(after.status, epm::ept_s_not_registered);
  EXPECT_TRUE(after.entries.empty());
  EXPECT_TRUE(after.entry_handle.is_null());
  EXPECT_EQ(server.core.groups.join(group, runtime::TransportKind::tcp)->handle_count(), 0u);
  // Now it is gone: an unknown handle.
  auto req = lookup_req(0, std::nullopt, std::nullopt, 1, 3, first.entry_handle);
  EXPECT_EQ(client.fault_of(2, ndr::encode_stub(req, Drep::little()).value()), kFaultContextMismatch);
}

TEST_F(EpmQuery, PagingSeesTheSnapshotItStarted) {
  auto first = lookup(lookup_req(0, std::nullopt, std::nullopt, 1, 2));
  ASSERT_FALSE(first.entry_handle.is_null());
  ASSERT_EQ(server.db->insert({entry(kSamr, Protseq::ncacn_ip_tcp, "1", "127.0.0.1")}, false), DbStatus::ok);
  auto rest = lookup(lookup_req(0, std::nullopt, std::nullopt, 1, 500, first.entry_handle));
  EXPECT_EQ(rest.entries.size(), 2u);
  EXPECT_TRUE(rest.entry_handle.is_null());
}

TEST_F(EpmQuery, HandleFreeClosesAndIsPerGroup) {
  auto first = lookup(lookup_req(0, std::nullopt, std::nullopt, 1, 1));
  ASSERT_FALSE(first.entry_handle.is_null());
  // Another association group does not find the handle (C15).
  Client other(server, tcp_peer(2));
  other.bind();
  auto req = lookup_req(0, std::nullopt, std::nullopt, 1, 1, first.entry_handle);
  EXPECT_EQ(other.fault_of(2, ndr::encode_stub(req, Drep::little()).value()), kFaultContextMismatch);
  epm::ept_lookup_handle_free_request free_req{first.entry_handle};
  auto free_stub = ndr::encode_stub(free_req, Drep::little()).value();
  EXPECT_EQ(other.fault_of(4, free_stub), kFaultContextMismatch);
  // A second connection joining the same group shares it.
  Client same(server, tcp_peer(3));
  same.bind(group);
  EXPECT_EQ(lookup(req, &same).entries.size(), 1u);
  auto freed = client.rpc<epm::ept_lookup_handle_free_response>(4, free_req);
  EXPECT_EQ(freed.status, 0u);
  EXPECT_TRUE(freed.entry_handle.is_null());
  EXPECT_EQ(client.fault_of(2, ndr::encode_stub(req, Drep::little()).value()), kFaultContextMismatch);
  // Freeing the nil handle is harmless.
  EXPECT_EQ(client.rpc<epm::ept_lookup_handle_free_response>(4, epm::ept_lookup_handle_free_request{}).status, 0u);
}

// At the cap (3 here) the oldest handle is evicted: every well-formed call
// is served, the group never holds more than the cap, and only the evicted
// walk is lost.
TEST_F(EpmQuery, HandleCapEvictsTheOldest) {
  std::vector<ndr::ContextHandle> handles;
  for (int i = 0; i < 5; ++i) {
    auto r = lookup(lookup_req(0, std::nullopt, std::nullopt, 1, 1));
    EXPECT_EQ(r.status, 0u);
    EXPECT_EQ(r.entries.size(), 1u);
    ASSERT_FALSE(r.entry_handle.is_null());
    handles.push_back(r.entry_handle);
  }
  EXPECT_EQ(server.core.groups.join(group, runtime::TransportKind::tcp)->handle_count(), 3u);
  for (int i : {0, 1}) {
    auto req = lookup_req(0, std::nullopt, std::nullopt, 1, 1, handles[i]);
    EXPECT_EQ(client.fault_of(2, ndr::encode_stub(req, Drep::little()).value()), kFaultContextMismatch) << i;
  }
  // The three newest still resume where they stopped.
  for (int i : {2, 3, 4}) {
    auto r = lookup(lookup_req(0, std::nullopt, std::nullopt, 1, 1, handles[i]));
    EXPECT_EQ(r.status, 0u) << i;
    EXPECT_EQ(r.entries.size(), 1u) << i;
  }
}

// A client that calls ept_map with max_towers 1 again and again and never
// frees a handle keeps being answered, with memory bounded by the cap.
TEST_F(EpmQuery, RepeatedMapWithoutFreeingIsAlwaysServed) {
  ASSERT_EQ(server.db->insert({entry(kLsarpc, Protseq::ncacn_ip_tcp, "49200", "127.0.0.1")}, false), DbStatus::ok);
  for (int i = 0; i < 100; ++i) {
    auto m = map(map_req(kLsarpc, Protseq::ncacn_ip_tcp, 1));
    ASSERT_EQ(m.status, 0u) << i;
    ASSERT_EQ(m.ITowers.size(), 1u) << i;
    EXPECT_FALSE(m.entry_handle.is_null()) << i;  // a second tower remains
  }
  EXPECT_EQ(server.core.groups.join(group, runtime::TransportKind::tcp)->handle_count(), 3u);
  EXPECT_FALSE(client.closed);
}

TEST_F(EpmQuery, MapHandlesAreNotLookupHandles) {
  ASSERT_EQ(server.db->insert({entry(kLsarpc, Protseq::ncacn_ip_tcp, "49200", "127.0.0.1")}, false), DbStatus::ok);
  auto m = map(map_req(kLsarpc, Protseq::ncacn_ip_tcp, 1));
  ASSERT_FALSE(m.entry_handle.is_null());
  auto as_lookup = lookup_req(0, std::nullopt, std::nullopt, 1, 1, m.entry_handle);
  EXPECT_EQ(client.fault_of(2, ndr::encode_stub(as_lookup, Drep::little()).value()), kFaultContextMismatch);
  auto rest = map(map_req(kLsarpc, Protseq::ncacn_ip_tcp, 1, Uuid{}, m.entry_handle));
  EXPECT_EQ(rest.status, 0u);
  ASSERT_EQ(rest.ITowers.size(), 1u);
  EXPECT_EQ(Tower::decode(rest.ITowers[0]->tower_octet_string).value().binding().value().endpoint, "49200");
  EXPECT_TRUE(rest.entry_handle.is_null());
}

TEST_F(EpmQuery, MapMatchesProtseqVersionAndTransfer) {
  EXPECT_EQ(map(map_req(kLsarpc, Protseq::ncalrpc, 4)).status, epm::ept_s_not_registered);
  EXPECT_EQ(map(map_req({kLsarpc.uuid, 1, 0}, Protseq::ncacn_ip_tcp, 4)).status, epm::ept_s_not_registered);
  EXPECT_EQ(map(map_req({kSamr.uuid, 1, 0}, Protseq::ncacn_ip_tcp, 4)).ITowers.size(), 1u);
  EXPECT_EQ(map(map_req({kSamr.uuid, 1, 1}, Protseq::ncacn_ip_tcp, 4)).status, epm::ept_s_not_registered);
  EXPECT_EQ(map(map_req(kWinreg, Protseq::ncalrpc, 4)).ITowers.size(), 1u);
  auto ndr64 = map_req(kSamr, Protseq::ncacn_ip_tcp, 4);
  ndr64.map_tower->tower_octet_string =
      Tower::build({kSamr, syntax::kNdr64, Protseq::ncacn_ip_tcp, 0, "", ""}).value().encode();
  EXPECT_EQ(map(ndr64).status, epm::ept_s_not_registered);
  EXPECT_EQ(map(map_req(kSamr, Protseq::ncacn_ip_tcp, 0)).status, epm::ept_s_not_registered);  // max_towers 0
}

TEST_F(EpmQuery, MapObjectFallsBackToNilObjectEntries) {
  const Uuid obj = Uuid::from_string("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  const Uuid other = Uuid::from_string("99999999-bbbb-cccc-dddd-eeeeeeeeeeee");
  EXPECT_EQ(map(map_req(kSamr, Protseq::ncacn_ip_tcp, 4, other)).ITowers.size(), 1u);  // nil-object entry
  ASSERT_EQ(server.db->insert({entry(kSamr, Protseq::ncacn_ip_tcp, "50000", "127.0.0.1", "", obj)}, false),
            DbStatus::ok);
  auto exact = map(map_req(kSamr, Protseq::ncacn_ip_tcp, 4, obj));
  ASSERT_EQ(exact.ITowers.size(), 1u);
  EXPECT_EQ(Tower::decode(exact.ITowers[0]->tower_octet_string).value().binding().value().endpoint, "50000");
  EXPECT_EQ(map(map_req(kSamr, Protseq::ncacn_ip_tcp, 4, std::nullopt)).ITowers.size(), 1u);  // nil only
}

TEST_F(EpmQuery, BadMapTowersAreNotRegisteredNeverACrash) {
  auto r = map_req(kSamr, Protseq::ncacn_ip_tcp, 4);
  r.map_tower = std::nullopt;
  EXPECT_EQ(map(r).status, epm::ept_s_not_registered);
  for (std::vector<std::uint8_t> bad : {std::vector<std::uint8_t>{}, std::vector<std::uint8_t>{1, 0},
                                        std::vector<std::uint8_t>{5, 0, 1, 0, 0x42, 0, 0}}) {
    r.map_tower = twr(bad);
    auto resp = map(r);
    EXPECT_EQ(resp.status, epm::ept_s_not_registered);
    EXPECT_TRUE(resp.ITowers.empty());
  }
}

TEST_F(EpmQuery, MapAuthIsMap) {
  epm::ept_map_auth_request r;
  r.map_tower = twr(tower_octets(kLsarpc, Protseq::ncacn_ip_tcp, "", ""));
  r.sid = spec::ms_dtyp::RPC_SID{1, 2, {{0, 0, 0, 0, 0, 5}}, {32, 544}};
  r.max_towers = 4;
  auto resp = client.rpc<epm::ept_map_auth_response>(7, r);
  EXPECT_EQ(resp.status, 0u);
  EXPECT_EQ(resp.ITowers.size(), 1u);
}

TEST_F(EpmQuery, InqObjectIsNil) {
  auto r = client.rpc<epm::ept_inq_object_response>(5, epm::ept_inq_object_request{});
  EXPECT_EQ(r.status, 0u);
  EXPECT_TRUE(r.ept_object.is_nil());
}

// A short stub is bad stub data; octets after the last [in] parameter are
// ignored, as Windows and Samba ignore them.
TEST_F(EpmQuery, TruncatedStubsFaultBadStubDataTrailingOctetsAreIgnored) {
  auto stub = ndr::encode_stub(lookup_req(0, std::nullopt, std::nullopt, 1, 5), Drep::little()).value();
  for (std::uint16_t op : {0, 1, 2, 3, 4, 7}) {
    auto cut = std::vector<std::uint8_t>(stub.begin(), stub.begin() + 3);
    EXPECT_EQ(client.fault_of(op == 0 || op == 1 ? 2 : op, cut), 0x6f7u) << op;
  }
  auto longer = stub;
  longer.push_back(0);
  EXPECT_EQ(client.call(2, longer).ptype(), pdu::PType::response);
  auto inq = std::vector<std::uint8_t>{0, 0, 0, 0};  // ept_inq_object has no [in] parameter
  EXPECT_EQ(client.call(5, inq).ptype(), pdu::PType::response);
  // max_ents 501, past [range(0,500)]: the generated encoder keeps to the
  // range, so the stub's last field is written over.
  auto too_many = ndr::encode_stub(lookup_req(0, std::nullopt, std::nullopt, 1, 500), Drep::little()).value();
  too_many[too_many.size() - 4] = 0xf5;  // 501, little-endian
  EXPECT_EQ(client.fault_of(2, too_many), 0x6f7u);
  EXPECT_FALSE(client.closed);
}

}  // namespace
}  // namespace rampart::services::testing
