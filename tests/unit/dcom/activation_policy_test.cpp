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

TEST(ActivationPolicy, AnUnauthenticatedCallIsBelowTheDefaultFloor) {
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};
  const runtime::CallContext ctx{peer, group, 1, 0, 4, std::nullopt, Drep::little(), syntax::kNdr20, {}};
  EXPECT_EQ(call_security(ctx), CallSecurity{});
  EXPECT_FALSE(ActivationPolicy{}.admits(call_security(ctx)));
}

}  // namespace
}  // namespace rampart::dcom
