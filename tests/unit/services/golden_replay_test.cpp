// Client PDUs captured from Impacket, rpcclient and raw peers against Samba
// 4.17 (tests/golden/captures), replayed against our endpoint mapper with a
// database registered like Samba's; our replies must decode with the
// interfaces codecs and carry what Samba's carried, except where Rampart
// deliberately differs (the lookup status convention, INTEROP.md).
#include "services_fixture.hpp"

namespace rampart::services::testing {
namespace {

struct GoldenReplay : ::testing::Test {
  GoldenReplay() { register_like_samba(*server.db); }

  /// Replays the capture's bind and returns our bind_ack.
  pdu::Pdu bind_from(const std::string& session) {
    auto sent = client.feed(capture(session, "01-c2s-bind.hex"));
    EXPECT_EQ(sent.size(), 1u);
    return sent.empty() ? pdu::Pdu{} : sent[0];
  }
  pdu::Pdu replay(const std::string& session, const std::string& file) {
    auto sent = client.feed(capture(session, file));
    EXPECT_EQ(sent.size(), 1u);
    return sent.empty() ? pdu::Pdu{} : sent[0];
  }
  template <class T>
  T decode_response(const pdu::Pdu& p) {
    EXPECT_EQ(p.ptype(), pdu::PType::response);
    if (!p.as<pdu::Response>()) return T{};
    auto r = ndr::decode_stub<T>(p.as<pdu::Response>()->stub, p.header.drep);
    EXPECT_TRUE(r) << r.error().to_string();
    return r.value_or(T{});
  }
  /// Samba's captured reply to the same request.
  template <class T>
  T samba_response(const std::string& session, const std::string& file) {
    auto bytes = capture(session, file);
    auto p = pdu::decode(bytes).value();
    return ndr::decode_stub<T>(p.as<pdu::Response>()->stub, p.header.drep).value();
  }

