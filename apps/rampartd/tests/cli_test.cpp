#include <gtest/gtest.h>

#include "cli.hpp"

namespace rampartd {
namespace {

std::variant<CliOptions, int> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "rampartd");
  return parse_cli(static_cast<int>(args.size()), args.data(), "test");
}

TEST(Cli, ListenReplacesTheDefaultListeners) {
  auto parsed = parse({"--listen", "127.0.0.1:1135", "--listen", "[::1]:1135", "--threads", "2"});
  ASSERT_TRUE(std::holds_alternative<CliOptions>(parsed));
  Config c = Config::defaults();
  ASSERT_TRUE(apply_cli(std::get<CliOptions>(parsed), c));
  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[0].to_string(), "127.0.0.1:1135");
  EXPECT_EQ(c.threads, 2u);
  EXPECT_EQ(c.local_socket, "/run/rampart/epmapper.sock") << "untouched without --local-socket";
}

TEST(Cli, OverridesLoggingAndLocalSocket) {
  auto parsed = parse({"--log-format", "json", "--log-level", "debug", "--local-socket", ""});
  ASSERT_TRUE(std::holds_alternative<CliOptions>(parsed));
  Config c = Config::defaults();
  ASSERT_TRUE(apply_cli(std::get<CliOptions>(parsed), c));
  EXPECT_EQ(c.log_format, LogFormat::json);
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_TRUE(c.local_socket.empty());
  EXPECT_EQ(c.listeners.size(), 2u);
}

TEST(Cli, DcomSwitchOverridesTheConfiguration) {
  Config c = Config::defaults();
  c.dcom.enabled = true;
  ASSERT_TRUE(apply_cli(std::get<CliOptions>(parse({"--no-dcom"})), c));
  EXPECT_FALSE(c.dcom.enabled);
  ASSERT_TRUE(apply_cli(std::get<CliOptions>(parse({"--dcom"})), c));
  EXPECT_TRUE(c.dcom.enabled);
  ASSERT_TRUE(apply_cli(std::get<CliOptions>(parse({})), c));
  EXPECT_TRUE(c.dcom.enabled) << "untouched without either flag";
}

TEST(Cli, BadValuesAreRefused) {
  auto bad_listen = parse({"--listen", "localhost:135"});
  ASSERT_TRUE(std::holds_alternative<CliOptions>(bad_listen));
  Config c = Config::defaults();
  auto applied = apply_cli(std::get<CliOptions>(bad_listen), c);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().find("--listen localhost:135"), std::string::npos);
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  auto bad_format = parse({"--log-format", "xml"});
  ::testing::internal::GetCapturedStdout();
  ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(std::holds_alternative<int>(bad_format));
  EXPECT_EQ(std::get<int>(bad_format), 2);
}

// rampartd(8), EXIT STATUS: 2 for every kind of bad command line, whatever
// code CLI11 gives the error; 0 for --help and --version.
TEST(Cli, UsageErrorsExitTwo) {
  for (std::vector<const char*> args : {std::vector<const char*>{"--bogus"}, {"--threads", "-1"}, {"--threads", "x"},
                                        {"--threads", "5000"}, {"--listen"}, {"extra"}, {"--allow-root=maybe"}}) {
    ::testing::internal::CaptureStderr();
    ::testing::internal::CaptureStdout();
    auto parsed = parse(args);
    ::testing::internal::GetCapturedStdout();
    ::testing::internal::GetCapturedStderr();
    ASSERT_TRUE(std::holds_alternative<int>(parsed)) << args[0];
    EXPECT_EQ(std::get<int>(parsed), 2) << args[0];
  }
  for (const char* flag : {"--help", "--version"}) {
    ::testing::internal::CaptureStdout();
    auto parsed = parse({flag});
    ::testing::internal::GetCapturedStdout();
    ASSERT_TRUE(std::holds_alternative<int>(parsed));
    EXPECT_EQ(std::get<int>(parsed), 0) << flag;
  }
}

TEST(Cli, PrivilegeAndStaticSocketOptions) {
  auto parsed = parse({"--user", "nobody", "--group", "nogroup", "--allow-root", "--static-socket", ""});
  ASSERT_TRUE(std::holds_alternative<CliOptions>(parsed));
  Config c = Config::defaults();
  ASSERT_TRUE(apply_cli(std::get<CliOptions>(parsed), c));
  EXPECT_EQ(c.user, "nobody");
  EXPECT_EQ(c.group, "nogroup");
  EXPECT_TRUE(c.allow_root);
  EXPECT_TRUE(c.static_socket.empty());
  auto relative = parse({"--static-socket", "x.sock"});
  ASSERT_TRUE(std::holds_alternative<CliOptions>(relative));
  auto applied = apply_cli(std::get<CliOptions>(relative), c);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().find("--static-socket x.sock"), std::string::npos);
}

}  // namespace
}  // namespace rampartd
