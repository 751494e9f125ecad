// Output forms: JSON lines carry every field docs/probe.md names, CSV quotes
// what needs quoting, the summary table follows the target order.
#include <gtest/gtest.h>

#include "catalogue.hpp"
#include "report.hpp"

namespace rampart::probe {
namespace {

HostReport host(std::size_t index, std::string target, Verdict v) {
  HostReport r;
  r.index = index;
  r.target = std::move(target);
  r.address = "192.0.2.1";
  r.baseline.reachable = r.baseline.bound = true;
  ProbeResult p;
  p.probe = find_probe("c1.version-minor");
  p.reaction.kind = ReactionKind::bind_nak;
  p.reaction.code = 0;
  p.classification = {v, "bind_nak reason 0, with \"quotes\", and commas"};
  r.results.push_back(p);
  r.fingerprint = {"Windows", "", "low", {"no Samba or rampartd marker"}};
  return r;
}

TEST(Report, Json) {
  const auto j = to_json(host(0, "a.test", Verdict::divergent));
  EXPECT_EQ(j["target"], "a.test");
  EXPECT_EQ(j["state"], "probed");
  EXPECT_EQ(j["finding"], true);
  EXPECT_EQ(j["counts"]["divergent"], 1);
  EXPECT_EQ(j["fingerprint"]["family"], "Windows");
  ASSERT_EQ(j["probes"].size(), 1u);
  EXPECT_EQ(j["probes"][0]["id"], "c1.version-minor");
  EXPECT_EQ(j["probes"][0]["class"], "C1");
  EXPECT_EQ(j["probes"][0]["reaction"]["kind"], "bind_nak");
  EXPECT_TRUE(j["baseline"].contains("mgmt"));
}

TEST(Report, CsvQuotes) {
  const auto csv = to_csv(host(0, "a.test", Verdict::divergent));
  EXPECT_NE(csv.find("\"bind_nak reason 0, with \"\"quotes\"\", and commas\""), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1);
  EXPECT_EQ(csv_header().substr(0, 23), "target,address,probe,cl");
}

TEST(Report, TableInTargetOrderWithTotals) {
  std::vector<SummaryRow> rows{summarize(host(1, "second.test", Verdict::correct)),
                               summarize(host(0, "first.test", Verdict::lenient))};
  const auto t = summary_table(rows);
  EXPECT_LT(t.find("first.test"), t.find("second.test"));
  EXPECT_NE(t.find("c1.version-minor=lenient"), std::string::npos);
  EXPECT_NE(t.find("2 hosts, 1 with findings; probes: 1 correct, 1 lenient"), std::string::npos) << t;
}

}  // namespace
}  // namespace rampart::probe
