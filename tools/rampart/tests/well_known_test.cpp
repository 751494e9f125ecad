// The interface name table: well formed, sorted, and naming the interfaces
// the endpoint mapper and DCOM runtime are known by.
#include <gtest/gtest.h>

#include <set>

#include "well_known.hpp"

namespace rampart::cli {
namespace {

TEST(WellKnown, EveryUuidParsesAndTheTableIsSortedWithoutDuplicates) {
  const auto table = well_known_interfaces();
  ASSERT_GT(table.size(), 30u);
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < table.size(); ++i) {
    auto u = Uuid::parse(table[i].uuid);
    ASSERT_TRUE(u) << table[i].uuid;
    EXPECT_EQ(u->to_string(), table[i].uuid) << "not lower-case canonical";
    EXPECT_TRUE(seen.insert(table[i].uuid).second) << table[i].uuid << " twice";
    if (i > 0) {
      EXPECT_LT(table[i - 1].uuid, table[i].uuid);
    }
    EXPECT_FALSE(table[i].name.empty());
    EXPECT_FALSE(table[i].spec.empty());
  }
}

TEST(WellKnown, NamesTheCoreInterfaces) {
  struct Case {
    const char* uuid;
    const char* name;
    std::uint16_t major;
  };
  for (const Case& c : {Case{"e1af8308-5d1f-11c9-91a4-08002b14a0fa", "epm", 3},
                        Case{"afa8bd80-7d8a-11c9-bef4-08002b102989", "mgmt", 1},
                        Case{"12345778-1234-abcd-ef00-0123456789ab", "lsarpc", 0},
                        Case{"12345778-1234-abcd-ef00-0123456789ac", "samr", 1},
                        Case{"12345678-1234-abcd-ef00-01234567cffb", "netlogon", 1},
                        Case{"e3514235-4b06-11d1-ab04-00c04fc2dcd2", "drsuapi", 4},
                        Case{"4b324fc8-1670-01d3-1278-5a47bf6ee188", "srvsvc", 3},
                        Case{"6bffd098-a112-3610-9833-46c3f87e345a", "wkssvc", 1},
                        Case{"338cd001-2244-31f1-aaaa-900038001003", "winreg", 1},
                        Case{"367abb81-9844-35f1-ad32-98f038001003", "svcctl", 2},
                        Case{"12345678-1234-abcd-ef00-0123456789ab", "spoolss", 1},
                        Case{"82273fdc-e32a-18c3-3f78-827929dc23ea", "eventlog", 0},
                        Case{"1ff70682-0a51-30e8-076d-740be8cee98b", "atsvc", 1},
                        Case{"4d9f4ab8-7d1c-11cf-861e-0020af6e7c57", "IRemoteActivation", 0},
                        Case{"99fcfec4-5260-101b-bbcb-00aa0021347a", "IObjectExporter", 0},
                        Case{"000001a0-0000-0000-c000-000000000046", "ISystemActivator", 0},
                        Case{"00000131-0000-0000-c000-000000000046", "IRemUnknown", 0},
                        Case{"00000143-0000-0000-c000-000000000046", "IRemUnknown2", 0}}) {
    const auto* w = find_well_known(Uuid::from_string(c.uuid));
    ASSERT_NE(w, nullptr) << c.uuid;
    EXPECT_EQ(w->name, c.name);
    EXPECT_EQ(w->major, c.major) << c.name;
  }
}

TEST(WellKnown, FindsByNameOrSpecIgnoringCase) {
  ASSERT_NE(find_well_known("LSARPC"), nullptr);
  EXPECT_EQ(find_well_known("LSARPC")->uuid, "12345778-1234-abcd-ef00-0123456789ab");
  ASSERT_NE(find_well_known("ms-samr"), nullptr);
  EXPECT_EQ(find_well_known("ms-samr")->name, "samr");
  EXPECT_EQ(find_well_known("no-such-interface"), nullptr);
}

TEST(WellKnown, LabelsKnownAndUnknownUuids) {
  EXPECT_EQ(label_for(Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa")), "epm (C706)");
  EXPECT_EQ(label_for(Uuid::from_string("6e2e2a5e-1f0b-4d1c-9a77-52414d504152")), "");
}

}  // namespace
}  // namespace rampart::cli
