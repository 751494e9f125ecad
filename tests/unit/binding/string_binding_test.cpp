// String bindings (C706 chapter 2; [MS-RPCE] 2.1): parsing, canonical
// formatting, escapes, limits and the link to towers.
#include <gtest/gtest.h>

#include "rampart/binding/string_binding.hpp"

namespace rampart::binding {
namespace {

template <class T>
void expect_error(const Result<T>& r, Errc code, std::size_t offset = kNoOffset) {
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().is(code)) << r.error().to_string();
  if (offset != kNoOffset) {
    EXPECT_EQ(r.error().offset(), offset) << r.error().to_string();
  }
}

StringBinding parsed(std::string_view text) {
  auto r = StringBinding::parse(text);
  EXPECT_TRUE(r) << text << ": " << r.error().to_string();
  return r ? *r : StringBinding{};
}

TEST(StringBinding, TcpWithPort) {
  const auto b = parsed("ncacn_ip_tcp:127.0.0.1[135]");
  EXPECT_FALSE(b.object);
  EXPECT_EQ(b.protseq, Protseq::ncacn_ip_tcp);
  EXPECT_EQ(b.host, "127.0.0.1");
  EXPECT_EQ(b.endpoint, "135");
  EXPECT_TRUE(b.options.empty());
  EXPECT_EQ(b.format(), "ncacn_ip_tcp:127.0.0.1[135]");
}

TEST(StringBinding, NamedPipeWithEscapedBackslashes) {
  const auto b = parsed(R"(ncacn_np:\\\\server[\\pipe\\epmapper])");
  EXPECT_EQ(b.host, R"(\\server)");
  EXPECT_EQ(b.endpoint, R"(\pipe\epmapper)");
  // Canonical form: a backslash is escaped only before a special character.
  EXPECT_EQ(b.format(), R"(ncacn_np:\\\server[\pipe\epmapper])");
}

TEST(StringBinding, BackslashBeforeOrdinaryCharacterIsLiteral) {
  // Windows tools print "ncacn_np:\\HOST[\pipe\lsass]"; "\p" and "\l" are not escapes.
  const auto b = parsed(R"(ncacn_np:\\HOST[\pipe\lsass])");
  EXPECT_EQ(b.host, R"(\HOST)");  // "\\" is an escaped backslash
  EXPECT_EQ(b.endpoint, R"(\pipe\lsass)");
  EXPECT_EQ(b.format(), R"(ncacn_np:\HOST[\pipe\lsass])");
}

TEST(StringBinding, LocalRpcWithoutHost) {
  const auto b = parsed("ncalrpc:[epmapper]");
  EXPECT_EQ(b.protseq, Protseq::ncalrpc);
  EXPECT_EQ(b.host, "");
  EXPECT_EQ(b.endpoint, "epmapper");
  EXPECT_EQ(b.format(), "ncalrpc:[epmapper]");
  EXPECT_EQ(parsed("ncalrpc:[samss lpc]").endpoint, "samss lpc");
}

TEST(StringBinding, HttpAndUdp) {
  EXPECT_EQ(parsed("ncacn_http:host[593]").protseq, Protseq::ncacn_http);
  EXPECT_EQ(parsed("ncadg_ip_udp:10.1.2.3[135]").protseq, Protseq::ncadg_ip_udp);
}

TEST(StringBinding, BracketedIpv6Host) {
  const auto b = parsed("ncacn_ip_tcp:[::1][135]");
  EXPECT_EQ(b.host, "::1");
  EXPECT_EQ(b.endpoint, "135");
  EXPECT_EQ(b.format(), "ncacn_ip_tcp:[::1][135]");
  // An IPv6 host without endpoint keeps an empty group so it stays a host.
  const auto h = parsed("ncacn_ip_tcp:[fe80::1:2][]");
  EXPECT_EQ(h.host, "fe80::1:2");
  EXPECT_EQ(h.format(), "ncacn_ip_tcp:[fe80::1:2][]");
  // Unbracketed IPv6 is accepted and formatted in brackets.
  EXPECT_EQ(parsed("ncacn_ip_tcp:::1[135]").format(), "ncacn_ip_tcp:[::1][135]");
}

TEST(StringBinding, ObjectUuidAndOptions) {
  const auto b =
      parsed("E1AF8308-5D1F-11C9-91A4-08002B14A0FA@ncacn_ip_tcp:host[135,security=NTLM,x_y=1]");
  ASSERT_TRUE(b.object);
  EXPECT_EQ(b.object->to_string(), "e1af8308-5d1f-11c9-91a4-08002b14a0fa");
  ASSERT_EQ(b.options.size(), 2u);
  EXPECT_EQ(b.options[0], (StringBindingOption{"security", "NTLM"}));
  EXPECT_EQ(b.options[1], (StringBindingOption{"x_y", "1"}));
  EXPECT_EQ(b.format(),
            "e1af8308-5d1f-11c9-91a4-08002b14a0fa@ncacn_ip_tcp:host[135,security=NTLM,x_y=1]");
}

TEST(StringBinding, EndpointOptionIsFoldedIntoEndpoint) {
  const auto b = parsed("ncacn_ip_tcp:host[endpoint=135,security=x]");
  EXPECT_EQ(b.endpoint, "135");
  EXPECT_EQ(b.format(), "ncacn_ip_tcp:host[135,security=x]");
  const auto c = parsed("ncacn_ip_tcp:host[,endpoint=136]");
  EXPECT_EQ(c.endpoint, "136");
  EXPECT_EQ(parsed("ncacn_ip_tcp:host[,a=b]").format(), "ncacn_ip_tcp:host[,a=b]");
}

TEST(StringBinding, CanonicalFormDropsEmptyGroupsAndEscapes) {
  EXPECT_EQ(parsed("ncacn_ip_tcp:host[]").format(), "ncacn_ip_tcp:host");
  EXPECT_EQ(parsed("ncacn_ip_tcp:host").format(), "ncacn_ip_tcp:host");
  EXPECT_EQ(parsed("ncacn_ip_tcp:").format(), "ncacn_ip_tcp:");
  const auto b = parsed(R"(ncalrpc:[a\]b\[c\,d\=e\@f\:g,k=v\,w=x])");
  EXPECT_EQ(b.endpoint, "a]b[c,d=e@f:g");
  ASSERT_EQ(b.options.size(), 1u);
  EXPECT_EQ(b.options[0].value, "v,w=x");
  EXPECT_EQ(b.format(), R"(ncalrpc:[a\]b\[c\,d\=e\@f\:g,k=v\,w\=x])");
  EXPECT_EQ(parsed(b.format()), b);
}

TEST(StringBinding, RoundTripsForEveryProtseq) {
  for (const char* s :
       {"ncacn_ip_tcp:10.0.0.1[49664]", "ncadg_ip_udp:10.0.0.1[135]",
        R"(ncacn_np:\\\SRV[\PIPE\lsass])", "ncalrpc:[LRPC-0123abcd]", "ncacn_http:web[593]",
        "00000000-0000-0000-c000-000000000046@ncalrpc:[x,security=y]"}) {
    const auto b = parsed(s);
    EXPECT_EQ(b.format(), s);
    EXPECT_EQ(parsed(b.format()), b);
  }
}

TEST(StringBindingRules, LengthAndCharacters) {
  StringBindingLimits tiny;
  tiny.max_total = 10;
  expect_error(StringBinding::parse("ncalrpc:[abc]", tiny), Errc::binding_too_long, 0);
  expect_error(StringBinding::parse("ncalrpc:[a\tb]"), Errc::control_character, 10);
  expect_error(StringBinding::parse(std::string_view("ncalrpc:[a\0b]", 13)), Errc::control_character, 10);
  expect_error(StringBinding::parse("ncalrpc:[a\x7f]"), Errc::control_character, 10);
  // Escaping lengthens the canonical text, which must itself fit max_total.
  StringBindingLimits fit;
  fit.max_total = 26;  // "ncalrpc:[" + 8 escaped '@' + "]"
  EXPECT_TRUE(StringBinding::parse("ncalrpc:[@@@@@@@@]", fit));
  expect_error(StringBinding::parse("ncalrpc:[@@@@@@@@@]", fit), Errc::binding_too_long, 0);
}

TEST(StringBindingRules, Protseq) {
  expect_error(StringBinding::parse("ncacn_ip_tcp"), Errc::missing_protseq, 0);
  expect_error(StringBinding::parse(""), Errc::missing_protseq, 0);
  expect_error(StringBinding::parse("ncacn_ip_udp:host"), Errc::bad_protseq, 0);
  expect_error(StringBinding::parse("NCACN_IP_TCP:host"), Errc::bad_protseq, 0);
  expect_error(StringBinding::parse(":host"), Errc::bad_protseq, 0);
  expect_error(StringBinding::parse("00000000-0000-0000-0000-000000000000@nope:h"), Errc::bad_protseq, 37);
}

TEST(StringBindingRules, ObjectUuid) {
  expect_error(StringBinding::parse("@ncalrpc:[x]"), Errc::bad_object_uuid, 0);
  expect_error(StringBinding::parse("1234@ncalrpc:[x]"), Errc::bad_object_uuid, 0);
  expect_error(StringBinding::parse("g0000000-0000-0000-0000-000000000000@ncalrpc:[x]"),
               Errc::bad_object_uuid, 0);
}

TEST(StringBindingRules, Brackets) {
  expect_error(StringBinding::parse("ncalrpc:[abc"), Errc::unbalanced_brackets, 8);
  expect_error(StringBinding::parse("ncalrpc:[a[b]"), Errc::unbalanced_brackets, 8);
  expect_error(StringBinding::parse("ncacn_ip_tcp:host]"), Errc::unbalanced_brackets, 17);
  expect_error(StringBinding::parse(R"(ncalrpc:[abc\])"), Errc::unbalanced_brackets, 8);
  expect_error(StringBinding::parse("ncalrpc:[abc]x"), Errc::trailing_characters, 13);
  expect_error(StringBinding::parse("ncalrpc:[abc]]"), Errc::trailing_characters, 13);
}

TEST(StringBindingRules, Ipv6Host) {
  expect_error(StringBinding::parse("ncacn_ip_tcp:[host][135]"), Errc::bad_ipv6_host, 14);
  expect_error(StringBinding::parse("ncacn_ip_tcp:[][135]"), Errc::bad_ipv6_host, 14);
  expect_error(StringBinding::parse("ncacn_ip_tcp:[1234][135]"), Errc::bad_ipv6_host, 14);
}

TEST(StringBindingRules, PartLimits) {
  StringBindingLimits l;
  l.max_host = 3;
  l.max_endpoint = 3;
  l.max_option_key = 3;
  l.max_option_value = 3;
  EXPECT_TRUE(StringBinding::parse("ncacn_np:abc[def,ghi=jkl]", l));
  expect_error(StringBinding::parse("ncacn_np:abcd[x]", l), Errc::part_too_long, 9);
  expect_error(StringBinding::parse("ncacn_ip_tcp:[::1:2][x]", l), Errc::part_too_long, 14);
  expect_error(StringBinding::parse("ncacn_np:a[defg]", l), Errc::part_too_long, 11);
  expect_error(StringBinding::parse("ncacn_np:a[,endpoint=defg]", l), Errc::part_too_long);
  expect_error(StringBinding::parse("ncacn_np:a[d,ghij=k]", l), Errc::part_too_long, 13);
  expect_error(StringBinding::parse("ncacn_np:a[d,g=klmn]", l), Errc::part_too_long, 13);
  // Limits count unescaped characters.
  EXPECT_TRUE(StringBinding::parse(R"(ncacn_np:a[\@\@\@])", l));
}

TEST(StringBindingRules, Options) {
  expect_error(StringBinding::parse("ncalrpc:[x,flag]"), Errc::bad_option, 11);
  expect_error(StringBinding::parse("ncalrpc:[x,]"), Errc::bad_option, 11);
  expect_error(StringBinding::parse("ncalrpc:[x,=v]"), Errc::bad_option, 11);
  expect_error(StringBinding::parse("ncalrpc:[x,a-b=v]"), Errc::bad_option, 11);
  expect_error(StringBinding::parse("ncalrpc:[x,a=1,a=2]"), Errc::duplicate_option, 15);
  expect_error(StringBinding::parse("ncalrpc:[x,endpoint=y]"), Errc::duplicate_option);
  expect_error(StringBinding::parse("ncalrpc:[endpoint=x,endpoint=y]"), Errc::duplicate_option);
  StringBindingLimits two;
  two.max_options = 2;
  EXPECT_TRUE(StringBinding::parse("ncalrpc:[x,a=1,b=2]", two));
  expect_error(StringBinding::parse("ncalrpc:[x,a=1,b=2,c=3]", two), Errc::too_many_options, 19);
}

TEST(StringBinding, ToAndFromTowers) {
  const SyntaxId epm{Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};
  for (const char* s : {"ncacn_ip_tcp:192.168.0.1[135]", "ncadg_ip_udp:10.0.0.1[135]",
                        R"(ncacn_np:\\\SRV[\PIPE\epmapper])", "ncalrpc:[epmapper]",
                        "ncacn_http:127.0.0.1[593]"}) {
    const auto b = parsed(s);
    auto tower = Tower::build(b.to_tower_binding(epm));
    ASSERT_TRUE(tower) << s << ": " << tower.error().to_string();
    auto view = tower->binding();
    ASSERT_TRUE(view);
    EXPECT_EQ(view->interface, epm);
    EXPECT_EQ(view->transfer, syntax::kNdr20);
    EXPECT_EQ(StringBinding::from_tower(*view).format(), s);
  }
  // A host name cannot go into an IP floor; towers carry addresses.
  auto named = Tower::build(parsed("ncacn_ip_tcp:host[135]").to_tower_binding(epm));
  expect_error(named, Errc::bad_ipv4);
}

}  // namespace
}  // namespace rampart::binding
