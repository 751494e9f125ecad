// -U forms of Samba's and Impacket's tools, and the options' consistency.
#include "auth_options.hpp"

#include <gtest/gtest.h>

namespace rampart::cli {
namespace {

TEST(ParseUser, SambaImpacketAndWindowsForms) {
  struct Case {
    const char* text;
    const char* domain;
    const char* user;
    std::optional<std::string> password;
  };
  const Case cases[] = {
      {"EXAMPLE/alice%s3cret", "EXAMPLE", "alice", "s3cret"},
      {"EXAMPLE\\alice", "EXAMPLE", "alice", std::nullopt},
      {"alice:pa:ss", "", "alice", "pa:ss"},         // Impacket: the first ':' separates
      {"EXAMPLE/alice%p:w%x", "EXAMPLE", "alice", "p:w%x"},  // '%' wins over ':'
      {"alice@EXAMPLE.COM", "", "alice@EXAMPLE.COM", std::nullopt},
      {"alice%", "", "alice", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const UserSpec u = parse_user(c.text);
    EXPECT_EQ(u.domain, c.domain);
    EXPECT_EQ(u.user, c.user);
    EXPECT_EQ(u.password, c.password);
  }
}

TEST(MakeClientAuth, NothingAskedNothingMade) {
  std::string error;
  EXPECT_FALSE(make_client_auth({}, "host", error));
  EXPECT_TRUE(error.empty());
  AuthOptions level_only;
  level_only.level = "privacy";
  EXPECT_FALSE(make_client_auth(level_only, "host", error));
  EXPECT_NE(error.find("need -U or -k"), std::string::npos);
}

TEST(MakeClientAuth, NtlmWithPasswordBuildsTheDefaults) {
  AuthOptions o;
  o.user = "RAMPART/alice%Secret-Pass1";
  std::string error;
  auto a = make_client_auth(o, "server1", error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->provider->auth_type(), 10);
  EXPECT_EQ(a->level, security::AuthLevel::privacy);
  EXPECT_EQ(a->target, "host@server1");
  o.level = "integrity";
  o.spn = "host@other";
  a = make_client_auth(o, "server1", error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->level, security::AuthLevel::integrity);
  EXPECT_EQ(a->target, "host@other");
}

TEST(MakeClientAuth, KerberosWithUserNeedsAPassword) {
  AuthOptions o;
  o.kerberos = true;
  o.user = "alice";
  std::string error;
  EXPECT_FALSE(make_client_auth(o, "server1", error));
  EXPECT_NE(error.find("needs a password"), std::string::npos);
}

}  // namespace
}  // namespace rampart::cli
