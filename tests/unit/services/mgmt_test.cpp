// The management interface through a real Association (mgmt_service.hpp).
#include "rampart/security/errc.hpp"
#include "services_fixture.hpp"

namespace rampart::services::testing {
namespace {

struct Mgmt : ::testing::Test {
  Mgmt() { client.bind(); }
  Server server;
  Client client{server, tcp_peer()};
};

TEST_F(Mgmt, InqIfIdsListsTheRegistry) {
  auto r = client.rpc<mgmt::rpc__mgmt_inq_if_ids_response>(0, mgmt::rpc__mgmt_inq_if_ids_request{}, 1);
  EXPECT_EQ(r.status, 0u);
  ASSERT_TRUE(r.if_id_vector);
  ASSERT_EQ(r.if_id_vector->if_id.size(), 2u);
  EXPECT_EQ(r.if_id_vector->if_id[0]->Uuid, epm::ept_descriptor().syntax.uuid);
  EXPECT_EQ(r.if_id_vector->if_id[1]->Uuid, mgmt::mgmt_descriptor().syntax.uuid);
}

TEST_F(Mgmt, InqStatsBoundedByCount) {
  auto four = client.rpc<mgmt::rpc__mgmt_inq_stats_response>(1, mgmt::rpc__mgmt_inq_stats_request{10}, 1);
  ASSERT_EQ(four.statistics.size(), 4u);
  EXPECT_GE(four.statistics[0], 1u);  // this call is counted in
  EXPECT_EQ(client.rpc<mgmt::rpc__mgmt_inq_stats_response>(1, mgmt::rpc__mgmt_inq_stats_request{2}, 1).statistics.size(), 2u);
  EXPECT_TRUE(client.rpc<mgmt::rpc__mgmt_inq_stats_response>(1, mgmt::rpc__mgmt_inq_stats_request{0}, 1).statistics.empty());
}

TEST_F(Mgmt, InqStatsAcceptsSambasTwoWordRequest) {
  const std::vector<std::uint8_t> samba{4, 0, 0, 0, 0, 0, 0, 0};  // max_count, unknown
  auto p = client.call(1, samba, 1);
  ASSERT_EQ(p.ptype(), pdu::PType::response);
  auto r = ndr::decode_stub<mgmt::rpc__mgmt_inq_stats_response>(p.as<pdu::Response>()->stub, p.header.drep);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->statistics.size(), 4u);
  // C706's one-word request and anything after count are read alike.
  EXPECT_EQ(client.call(1, std::vector<std::uint8_t>{4, 0, 0, 0}, 1).ptype(), pdu::PType::response);
  EXPECT_EQ(client.call(1, std::vector<std::uint8_t>(12, 0), 1).ptype(), pdu::PType::response);
  EXPECT_EQ(client.fault_of(1, std::vector<std::uint8_t>{4, 0}, 1), 0x6f7u);
}

TEST_F(Mgmt, IsServerListeningFollowsTheCore) {
  auto r = client.rpc<mgmt::rpc__mgmt_is_server_listening_response>(2, mgmt::rpc__mgmt_is_server_listening_request{}, 1);
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.return_value, 1u);
  server.core.listening = false;
  EXPECT_EQ(client.rpc<mgmt::rpc__mgmt_is_server_listening_response>(2, mgmt::rpc__mgmt_is_server_listening_request{}, 1).return_value, 0u);
}

TEST_F(Mgmt, StopServerListeningIsRefusedAndStopsNothing) {
  auto r = client.rpc<mgmt::rpc__mgmt_stop_server_listening_response>(3, mgmt::rpc__mgmt_stop_server_listening_request{}, 1);
  EXPECT_EQ(r.status, kRpcAccessDenied);
  EXPECT_TRUE(server.core.listening.load());
}

TEST_F(Mgmt, InqPrincNameRespectsTheRequestedSize) {
  for (std::uint32_t size : {1u, 16u, 1025u}) {
    auto r = client.rpc<mgmt::rpc__mgmt_inq_princ_name_response>(4, mgmt::rpc__mgmt_inq_princ_name_request{10, size}, 1);
    EXPECT_EQ(r.princ_name_size, size);
    EXPECT_EQ(r.princ_name, "");
    EXPECT_EQ(r.status, kRpcUnknownAuthnService);
  }
  auto zero = ndr::encode_stub(mgmt::rpc__mgmt_inq_princ_name_request{10, 0}, Drep::little()).value();
  EXPECT_EQ(client.fault_of(4, zero, 1), kRpcInvalidBound);
}

// A provider that only names its principal: inq_princ_name needs no more.
class NamedProvider : public security::SecurityProvider {
 public:
  std::uint8_t auth_type() const noexcept override { return security::auth_type::kNtlm; }
  std::string name() const override { return "NTLMSSP"; }
  std::string principal() const override { return "RAMPART\\rampartd"; }
  Result<std::unique_ptr<security::SecurityContext>> new_acceptor() override {
    return fail(security::Errc::gss_failure, "not in this test");
  }
  Result<std::unique_ptr<security::SecurityContext>> new_initiator(const std::string&, security::AuthLevel) override {
    return fail(security::Errc::gss_failure, "not in this test");
  }
};

TEST_F(Mgmt, InqPrincNameReturnsTheProvidersPrincipal) {
  auto registry = std::make_shared<security::ProviderRegistry>();
  registry->add(std::make_shared<NamedProvider>());
  server.core.set_providers(registry);
  auto r = client.rpc<mgmt::rpc__mgmt_inq_princ_name_response>(4, mgmt::rpc__mgmt_inq_princ_name_request{10, 64}, 1);
  EXPECT_EQ(r.princ_name, "RAMPART\\rampartd");
  EXPECT_EQ(r.status, 0u);
  // Too small for the name and its terminator: empty, ERROR_INSUFFICIENT_BUFFER.
  r = client.rpc<mgmt::rpc__mgmt_inq_princ_name_response>(4, mgmt::rpc__mgmt_inq_princ_name_request{10, 16}, 1);
  EXPECT_EQ(r.princ_name, "");
  EXPECT_EQ(r.status, kInsufficientBuffer);
  // An authentication service no provider serves.
  r = client.rpc<mgmt::rpc__mgmt_inq_princ_name_response>(4, mgmt::rpc__mgmt_inq_princ_name_request{16, 64}, 1);
  EXPECT_EQ(r.status, kRpcUnknownAuthnService);
}

TEST_F(Mgmt, TruncatedStubsFaultAndOpnumsAreBounded) {
  EXPECT_EQ(client.fault_of(4, std::vector<std::uint8_t>{1, 0, 0, 0}, 1), 0x6f7u);
  // inq_if_ids has no [in] parameter: whatever follows is ignored
  // (raw_protocol test_neg_xmit_* sends thousands of zero octets).
  EXPECT_EQ(client.call(0, std::vector<std::uint8_t>(2024, 0), 1).ptype(), pdu::PType::response);
  EXPECT_EQ(client.fault_of(5, {}, 1), pdu::status::kNcaOpRangeError);
  EXPECT_FALSE(client.closed);
}

}  // namespace
}  // namespace rampart::services::testing
