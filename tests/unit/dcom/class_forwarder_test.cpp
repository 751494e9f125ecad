// validate_forwarded: what an out-of-process class server answers is
// checked before rampartd relays any of it.
#include "rampart/dcom/class_forwarder.hpp"

#include <gtest/gtest.h>

#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/objref.hpp"

namespace rampart::dcom {
namespace {

const Uuid kIid = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02");
const Uuid kIid2 = Uuid::from_string("00000000-0000-0000-c000-000000000046");
const Uuid kIpid = Uuid::from_string("11111111-2222-4333-8444-555555555555");
const Uuid kIpid2 = Uuid::from_string("11111111-2222-4333-8444-666666666666");
const ForwardedExporter kExporter{0xabc, 40000, Uuid::from_string("99999999-2222-4333-8444-555555555555"),
                                  AuthnLevel::pkt_integrity};

InterfaceResult ok(Uuid ipid = kIpid, Oid oid = 0x77) { return {hr::kOk, {0, 1, kExporter.oxid, oid, ipid}}; }

std::optional<std::string> check(std::vector<InterfaceResult> results, std::vector<Uuid> iids = {kIid}) {
  return validate_forwarded(kExporter, iids, results);
}

TEST(ValidateForwarded, AWellFormedAnswerPasses) {
  EXPECT_EQ(check({ok()}), std::nullopt);
  EXPECT_EQ(check({ok(), ok(kIpid2)}, {kIid, kIid2}), std::nullopt);
  EXPECT_EQ(check({ok(), {hr::kNoInterface, {}}}, {kIid, kIid2}), std::nullopt);
  auto noping = ok();
  noping.std.flags = kSorfNoPing;
  EXPECT_EQ(check({noping}), std::nullopt);
}

TEST(ValidateForwarded, CountsMustMatch) {
  EXPECT_NE(check({ok(), ok(kIpid2)}), std::nullopt);
  EXPECT_NE(check({}, {kIid}), std::nullopt);
}

TEST(ValidateForwarded, EveryFieldOfAnInterfaceIsChecked) {
  auto other_oxid = ok();
  other_oxid.std.oxid = 0xdef;
  EXPECT_EQ(check({other_oxid}), "an interface on another OXID than the registered one");
  EXPECT_EQ(check({ok(kIpid, 0)}), "a zero OID");
  EXPECT_EQ(check({ok(Uuid{})}), "a nil IPID");
  EXPECT_EQ(check({ok(kExporter.ipid_rem_unknown)}), "an interface on the IRemUnknown IPID");
  auto flags = ok();
  flags.std.flags = 0x2;
  EXPECT_EQ(check({flags}), "STDOBJREF flags other than SORF_NOPING");
  auto refs = ok();
  refs.std.public_refs = 0;
  EXPECT_EQ(check({refs}), "a public reference count out of range");
  refs.std.public_refs = 0x80000000u;
  EXPECT_EQ(check({refs}), "a public reference count out of range");
  EXPECT_EQ(check({{0x00000001, {}}}), "a result that is neither S_OK nor a failure HRESULT");
  EXPECT_EQ(check({ok(kIpid, 1), ok(kIpid2, 2)}, {kIid, kIid2}), "interfaces of one instance on different OIDs");
}

}  // namespace
}  // namespace rampart::dcom
