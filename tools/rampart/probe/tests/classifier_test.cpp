// Verdicts from reactions, and reactions from the octets a server sends.
#include <gtest/gtest.h>

#include "catalogue.hpp"
#include "classifier.hpp"
#include "rampart/pdu/pdu.hpp"
#include "rampart/pdu/status.hpp"

namespace rampart::probe {
namespace {

Reaction react(ReactionKind k, std::uint32_t code = 0, bool closed_after = false) {
  Reaction r;
  r.kind = k;
  r.code = code;
  r.closed_after = closed_after;
  return r;
}

const Probe& probe(std::string_view id) {
  const Probe* p = find_probe(id);
  EXPECT_NE(p, nullptr);
  return *p;
}

TEST(Classify, DocumentedReactionIsCorrect) {
  EXPECT_EQ(classify(probe("c6.no-contexts"), react(ReactionKind::bind_nak, 0, true), std::nullopt).verdict,
            Verdict::correct);
  EXPECT_EQ(classify(probe("c1.request-before-bind"), react(ReactionKind::closed), true).verdict, Verdict::correct);
}

TEST(Classify, KeepingAConnectionWindowsClosesIsDivergent) {
  auto c = classify(probe("c6.no-contexts"), react(ReactionKind::bind_nak, 0, false), std::nullopt);
  EXPECT_EQ(c.verdict, Verdict::divergent);
  EXPECT_NE(c.reason.find("kept"), std::string::npos);
  EXPECT_EQ(classify(probe("c6.unknown-context-id"),
                     react(ReactionKind::fault, pdu::status::kNcaUnknownInterface, true), std::nullopt)
                .verdict,
            Verdict::divergent);
}

TEST(Classify, AcceptingIsLenient) {
  EXPECT_EQ(classify(probe("c7.tower-length-mismatch"), react(ReactionKind::response), std::nullopt).verdict,
            Verdict::lenient);
  EXPECT_EQ(classify(probe("c2.alloc-hint-over-cap"), react(ReactionKind::silence), true).verdict, Verdict::lenient);
  // A handle refused inside the operation is not lenient, only different.
  EXPECT_EQ(classify(probe("epm.bogus-lookup-handle"), react(ReactionKind::response, 0x16c9a0d6), std::nullopt).verdict,
            Verdict::divergent);
  EXPECT_EQ(classify(probe("epm.bogus-lookup-handle"), react(ReactionKind::response, 0), std::nullopt).verdict,
            Verdict::lenient);
}

TEST(Classify, OtherRefusalsAreDivergent) {
  EXPECT_EQ(classify(probe("c1.version-minor"), react(ReactionKind::bind_nak, 0), std::nullopt).verdict,
            Verdict::divergent);
  EXPECT_EQ(classify(probe("c6.bind-ignored-flags"), react(ReactionKind::bind_nak, 4), std::nullopt).verdict,
            Verdict::divergent);
}

TEST(Classify, AHostThatStopsServingIsAVulnerablePattern) {
  // Even a reaction that is itself correct: the evidence is the dead host.
  auto c = classify(probe("c1.request-before-bind"), react(ReactionKind::closed), false);
  EXPECT_EQ(c.verdict, Verdict::vulnerable_pattern);
  EXPECT_EQ(classify(probe("c13.context-flood"), react(ReactionKind::silence), false).verdict,
            Verdict::vulnerable_pattern);
}

TEST(Classify, AResponseThatWrotePastTheBufferIsLenientWhateverItsStatus) {
  const Probe& p = probe("c8.princ-name-no-room");
  // An empty array with an error status is a refusal.
  EXPECT_EQ(p.inspect(std::vector<std::uint8_t>(16, 0)), "");
  EXPECT_EQ(classify(p, react(ReactionKind::response, 0x7a), std::nullopt).verdict, Verdict::correct);
  // "host/x\0" (7 elements) in a princ_name_size of 0, status insufficient buffer.
  std::vector<std::uint8_t> stub{0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 'h', 'o', 's', 't', '/', 'x', 0, 0, 0x7a, 0, 0, 0};
  auto r = react(ReactionKind::response, 0x7a);
  r.flaw = p.inspect(stub);
  EXPECT_NE(r.flaw.find("actual_count 7"), std::string::npos) << r.flaw;
  auto c = classify(p, r, std::nullopt);
  EXPECT_EQ(c.verdict, Verdict::lenient);
  EXPECT_NE(c.reason.find("actual_count 7"), std::string::npos) << c.reason;
}

TEST(Classify, NoConnectionIsInconclusive) {
  EXPECT_EQ(classify(probe("c1.version-minor"), react(ReactionKind::connect_failed), std::nullopt).verdict,
            Verdict::inconclusive);
  EXPECT_FALSE(is_finding(Verdict::inconclusive));
  EXPECT_FALSE(is_finding(Verdict::correct));
  EXPECT_TRUE(is_finding(Verdict::lenient));
}

TEST(ReactionFromPdu, BindNakWithExtendedError) {
  pdu::Pdu p;
  p.header.ptype = pdu::PType::bind_nak;
  // pad to 4, then the [MS-RPCE] 2.2.2.9 signature, little-endian.
  const std::vector<std::uint8_t> tail{0,    0,    0,    0x20, 0x03, 0x74, 0x90, 0xd0, 0xfa, 0xd3,
                                       0x11, 0x82, 0xd7, 0x00, 0x90, 0x27, 0xb1, 0x30, 0xab};
  p.body = pdu::BindNak{pdu::RejectReason::protocol_version_not_supported, {{5, 0}}, tail};
  const auto octets = pdu::encode(p);
  const auto r = reaction_from_pdu(octets);
  EXPECT_EQ(r.kind, ReactionKind::bind_nak);
  EXPECT_EQ(r.code, 4u);
  EXPECT_TRUE(r.extended_error);
}

TEST(ReactionFromPdu, FaultAndResponseStatus) {
  pdu::Pdu f;
  f.header.ptype = pdu::PType::fault;
  f.header.pfc_flags = pdu::pfc::kFirstLast | pdu::pfc::kDidNotExecute;
  f.body = pdu::Fault{32, 0, 0, 0, pdu::status::kNcaProtoError, 0, {}};
  auto r = reaction_from_pdu(pdu::encode(f));
  EXPECT_EQ(r.kind, ReactionKind::fault);
  EXPECT_EQ(r.code, pdu::status::kNcaProtoError);
  EXPECT_TRUE(r.did_not_execute);

  // A big-endian responder writes its status big-endian (C706 14.1).
  const std::vector<std::uint8_t> stub{0, 0, 0, 0, 0x16, 0xc9, 0xa0, 0xd6};
  pdu::Pdu resp;
  resp.header.ptype = pdu::PType::response;
  resp.header.drep.int_rep = IntRep::big_endian;
  resp.body = pdu::Response{8, 0, 0, 0, stub};
  r = reaction_from_pdu(pdu::encode(resp));
  EXPECT_EQ(r.kind, ReactionKind::response);
  EXPECT_EQ(r.code, 0x16c9a0d6u);

  const std::vector<std::uint8_t> junk{5, 0, 12, 3, 0x10, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(reaction_from_pdu(junk).kind, ReactionKind::malformed);
}

}  // namespace
}  // namespace rampart::probe
