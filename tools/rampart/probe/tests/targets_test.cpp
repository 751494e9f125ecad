// Target expansion: CIDR ranges without network and broadcast addresses,
// the host limit, and target files.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "targets.hpp"

namespace rampart::probe {
namespace {

TEST(Targets, HostsPassThrough) {
  std::vector<std::string> out;
  ASSERT_TRUE(expand_target("example.test", 10, out));
  ASSERT_TRUE(expand_target(" ::1 ", 10, out));
  EXPECT_EQ(out, (std::vector<std::string>{"example.test", "::1"}));
}

TEST(Targets, CidrRanges) {
  std::vector<std::string> out;
  ASSERT_TRUE(expand_target("10.1.2.3/30", 100, out));
  EXPECT_EQ(out, (std::vector<std::string>{"10.1.2.1", "10.1.2.2"}));
  out.clear();
  ASSERT_TRUE(expand_target("10.1.2.3/31", 100, out));
  EXPECT_EQ(out, (std::vector<std::string>{"10.1.2.2", "10.1.2.3"}));
  out.clear();
  ASSERT_TRUE(expand_target("192.168.7.9/32", 100, out));
  EXPECT_EQ(out, (std::vector<std::string>{"192.168.7.9"}));
  out.clear();
  ASSERT_TRUE(expand_target("172.16.0.0/24", 254, out));
  EXPECT_EQ(out.size(), 254u);
  EXPECT_EQ(out.front(), "172.16.0.1");
  EXPECT_EQ(out.back(), "172.16.0.254");
}

TEST(Targets, RefusesAbsurdRangesAndBadInput) {
  std::vector<std::string> out;
  auto r = expand_target("10.0.0.0/8", 4096, out);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("16777214 hosts"), std::string::npos) << r.error();
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(expand_target("0.0.0.0/0", 4096, out));
  EXPECT_FALSE(expand_target("10.0.0.0/33", 4096, out));
  EXPECT_FALSE(expand_target("10.0.0.0/x", 4096, out));
  EXPECT_FALSE(expand_target("fe80::/64", 4096, out));
  EXPECT_FALSE(expand_target("", 4096, out));
  ASSERT_TRUE(expand_target("10.0.0.0/24", 300, out));
  EXPECT_FALSE(expand_target("10.0.1.0/24", 300, out));  // the limit counts every target
}

TEST(Targets, File) {
  const std::string path = ::testing::TempDir() + "rampart_probe_targets.txt";
  {
    std::ofstream f(path);
    f << "# lab\n10.9.9.8/30   # two hosts\n\nhost.test\n";
  }
  std::vector<std::string> out;
  ASSERT_TRUE(read_targets_file(path, 100, out));
  EXPECT_EQ(out, (std::vector<std::string>{"10.9.9.9", "10.9.9.10", "host.test"}));
  {
    std::ofstream f(path);
    f << "10.0.0.0/99\n";
  }
  auto bad = read_targets_file(path, 100, out);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find(":1:"), std::string::npos);
  std::remove(path.c_str());
  EXPECT_FALSE(read_targets_file(path, 100, out));
}

}  // namespace
}  // namespace rampart::probe
