// [dcom] default_launch, default_access and [[dcom.class_security]].
#include <gtest/gtest.h>

#include "config.hpp"

namespace rampartd {
namespace {

using rampart::dcom::ClassPermissions;

const rampart::Uuid kEcho = rampart::Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01");
const rampart::Uuid kOther = rampart::Uuid::from_string("11111111-2222-3333-4444-555555555555");

ClassPermissions permissions(std::string_view text) {
  auto c = parse_config(text, "test.toml");
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error());
  return c ? c->dcom.permissions : ClassPermissions{};
}

std::string parse_error(std::string_view text) {
  auto c = parse_config(text, "test.toml");
  EXPECT_FALSE(c.has_value());
  return c ? "" : c.error();
}

TEST(ConfigDcomSecurity, TheDefaultsAdmitEveryCallerAtTheFloor) {
  const auto p = permissions("");
  EXPECT_EQ(p, ClassPermissions{});
  EXPECT_TRUE(p.may_launch(kEcho, "RAMPART\\anyone"));
  EXPECT_TRUE(p.may_access(kEcho, ""));
  EXPECT_EQ(permissions("[dcom]\ndefault_launch = [\"*\"]\ndefault_access = [\"*\"]\n"), ClassPermissions{});
}

TEST(ConfigDcomSecurity, ReadsDefaultsAndPerClassLists) {
  const auto p = permissions(R"([dcom]
default_launch = ["RAMPART\\*", "*@EXAMPLE.ORG"]
default_access = []
[[dcom.class_security]]
clsid = "7F1B2C3D-0A4E-4C5F-9D6E-2B8A1C0E5F01"
launch = ["RAMPART\\alice"]
access = ["RAMPART\\alice", "bob@EXAMPLE.ORG"]
[[dcom.class_security]]
clsid = "{11111111-2222-3333-4444-555555555555}"
access = ["*"]
)");
  EXPECT_EQ(p.classes().size(), 2u);
  EXPECT_TRUE(p.may_launch(kEcho, "rampart\\Alice"));
  EXPECT_FALSE(p.may_launch(kEcho, "RAMPART\\bob"));
  EXPECT_TRUE(p.may_access(kEcho, "BOB@example.org"));
  EXPECT_TRUE(p.may_launch(kOther, "RAMPART\\bob"));       // the default launch list
  EXPECT_TRUE(p.may_launch(kOther, "carol@EXAMPLE.ORG"));
  EXPECT_FALSE(p.may_launch(kOther, "OTHER\\bob"));
  EXPECT_TRUE(p.may_access(kOther, "OTHER\\bob"));         // its own access list
  const auto unlisted = rampart::Uuid::from_string("22222222-2222-3333-4444-555555555555");
  EXPECT_FALSE(p.may_access(unlisted, "RAMPART\\alice"));  // default_access = []: no one
}

TEST(ConfigDcomSecurity, BadValuesAreRefusedWithFileLineAndReason) {
  EXPECT_EQ(parse_error("[dcom]\ndefault_launch = \"*\"\n"),
            "test.toml:2:18: default_launch must be an array of principals");
  EXPECT_EQ(parse_error("[dcom]\ndefault_access = [\"alice\"]\n"),
            "test.toml:2:18: default_access: permission entry 'alice' must be \"*\", DOMAIN\\user, user@REALM, "
            "DOMAIN\\* or *@REALM");
  EXPECT_EQ(parse_error("[dcom]\ndefault_launch = [\"RAMPART\\\\al\\u0007ice\"]\n"),
            "test.toml:2:18: default_launch: a permission entry holds a control character");
  EXPECT_EQ(parse_error("[dcom]\ndefault_launch = [1]\n").find("test.toml:2:19"), 0u);
  EXPECT_EQ(parse_error("[dcom]\nclass_security = 1\n"),
            "test.toml:2:18: class_security must be an array of tables: [[dcom.class_security]]");
  EXPECT_EQ(parse_error("[[dcom.class_security]]\nlaunch = [\"*\"]\n"), "test.toml:1:1: [[dcom.class_security]] needs a clsid");
  EXPECT_EQ(parse_error("[[dcom.class_security]]\nclsid = \"calc\"\nlaunch = []\n"),
            "test.toml:2:9: clsid 'calc' is not a UUID");
  EXPECT_EQ(parse_error("[[dcom.class_security]]\nclsid = \"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01\"\n"),
            "test.toml:1:1: [[dcom.class_security]] for 7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01 names neither launch "
            "nor access");
  EXPECT_EQ(parse_error("[[dcom.class_security]]\nclsid = \"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01\"\nlaunch = []\n"
                        "[[dcom.class_security]]\nclsid = \"7F1B2C3D-0A4E-4C5F-9D6E-2B8A1C0E5F01\"\naccess = []\n"),
            "test.toml:5:9: clsid 7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01 has two [[dcom.class_security]] tables");
  EXPECT_EQ(parse_error("[[dcom.class_security]]\nclsid = \"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01\"\nlanuch = []\n"),
            "test.toml:3:1: unknown key 'lanuch' in [[dcom.class_security]]");
  EXPECT_EQ(parse_error("[[dcom.class_security]]\nclsid = \"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01\"\n"
                        "access = [\"RAMPART\\\\b*b\"]\n"),
            "test.toml:3:10: access: permission entry 'RAMPART\\b*b': '*' stands only for a whole account or entry");
}

}  // namespace
}  // namespace rampartd
