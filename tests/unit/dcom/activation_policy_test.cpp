// The activation floor: packet integrity by default; authnHint 1, 5 or 6.
#include <gtest/gtest.h>

#include "rampart/dcom/activation_policy.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampart::dcom {
namespace {

TEST(ActivationPolicy, DefaultFloorIsPacketIntegrity) {
  const ActivationPolicy p;
  EXPECT_FALSE(p.admits({AuthnLevel::none, 0}));
  EXPECT_FALSE(p.admits({AuthnLevel::connect, 10}));
  EXPECT_FALSE(p.admits({AuthnLevel::pkt, 10}));
  EXPECT_TRUE(p.admits({AuthnLevel::pkt_integrity, 10}));
  EXPECT_TRUE(p.admits({AuthnLevel::pkt_privacy, 10}));
  EXPECT_EQ(p.authn_hint(), 5u);
  EXPECT_EQ(ActivationPolicy::refusal(), hr::kAccessDenied);
}

TEST(ActivationPolicy, FloorsAndTheirHints) {
  EXPECT_EQ(ActivationPolicy{AuthnLevel::pkt_privacy}.authn_hint(), 6u);
  EXPECT_FALSE(ActivationPolicy{AuthnLevel::pkt_privacy}.admits({AuthnLevel::pkt_integrity, 10}));
  EXPECT_EQ(ActivationPolicy{AuthnLevel::none}.authn_hint(), 1u);
  EXPECT_TRUE(ActivationPolicy{AuthnLevel::none}.admits({}));
}

TEST(ActivationPolicy, CallSecurityReadsTheRuntimesContext) {
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};
  const std::string principal = "RAMPART\\alice";
  const runtime::CallContext ctx{peer,          group, 1, 0, 4, std::nullopt, Drep::little(), syntax::kNdr20, {},
                                 {10, 6, false, 3, principal}};
  EXPECT_EQ(call_security(ctx), (CallSecurity{AuthnLevel::pkt_privacy, 10, 3, principal}));
  EXPECT_TRUE(ActivationPolicy{}.admits(call_security(ctx)));
  // A level no sec_trailer can carry reads as unauthenticated.
  const runtime::CallContext odd{peer,          group, 1, 0, 4, std::nullopt, Drep::little(), syntax::kNdr20, {},
                                 {10, 7, false, 3, {}}};
  EXPECT_EQ(call_security(odd), CallSecurity{});
  // An anonymous NTLM logon authenticates no one: below every floor.
  const runtime::CallContext anon{peer,          group, 1, 0, 4, std::nullopt, Drep::little(), syntax::kNdr20, {},
                                  {10, 6, true, 3, {}}};
  EXPECT_EQ(call_security(anon), CallSecurity{});
}

TEST(ActivationPolicy, AnUnauthenticatedCallIsBelowTheDefaultFloor) {
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};
  const runtime::CallContext ctx{peer, group, 1, 0, 4, std::nullopt, Drep::little(), syntax::kNdr20, {}};
  EXPECT_EQ(call_security(ctx), CallSecurity{});
  EXPECT_FALSE(ActivationPolicy{}.admits(call_security(ctx)));
}

}  // namespace
}  // namespace rampart::dcom
