// The authentication policy's decisions, and its effect on a real
// association (a denial faults access denied and keeps the connection).
#include "rampart/runtime/auth_policy.hpp"

#include <gtest/gtest.h>

#include "association_fixture.hpp"

namespace rampart::runtime::testing {
namespace {

const Uuid kMgmt = Uuid::from_string("afa8bd80-7d8a-11c9-bef4-08002b102989");

PeerInfo remote() { return PeerInfo{}; }
PeerInfo local() {
  PeerInfo p;
  p.transport = TransportKind::local;
  return p;
}

constexpr CallAuth kNone{};
constexpr CallAuth kAnonymous{10, 2, true};
constexpr CallAuth kNtlmIntegrity{10, 5, false};
constexpr CallAuth kSpnegoPrivacy{9, 6, false};

TEST(AuthPolicy, NoneAllowsEverything) {
  const AuthPolicy p;
  EXPECT_FALSE(p.check(kMgmt, 0, remote(), kNone));
  EXPECT_FALSE(p.check(epm_interface_uuid(), 3, remote(), kAnonymous));
}

TEST(AuthPolicy, AuthenticatedModeRefusesRemoteUnauthenticatedAndAnonymous) {
  AuthPolicy p;
  p.restrict = RestrictMode::authenticated;
  EXPECT_TRUE(p.check(kMgmt, 0, remote(), kNone));
  EXPECT_TRUE(p.check(kMgmt, 0, remote(), kAnonymous));
  EXPECT_TRUE(p.check(epm_interface_uuid(), 3, remote(), kNone));
  EXPECT_FALSE(p.check(kMgmt, 0, remote(), kNtlmIntegrity));
  EXPECT_FALSE(p.check(kMgmt, 0, local(), kNone)) << "local callers are not remote";
}

TEST(AuthPolicy, ExceptEpmLetsTheEndpointMapperThrough) {
  AuthPolicy p;
  p.restrict = RestrictMode::authenticated_except_epm;
  EXPECT_FALSE(p.check(epm_interface_uuid(), 3, remote(), kNone));
  EXPECT_TRUE(p.check(kMgmt, 0, remote(), kNone));
  p.epm_requires_auth = true;
  EXPECT_TRUE(p.check(epm_interface_uuid(), 3, remote(), kNone));
  EXPECT_TRUE(p.check(epm_interface_uuid(), 3, local(), kNone)) << "epm_requires_auth holds for local callers too";
  EXPECT_FALSE(p.check(epm_interface_uuid(), 3, remote(), kNtlmIntegrity));
}

TEST(AuthPolicy, FirstMatchingRuleDecidesLevelAndTypes) {
  AuthPolicy p;
  p.rules.push_back(AuthRule{kMgmt, {4}, 6, {}});           // mgmt opnum 4: privacy
  p.rules.push_back(AuthRule{kMgmt, {}, 5, {9}});           // rest of mgmt: SPNEGO, integrity
  p.rules.push_back(AuthRule{std::nullopt, {}, 1, {}});     // everything else: anything
  EXPECT_TRUE(p.check(kMgmt, 4, remote(), kNtlmIntegrity));
  EXPECT_FALSE(p.check(kMgmt, 4, remote(), kSpnegoPrivacy));
  EXPECT_TRUE(p.check(kMgmt, 0, remote(), kNtlmIntegrity)) << "NTLM is not allowed for the rest of mgmt";
  EXPECT_FALSE(p.check(kMgmt, 0, remote(), kSpnegoPrivacy));
  EXPECT_FALSE(p.check(epm_interface_uuid(), 3, remote(), kNone));
}

TEST(AuthPolicy, DenialFaultsAccessDeniedAndKeepsTheConnection) {
  Harness h;
  auto policy = std::make_shared<AuthPolicy>();
  policy->rules.push_back(AuthRule{kEchoSyntax.uuid, {0}, 5, {}});
  h.core.set_policy(policy);
  h.bind_echo();
  auto sent = h.send(h.request(0, std::vector<std::uint8_t>{1, 2}));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kAccessDenied);
  EXPECT_TRUE(sent[0].header.has_flag(pdu::pfc::kDidNotExecute));
  EXPECT_FALSE(h.closed);
  sent = h.send(h.request(2, std::vector<std::uint8_t>{1, 2}, 3));  // opnum 2 has no rule
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fault_status(sent[0]), pdu::status::kRpcBadStubData) << "reached the handler";
}

}  // namespace
}  // namespace rampart::runtime::testing
