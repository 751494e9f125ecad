#include <gtest/gtest.h>

#include <unistd.h>

#include "privileges.hpp"

namespace rampartd {
namespace {

Config with_user(std::string user, std::string group = {}, bool allow_root = false) {
  Config c = Config::defaults();
  c.user = std::move(user);
  c.group = std::move(group);
  c.allow_root = allow_root;
  return c;
}

TEST(Privileges, RootWithoutUserIsRefusedUnlessAllowed) {
  auto refused = plan_identity(with_user(""), 0);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("--user"), std::string::npos) << refused.error();
  EXPECT_NE(refused.error().find("allow_root"), std::string::npos) << refused.error();
  auto allowed = plan_identity(with_user("", "", true), 0);
  ASSERT_TRUE(allowed) << allowed.error();
  EXPECT_FALSE(*allowed);
}

TEST(Privileges, RootDropsToTheNamedUser) {
  auto planned = plan_identity(with_user("nobody"), 0);
  ASSERT_TRUE(planned) << planned.error();
  ASSERT_TRUE(*planned);
  EXPECT_EQ((*planned)->uid, 65534u);
  EXPECT_NE((*planned)->uid, 0u);
  auto grouped = plan_identity(with_user("nobody", "nogroup"), 0);
  ASSERT_TRUE(grouped && *grouped);
  EXPECT_EQ((*grouped)->gid, 65534u);
}

TEST(Privileges, UnknownNamesAndRootTargetsAreErrors) {
  auto no_user = plan_identity(with_user("no-such-user-rampart-test"), 0);
  ASSERT_FALSE(no_user);
  EXPECT_NE(no_user.error().find("does not exist"), std::string::npos);
  EXPECT_FALSE(plan_identity(with_user("nobody", "no-such-group-rampart-test"), 0));
  EXPECT_FALSE(plan_identity(with_user("root"), 0));
  EXPECT_FALSE(plan_identity(with_user("", "nogroup"), 0)) << "a group without a user";
}

TEST(Privileges, NonRootCannotSwitchToAnotherUser) {
  EXPECT_FALSE(plan_identity(with_user("nobody"), 1000));
  auto plain = plan_identity(with_user(""), 1000);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(*plain);
}

TEST(Privileges, CapabilitiesAreRead) {
  const auto caps = current_capabilities();
  if (::geteuid() == 0) {
    EXPECT_NE(caps.effective, 0u) << "root without capabilities?";
  }
  EXPECT_EQ(caps.effective & ~caps.permitted, 0u) << "effective is a subset of permitted";
}

}  // namespace
}  // namespace rampartd
