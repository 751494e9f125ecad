// Fingerprint rules: each claim needs its marker, and says why.
#include <gtest/gtest.h>

#include "catalogue.hpp"
#include "fingerprint.hpp"

namespace rampart::probe {
namespace {

Baseline served(std::vector<std::string> annotations = {}, std::size_t entries = 5) {
  Baseline b;
  b.reachable = b.bound = b.lookup_ok = true;
  b.entries = entries;
  b.annotations = std::move(annotations);
  return b;
}

ProbeResult result(std::string_view id, Verdict v, ReactionKind k = ReactionKind::fault) {
  ProbeResult r;
  r.probe = find_probe(id);
  EXPECT_NE(r.probe, nullptr) << id;
  r.reaction.kind = k;
  r.classification.verdict = v;
  return r;
}

TEST(Fingerprint, NothingToGoOn) {
  Baseline down;
  down.error = "connection refused";
  EXPECT_EQ(fingerprint(down, {}).family, "unknown");
  EXPECT_EQ(fingerprint(down, {}).confidence, "none");
  EXPECT_EQ(fingerprint(served({}, 0), {}).family, "unknown");  // an empty map is not Windows
}

TEST(Fingerprint, RampartdNamesItselfAndBehavesSo) {
  const auto b = served({"lsarpc", "rampartd endpoint mapper"});
  auto f = fingerprint(b, {});
  EXPECT_EQ(f.family, "rampartd");
  EXPECT_EQ(f.confidence, "medium");  // the annotation alone
  f = fingerprint(b, {result("c7.lookup-max-ents-over-range", Verdict::correct),
                      result("c6.unknown-assoc-group", Verdict::correct, ReactionKind::bind_nak)});
  EXPECT_EQ(f.confidence, "high");
  EXPECT_EQ(f.evidence.size(), 3u);
  auto copied = b;  // the annotation on a host that pages as Samba
  copied.status_with_entries = true;
  f = fingerprint(copied, {result("c7.lookup-max-ents-over-range", Verdict::correct),
                           result("c6.unknown-assoc-group", Verdict::correct, ReactionKind::bind_nak)});
  EXPECT_EQ(f.family, "rampartd");
  EXPECT_EQ(f.confidence, "medium");
}

TEST(Fingerprint, SambaByItsLookupPagingAndMore) {
  auto b = served({"epmapper"});
  b.status_with_entries = true;
  b.dcom_offered = true;  // not Samba's: the annotation is the one further marker
  auto f = fingerprint(b, {});
  EXPECT_EQ(f.family, "Samba");
  EXPECT_EQ(f.confidence, "medium");  // paging and one annotation
  EXPECT_EQ(f.version, "4");
  b.dcom_offered = false;  // no DCOM on 135 is a second
  EXPECT_EQ(fingerprint(b, {}).confidence, "high");
  b.dcom_offered = true;
  f = fingerprint(b, {result("c7.lookup-max-ents-over-range", Verdict::lenient, ReactionKind::response),
                      result("c3.middle-fragment-alone", Verdict::correct),
                      result("c3.first-twice", Verdict::correct)});
  EXPECT_EQ(f.confidence, "high");
  EXPECT_EQ(f.version, "4 (2016 or later)");
  EXPECT_GE(f.evidence.size(), 4u);
}

TEST(Fingerprint, WindowsOnlyAsFarAsTheMarkersGo) {
  auto b = served({"", "Impl friendly name"});
  auto f = fingerprint(b, {});
  EXPECT_EQ(f.family, "Windows");
  EXPECT_EQ(f.confidence, "low");
  EXPECT_EQ(f.version, "");
  b.dcom_offered = true;  // ServerAlive2 answered
  b.dcom_version = "5.7";
  EXPECT_EQ(fingerprint(b, {}).confidence, "medium");
  b.mgmt_interfaces = {"e1af8308-5d1f-11c9-91a4-08002b14a0fa", "99fcfec4-5260-101b-bbcb-00aa0021347a"};
  EXPECT_EQ(fingerprint(b, {}).confidence, "medium");  // the same marker seen twice
  auto nak = result("c1.version-minor", Verdict::correct, ReactionKind::bind_nak);
  nak.reaction.extended_error = true;
  f = fingerprint(b, {nak});
  EXPECT_EQ(f.confidence, "high");
  EXPECT_EQ(f.version, "XP/2003 or later");
}

}  // namespace
}  // namespace rampart::probe
