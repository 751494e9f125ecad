// The reactions src/runtime/fault_policy.cpp chooses for authentication
// errors, each against the Windows behaviour Samba's raw_protocol suite
// records for it.
#include "rampart/runtime/fault_policy.hpp"

#include <gtest/gtest.h>

#include "rampart/pdu/status.hpp"
#include "rampart/runtime/errc.hpp"
#include "rampart/security/errc.hpp"

namespace rampart::runtime {
namespace {

// test_spnego_privacy_bind_none/_sign: the alter_context leg that completes
// an exchange without SEAL at the privacy level faults
// DCERPC_FAULT_SEC_PKG_ERROR with DID_NOT_EXECUTE, and the connection ends.
TEST(FaultPolicyAuth, MissingSealOnTheLastLegIsSecPkgError) {
  const Error e(security::Errc::feature_not_negotiated, "no SEAL", 10);
  const Reaction r = react(e, Phase::altering);
  EXPECT_EQ(r.kind, Reaction::Kind::fault);
  EXPECT_EQ(r.fault_status, pdu::status::kSecPkgError);
  EXPECT_TRUE(r.did_not_execute);
  EXPECT_TRUE(r.close_after);
  // On a bind (a two-leg exchange finishing there) it is a bind_nak.
  const Reaction b = react(e, Phase::binding);
  EXPECT_EQ(b.kind, Reaction::Kind::bind_nak);
  EXPECT_EQ(b.nak_reason, pdu::RejectReason::reason_not_specified);
}

// test_ntlmssp_multi_auth_first1_firstSame2: a first fragment that repeats
// the reassembling call under another security context.
TEST(FaultPolicyAuth, FirstFragmentSwitchingContextIsSecPkgErrorAndClose) {
  const Reaction r = react(Error(Errc::first_fragment_switches_auth, "switch", 10), Phase::in_call);
  EXPECT_EQ(r, (Reaction{Reaction::Kind::fault, {}, pdu::status::kSecPkgError, false, true}));
}

// test_ntlmssp_multi_auth_first1_lastSameNone: a later fragment without
// the verifier its call's level requires.
TEST(FaultPolicyAuth, LaterFragmentWithoutVerifierIsProtoErrorAndClose) {
  const Reaction r = react(Error(Errc::fragment_verifier_missing, "none", 10), Phase::in_call);
  EXPECT_EQ(r, (Reaction{Reaction::Kind::fault, {}, pdu::status::kNcaProtoError, false, true}));
}

}  // namespace
}  // namespace rampart::runtime