  Server server;
  Client client{server, tcp_peer()};
};

TEST_F(GoldenReplay, ImpacketEptMapRegisteredMatchesSambaStructure) {
  EXPECT_EQ(bind_from("impacket_ept_map_registered").ptype(), pdu::PType::bind_ack);
  auto ours = decode_response<epm::ept_map_response>(replay("impacket_ept_map_registered", "03-c2s-request.hex"));
  auto samba = samba_response<epm::ept_map_response>("impacket_ept_map_registered", "04-s2c-response.hex");
  EXPECT_EQ(ours.status, 0u);
  EXPECT_EQ(ours.status, samba.status);
  EXPECT_TRUE(ours.entry_handle.is_null());
  EXPECT_EQ(ours.max_towers, samba.max_towers);
  ASSERT_EQ(ours.ITowers.size(), 1u);
  ASSERT_EQ(samba.ITowers.size(), 1u);
  // Samba's tower for lsarpc on 127.0.0.1[49153] is octet-for-octet ours.
  EXPECT_EQ(ours.ITowers[0]->tower_octet_string, samba.ITowers[0]->tower_octet_string);
}

TEST_F(GoldenReplay, ImpacketEptMapUnregisteredIsNotRegisteredWithNoTowers) {
  bind_from("impacket_ept_map_unregistered");
  auto ours = decode_response<epm::ept_map_response>(replay("impacket_ept_map_unregistered", "03-c2s-request.hex"));
  auto samba = samba_response<epm::ept_map_response>("impacket_ept_map_unregistered", "04-s2c-response.hex");
  EXPECT_EQ(ours.status, epm::ept_s_not_registered);
  EXPECT_EQ(ours.status, samba.status);
  EXPECT_EQ(ours.max_towers, samba.max_towers);
  EXPECT_TRUE(ours.ITowers.empty());
  EXPECT_TRUE(samba.ITowers.empty());
  // Samba 4.17 hands out a lookup handle even here (and never frees it);
  // with nothing to page, Rampart's handle is nil.
  EXPECT_TRUE(ours.entry_handle.is_null());
  EXPECT_FALSE(samba.entry_handle.is_null());
}

TEST_F(GoldenReplay, ImpacketLookupGetsEverythingWithStatusZeroForRpcdump) {
  bind_from("impacket_ept_lookup");
  auto ours = decode_response<epm::ept_lookup_response>(replay("impacket_ept_lookup", "03-c2s-request.hex"));
  auto samba = samba_response<epm::ept_lookup_response>("impacket_ept_lookup", "04-s2c-response.hex");
  // Windows' convention: entries with status 0 and, on the last page, a
  // nil handle (rpcdump stops on it). Samba sends 0x16c9a0d6 here.
  EXPECT_EQ(ours.status, 0u);
  EXPECT_EQ(samba.status, epm::ept_s_not_registered);
  EXPECT_TRUE(ours.entry_handle.is_null());
  EXPECT_EQ(ours.max_ents, samba.max_ents);
  ASSERT_EQ(ours.entries.size(), 4u);
  EXPECT_EQ(ours.entries[0].annotation, "lsarpc");
  for (const auto& e : ours.entries) EXPECT_TRUE(Tower::decode(e.tower->tower_octet_string));
}

TEST_F(GoldenReplay, RpcclientEpmmapOverNamedPipe) {
  bind_from("rpcclient_epmmap");
  auto ours = decode_response<epm::ept_map_response>(replay("rpcclient_epmmap", "03-c2s-request.hex"));
  ASSERT_EQ(ours.status, 0u);
  ASSERT_EQ(ours.ITowers.size(), 1u);
  auto b = Tower::decode(ours.ITowers[0]->tower_octet_string).value().binding().value();
  EXPECT_EQ(b.protseq, binding::Protseq::ncacn_np);
  EXPECT_EQ(b.endpoint, "\\pipe\\lsarpc");
  EXPECT_EQ(ours.max_towers, 500u);
}

TEST_F(GoldenReplay, RpcclientFirstLookupPagesOneEntry) {
  bind_from("rpcclient_epmlookup");
  auto first = decode_response<epm::ept_lookup_response>(replay("rpcclient_epmlookup", "03-c2s-request.hex"));
  EXPECT_EQ(first.status, 0u);
  EXPECT_EQ(first.entries.size(), 1u);
  EXPECT_FALSE(first.entry_handle.is_null());  // three more to come
  EXPECT_EQ(server.core.groups.size(), 1u);
}

TEST_F(GoldenReplay, TruncatedEptMapFaultsBadStubDataLikeSamba) {
  bind_from("raw_ept_map_truncated");
  auto ours = replay("raw_ept_map_truncated", "03-c2s-request.hex");
  auto samba = pdu::decode(capture("raw_ept_map_truncated", "04-s2c-fault.hex")).value();
  ASSERT_EQ(ours.ptype(), pdu::PType::fault);
  EXPECT_EQ(ours.as<pdu::Fault>()->status, 0x6f7u);
  EXPECT_EQ(ours.as<pdu::Fault>()->status, samba.as<pdu::Fault>()->status);
  EXPECT_FALSE(client.closed);  // the connection stays
}

TEST_F(GoldenReplay, EpmOpnumOutOfRangeFaults) {
  bind_from("raw_epm_opnum_out_of_range");
  auto ours = replay("raw_epm_opnum_out_of_range", "03-c2s-request.hex");
  auto samba = pdu::decode(capture("raw_epm_opnum_out_of_range", "04-s2c-fault.hex")).value();
  EXPECT_EQ(ours.as<pdu::Fault>()->status, samba.as<pdu::Fault>()->status);
}

TEST_F(GoldenReplay, BigEndianMapAndLookup) {
  bind_from("raw_big_endian");
  auto map = replay("raw_big_endian", "03-c2s-request.hex");
  EXPECT_EQ(map.header.drep, Drep::big());
  auto ours = decode_response<epm::ept_map_response>(map);
  auto samba = samba_response<epm::ept_map_response>("raw_big_endian", "04-s2c-response.hex");
  EXPECT_EQ(ours.status, 0u);
  ASSERT_EQ(ours.ITowers.size(), samba.ITowers.size());
  auto lookup = decode_response<epm::ept_lookup_response>(replay("raw_big_endian", "05-c2s-request.hex"));
  EXPECT_EQ(lookup.status, 0u);
  EXPECT_EQ(lookup.entries.size(), 2u);  // max_ents 2 of 4
  EXPECT_FALSE(lookup.entry_handle.is_null());
}

TEST_F(GoldenReplay, FragmentedMapRequest) {
  bind_from("raw_fragmented_request");
  EXPECT_TRUE(client.feed(capture("raw_fragmented_request", "03-c2s-request.hex")).empty());
  auto sent = client.feed(capture("raw_fragmented_request", "04-c2s-request.hex"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(decode_response<epm::ept_map_response>(sent[0]).ITowers.size(), 1u);
}

TEST_F(GoldenReplay, ImpacketMgmtInqIfIds) {
  bind_from("impacket_mgmt_inq_if_ids");
  auto ours = decode_response<mgmt::rpc__mgmt_inq_if_ids_response>(replay("impacket_mgmt_inq_if_ids", "03-c2s-request.hex"));
  auto samba = samba_response<mgmt::rpc__mgmt_inq_if_ids_response>("impacket_mgmt_inq_if_ids", "04-s2c-response.hex");
  EXPECT_EQ(ours, samba);  // the EPM and mgmt, in that order
}

// One new context per bind, as Windows and Samba negotiate: the second
// context (mgmt) is refused with reason 2 and a call on it faults
// nca_s_unk_if, both octet for octet what Samba sent.
TEST_F(GoldenReplay, TwoContextBindAcceptsOnlyTheFirst) {
  const auto ack = bind_from("raw_bind_two_contexts");
  const auto samba_ack = pdu::decode(capture("raw_bind_two_contexts", "02-s2c-bind_ack.hex")).value();
  ASSERT_EQ(ack.ptype(), pdu::PType::bind_ack);
  EXPECT_EQ(ack.as<pdu::BindAck>()->results, samba_ack.as<pdu::BindAck>()->results);
  EXPECT_EQ(decode_response<epm::ept_map_response>(replay("raw_bind_two_contexts", "03-c2s-request.hex")).status, 0u);
  const auto fault = client.feed(capture("raw_bind_two_contexts", "05-c2s-request.hex"));
  ASSERT_EQ(fault.size(), 1u);
  EXPECT_EQ(client.keep.back(), capture("raw_bind_two_contexts", "06-s2c-fault.hex"));
}

}  // namespace
}  // namespace rampart::services::testing
