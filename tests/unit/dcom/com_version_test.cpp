// COMVERSION negotiation ([MS-DCOM] 1.7, 2.2.11) and the DCOM reaction table.
#include <gtest/gtest.h>

#include "rampart/dcom/com_version.hpp"
#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/fault_policy.hpp"
#include "rampart/dcom/hresult.hpp"

namespace rampart::dcom {
namespace {

TEST(ComVersion, EveryDefinedMinorIsAccepted) {
  for (std::uint16_t minor = 1; minor <= 7; ++minor) {
    auto v = negotiate({5, minor});
    ASSERT_TRUE(v) << minor;
    EXPECT_EQ(*v, (ComVersion{5, minor}));
  }
}

TEST(ComVersion, NewerMinorNegotiatesDownToOurs) { EXPECT_EQ(*negotiate({5, 9}), (ComVersion{5, 7})); }

TEST(ComVersion, OtherMajorsAndFiveZeroAreAVersionMismatchFault) {
  for (ComVersion v : {ComVersion{9, 9}, ComVersion{4, 7}, ComVersion{6, 0}, ComVersion{5, 0}, ComVersion{0, 0}}) {
    auto r = negotiate(v);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(Errc::version_mismatch));
    EXPECT_EQ(react(r.error()), (DcomReaction{DcomReaction::Kind::fault, hr::kVersionMismatch}));
  }
}

TEST(DcomFaultPolicy, ResolverErrorsAreReturnedAsStatus) {
  EXPECT_EQ(react(Error(Errc::unknown_set, "x")), (DcomReaction{DcomReaction::Kind::status, hr::kOrInvalidSet}));
  EXPECT_EQ(react(Error(Errc::unknown_oxid, "x")), (DcomReaction{DcomReaction::Kind::status, hr::kOrInvalidOxid}));
  EXPECT_EQ(react(Error(Errc::too_many_sets, "x")), (DcomReaction{DcomReaction::Kind::status, hr::kOutOfMemory}));
}

}  // namespace
}  // namespace rampart::dcom
