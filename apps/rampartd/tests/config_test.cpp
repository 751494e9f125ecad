#include <gtest/gtest.h>

#include "config.hpp"

namespace rampartd {
namespace {

using namespace std::chrono_literals;

Config parse_ok(std::string_view text) {
  auto c = parse_config(text, "test.toml");
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error());
  return c.value_or(Config{});
}

std::string parse_error(std::string_view text) {
  auto c = parse_config(text, "test.toml");
  EXPECT_FALSE(c.has_value());
  return c ? "" : c.error();
}

TEST(Config, EmptyFileGivesTheDefaults) {
  const Config c = parse_ok("");
  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[0].to_string(), "0.0.0.0:135");
  EXPECT_EQ(c.listeners[1].to_string(), "[::]:135");
  EXPECT_EQ(c.local_socket, "/run/rampart/epmapper.sock");
  EXPECT_EQ(c.threads, 0u);
  EXPECT_EQ(c.log_format, LogFormat::text);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_FALSE(c.allow_loopback_tcp);
  EXPECT_EQ(c.limits.idle_timeout, rampart::runtime::ServerLimits{}.idle_timeout);
}

TEST(Config, ExampleFileParsesAndMatchesTheDefaults) {
  auto c = load_config_file(RAMPARTD_EXAMPLE_CONFIG);
  ASSERT_TRUE(c) << c.error();
  const Config d = Config::defaults();
  EXPECT_EQ(c->listeners, d.listeners);
  EXPECT_EQ(c->local_socket, d.local_socket);
  const rampart::runtime::ServerLimits l;
  EXPECT_EQ(c->limits.max_connections, l.max_connections);
  EXPECT_EQ(c->limits.max_send_queue, l.max_send_queue);
  EXPECT_EQ(c->limits.call_timeout, l.call_timeout);
  EXPECT_EQ(c->limits.fragments.max_stub, l.fragments.max_stub);
  EXPECT_EQ(c->limits.min_frag, l.min_frag);
}

TEST(Config, ReadsEverySection) {
  const Config c = parse_ok(R"(
[server]
listeners = ["127.0.0.1:1135", "[::1]:1135"]
local_socket = ""
threads = 3
drain_timeout_ms = 500
[limits]
idle_timeout_ms = 1500
max_connections_per_source = 8
max_frag = 4280
[limits.fragments]
max_stub = 65536
[logging]
format = "json"
level = "debug"
[registration]
allow_loopback_tcp = true
[[static_endpoint]]
interface = "12345778-1234-abcd-ef00-0123456789ac"
version = "1.2"
protseq = "ncacn_ip_tcp"
endpoint = "49700"
annotation = "sam"
[[static_endpoint]]
interface = "12345778-1234-abcd-ef00-0123456789ab"
version = "0.0"
protseq = "ncalrpc"
endpoint = "lsasspirpc"
object = "00000000-0000-0000-0000-000000000001"
)");
  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[1].to_string(), "[::1]:1135");
  EXPECT_TRUE(c.local_socket.empty());
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.drain_timeout, 500ms);
  EXPECT_EQ(c.limits.idle_timeout, 1500ms);
  EXPECT_EQ(c.limits.max_connections_per_source, 8u);
  EXPECT_EQ(c.limits.max_frag, 4280);
  EXPECT_EQ(c.limits.fragments.max_stub, 65536u);
  EXPECT_EQ(c.log_format, LogFormat::json);
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_TRUE(c.allow_loopback_tcp);
  ASSERT_EQ(c.static_endpoints.size(), 2u);
  EXPECT_EQ(c.static_endpoints[0].interface.major, 1);
  EXPECT_EQ(c.static_endpoints[0].interface.minor, 2);
  EXPECT_EQ(c.static_endpoints[0].protseq, rampart::binding::Protseq::ncacn_ip_tcp);
  EXPECT_EQ(c.static_endpoints[0].annotation, "sam");
  EXPECT_FALSE(c.static_endpoints[0].object);
  EXPECT_EQ(c.static_endpoints[1].protseq, rampart::binding::Protseq::ncalrpc);
  ASSERT_TRUE(c.static_endpoints[1].object);
  EXPECT_EQ(c.static_endpoints[1].object->to_string(), "00000000-0000-0000-0000-000000000001");
}

TEST(Config, SyntaxErrorNamesFileLineAndColumn) {
  const auto e = parse_error("[server]\nthreads = = 3\n");
  EXPECT_EQ(e.rfind("test.toml:2:", 0), 0u) << e;
}

TEST(Config, UnknownKeyNamesItsLine) {
  EXPECT_EQ(parse_error("[server]\nthreads = 1\nthread = 2\n"), "test.toml:3:1: unknown key 'thread' in [server]");
  EXPECT_EQ(parse_error("\n[limits]\nidle_timeout = 5\n"), "test.toml:3:1: unknown key 'idle_timeout' in [limits]");
  EXPECT_EQ(parse_error("[limits.fragments]\nmax_stubs = 1\n"),
            "test.toml:2:1: unknown key 'max_stubs' in [limits.fragments]");
  EXPECT_EQ(parse_error("[serve]\n"), "test.toml:1:2: unknown key 'serve' in the top level");
}

TEST(Config, WrongTypesAndRangesNameTheValue) {
  EXPECT_EQ(parse_error("[server]\nthreads = \"4\"\n"), "test.toml:2:11: 'threads' must be an integer");
  EXPECT_EQ(parse_error("[limits]\n\nidle_timeout_ms = 0\n"),
            "test.toml:3:19: 'idle_timeout_ms' must be between 1 and 86400000, not 0");
  EXPECT_EQ(parse_error("[limits]\nmax_frag = 100\n"), "test.toml:2:12: 'max_frag' must be between 1432 and 65535, not 100");
  EXPECT_NE(parse_error("[limits]\nmin_frag = 5000\nmax_frag = 4000\n").find("min_frag must not exceed max_frag"),
            std::string::npos);
  EXPECT_EQ(parse_error("[registration]\nallow_loopback_tcp = 1\n"),
            "test.toml:2:22: 'allow_loopback_tcp' must be true or false");
  EXPECT_EQ(parse_error("server = 1\n"), "test.toml:1:10: 'server' must be a table");
}

TEST(Config, BadListenersAndLoggingAreRefused) {
  EXPECT_NE(parse_error("[server]\nlisteners = [\"127.0.0.1:1\", \"localhost:135\"]\n").find("test.toml:2:29: bad listener 'localhost:135'"),
            std::string::npos);
  EXPECT_NE(parse_error("[server]\nlocal_socket = \"relative\"\n").find("test.toml:2:16: bad local_socket"),
            std::string::npos);
  EXPECT_EQ(parse_error("[logging]\nformat = \"xml\"\n"), "test.toml:2:10: format must be \"text\" or \"json\", not \"xml\"");
  EXPECT_NE(parse_error("[logging]\nlevel = \"loud\"\n").find("test.toml:2:9: level must be one of"), std::string::npos);
}

TEST(Config, StaticEndpointsAreValidated) {
  const std::string head = "[[static_endpoint]]\ninterface = \"12345778-1234-abcd-ef00-0123456789ac\"\n";
  EXPECT_EQ(parse_error(head + "version = \"1.0\"\nprotseq = \"ncacn_ip_tcp\"\n"),
            "test.toml:1:1: [[static_endpoint]] needs 'endpoint'");
  EXPECT_EQ(parse_error(head + "version = \"1\"\nprotseq = \"ncacn_ip_tcp\"\nendpoint = \"135\"\n"),
            "test.toml:3:11: version must be \"MAJOR.MINOR\", e.g. \"3.0\"");
  EXPECT_EQ(parse_error(head + "version = \"1.0\"\nprotseq = \"ncacn_ip_tpc\"\nendpoint = \"135\"\n"),
            "test.toml:4:11: unknown protseq 'ncacn_ip_tpc'");
  EXPECT_EQ(parse_error(head + "version = \"1.0\"\nprotseq = \"ncacn_ip_tcp\"\nendpoint = \"70000\"\n"),
            "test.toml:5:12: ncacn_ip_tcp needs a port 1..65535 as endpoint");
  EXPECT_EQ(parse_error(head + "version = \"1.0\"\nprotseq = \"ncalrpc\"\nendpoint = \"a b\"\n"),
            "test.toml:5:12: endpoint must be 1..256 printable characters without spaces");
  EXPECT_EQ(parse_error(head + "version = \"1.0\"\nprotseq = \"ncalrpc\"\nendpoint = \"x\"\nannotation = \"" +
                        std::string(64, 'a') + "\"\n"),
            "test.toml:6:14: annotation is longer than 63 octets");
  EXPECT_EQ(parse_error(head + "version = \"1.0\"\nprotseq = \"ncalrpc\"\nendpoint = \"x\"\nport = 1\n"),
            "test.toml:6:1: unknown key 'port' in [[static_endpoint]]");
  EXPECT_EQ(parse_error("[[static_endpoint]]\ninterface = \"not-a-uuid\"\nversion = \"1.0\"\nprotseq = \"ncalrpc\"\nendpoint = \"x\"\n"),
            "test.toml:2:13: 'interface' is neither a UUID nor a known interface name: not-a-uuid (rampart(1) lists "
            "the names)");
  EXPECT_EQ(parse_error(head + "protseq = \"ncacn_ip_tcp\"\nendpoint = 135\n"),
            "test.toml:1:1: [[static_endpoint]] needs 'version' when 'interface' is a UUID");
  EXPECT_EQ(parse_error(head + "version = \"1.0\"\nprotseq = \"ncacn_ip_tcp\"\nendpoint = -1\n"),
            "test.toml:5:12: ncacn_ip_tcp needs a port 1..65535 as endpoint");
  EXPECT_EQ(parse_error(head + "version = \"1.0\"\nprotseq = \"ncacn_ip_tcp\"\nendpoint = 1.5\n"),
            "test.toml:5:12: 'endpoint' must be a port number or a string");
}

TEST(Config, StaticEndpointByNameWithAnIntegerPort) {
  const Config c = parse_ok("[[static_endpoint]]\ninterface = \"lsarpc\"\nprotseq = \"ncacn_ip_tcp\"\nendpoint = 49701\n"
                            "[[static_endpoint]]\ninterface = \"SAMR\"\nversion = \"2.0\"\nprotseq = \"ncacn_ip_tcp\"\n"
                            "endpoint = \"49702\"\n");
  ASSERT_EQ(c.static_endpoints.size(), 2u);
  EXPECT_EQ(c.static_endpoints[0].interface.uuid.to_string(), "12345778-1234-abcd-ef00-0123456789ab");
  EXPECT_EQ(c.static_endpoints[0].interface.major, 0) << "lsarpc is registered as 0.0";
  EXPECT_EQ(c.static_endpoints[0].endpoint, "49701");
  EXPECT_EQ(c.static_endpoints[1].interface.uuid.to_string(), "12345778-1234-abcd-ef00-0123456789ac");
  EXPECT_EQ(c.static_endpoints[1].interface.major, 2) << "an explicit version wins over the table's";
}

TEST(Config, RegistrationRules) {
  const Config c = parse_ok(
      "[[registration.allow]]\nuid = 1000\ninterfaces = [\"lsarpc\", \"12345778-1234-abcd-ef00-0123456789ac\"]\n"
      "[[registration.allow]]\nuser = \"nobody\"\ninterfaces = [\"*\"]\n");
  ASSERT_EQ(c.registration_rules.size(), 2u);
  EXPECT_EQ(c.registration_rules[0].uid, 1000u);
  EXPECT_FALSE(c.registration_rules[0].any_interface);
  ASSERT_EQ(c.registration_rules[0].interfaces.size(), 2u);
  EXPECT_EQ(c.registration_rules[0].interfaces[0].to_string(), "12345778-1234-abcd-ef00-0123456789ab");
  EXPECT_EQ(c.registration_rules[1].uid, 65534u);
  EXPECT_TRUE(c.registration_rules[1].any_interface);
  EXPECT_TRUE(parse_ok("").registration_rules.empty());
  EXPECT_EQ(parse_error("[[registration.allow]]\ninterfaces = [\"*\"]\n"),
            "test.toml:1:1: [[registration.allow]] needs 'uid' or 'user' (one of them) and 'interfaces'");
  EXPECT_EQ(parse_error("[[registration.allow]]\nuser = \"no-such-user-rampart\"\ninterfaces = [\"*\"]\n"),
            "test.toml:2:8: user 'no-such-user-rampart' does not exist");
  EXPECT_NE(parse_error("[[registration.allow]]\nuid = 5\ninterfaces = [\"nonsense\"]\n").find("neither a UUID nor"),
            std::string::npos);
}

TEST(Config, MetricsListen) {
  EXPECT_TRUE(parse_ok("").metrics_listen.empty()) << "metrics are off by default";
  EXPECT_EQ(parse_ok("[metrics]\nlisten = \"127.0.0.1:9135\"\n").metrics_listen, "127.0.0.1:9135");
  EXPECT_NE(parse_error("[metrics]\nlisten = \"localhost:9135\"\n").find("test.toml:2:10: listen must be"),
            std::string::npos);
  EXPECT_EQ(parse_error("[metrics]\nport = 1\n"), "test.toml:2:1: unknown key 'port' in [metrics]");
}

TEST(Config, DcomSection) {
  const Config d = parse_ok("");
  EXPECT_FALSE(d.dcom.enabled) << "DCOM is off by default";
  EXPECT_EQ(d.dcom.ping_period, 120000ms);
  EXPECT_EQ(d.dcom.principal, "rampart");
  auto example = load_config_file(RAMPARTD_EXAMPLE_CONFIG);
  ASSERT_TRUE(example) << example.error();
  EXPECT_EQ(example->dcom, d.dcom) << "the example file shows the defaults";
  const Config c = parse_ok(
      "[dcom]\nenabled = true\nping_period_ms = 500\ndisclosure = \"connection\"\nprincipal = \"host.example\"\n"
      "max_ping_sets = 10\nmax_ping_sets_per_client = 2\nmax_oids_per_set = 8\n");
  EXPECT_TRUE(c.dcom.enabled);
  EXPECT_EQ(c.dcom.ping_period, 500ms);
  EXPECT_EQ(c.dcom.disclosure, "connection");
  EXPECT_EQ(c.dcom.principal, "host.example");
  EXPECT_EQ(c.dcom.max_sets, 10u);
  EXPECT_EQ(c.dcom.max_sets_per_client, 2u);
  EXPECT_EQ(c.dcom.max_oids_per_set, 8u);
  EXPECT_EQ(parse_error("[dcom]\nprincipal = \"\"\n"), "test.toml:2:13: principal must be 1..255 characters");
  EXPECT_NE(parse_error("[dcom]\nprincipal = \"a b\"\n").find("printable ASCII"), std::string::npos);
  EXPECT_NE(parse_error("[dcom]\ndisclosure = \"all\"\n").find("disclosure must be"), std::string::npos);
  EXPECT_NE(parse_error("[dcom]\nping_period_ms = 10\n").find("ping_period_ms"), std::string::npos);
  EXPECT_EQ(parse_error("[dcom]\nport = 1\n"), "test.toml:2:1: unknown key 'port' in [dcom]");
  EXPECT_EQ(d.dcom.activation_floor, "integrity");
  EXPECT_TRUE(d.dcom.classes.empty());
  const Config e = parse_ok("[dcom]\nactivation_floor = \"none\"\nclasses = [\"rampart-echo\"]\n");
  EXPECT_EQ(e.dcom.activation_floor, "none");
  EXPECT_EQ(e.dcom.classes, std::vector<std::string>{"rampart-echo"});
  EXPECT_NE(parse_error("[dcom]\nactivation_floor = \"connect\"\n").find("activation_floor must be"), std::string::npos);
  EXPECT_NE(parse_error("[dcom]\nclasses = [\"calc\"]\n").find("unknown class 'calc'"), std::string::npos);
  EXPECT_TRUE(d.dcom.modules.empty());
  const Config m = parse_ok("[dcom]\nmodules = [\"/usr/lib/rampart/echo.so\"]\n");
  EXPECT_EQ(m.dcom.modules, std::vector<std::string>{"/usr/lib/rampart/echo.so"});
  EXPECT_NE(parse_error("[dcom]\nmodules = [\"echo.so\"]\n").find("must be absolute"), std::string::npos);
  EXPECT_NE(parse_error("[dcom]\nmodules = \"/x.so\"\n").find("modules must be an array"), std::string::npos);
}

TEST(Config, DcomClassServers) {
  const Config d = parse_ok("");
  EXPECT_TRUE(d.dcom.servers.empty()) << "no class server by default";
  EXPECT_EQ(d.dcom.forward_timeout, 5000ms);
  const Config c = parse_ok(
      "[dcom]\nforward_timeout_ms = 800\n[[dcom.server]]\nname = \"echo\"\n"
      "clsids = [\"7F1B2C3D-0A4E-4C5F-9D6E-2B8A1C0E5F03\"]\nuser = \"nobody\"\n"
      "[[dcom.server]]\nname = \"other\"\nclsids = [\"11111111-2222-3333-4444-555555555555\"]\nuser = \"svc\"\n");
  EXPECT_EQ(c.dcom.forward_timeout, 800ms);
  ASSERT_EQ(c.dcom.servers.size(), 2u);
  EXPECT_EQ(c.dcom.servers[0].name, "echo");
  EXPECT_EQ(c.dcom.servers[0].clsids, std::vector<std::string>{"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03"})
      << "CLSIDs are kept in canonical form";
  EXPECT_EQ(c.dcom.servers[0].user, "nobody");
  EXPECT_EQ(c.dcom.servers[1].user, "svc");
  const std::string head = "[[dcom.server]]\nname = \"s\"\nuser = \"nobody\"\n";
  EXPECT_EQ(parse_error(head + "clsids = [\"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03\"]\nport = 1\n"),
            "test.toml:5:1: unknown key 'port' in [[dcom.server]]");
  EXPECT_NE(parse_error("[[dcom.server]]\nname = \"s\"\nclsids = [\"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03\"]\n")
                .find("needs name, clsids and user"),
            std::string::npos);
  EXPECT_NE(parse_error(head + "clsids = [\"not-a-clsid\"]\n").find("not a CLSID: 'not-a-clsid'"), std::string::npos);
  EXPECT_NE(parse_error(head + "clsids = []\n").find("1..64 CLSIDs"), std::string::npos);
  EXPECT_NE(parse_error(head + "clsids = [\"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01\"]\n").find("is a built-in class"),
            std::string::npos)
      << "a CLSID is served in-process or by a server, never both";
  EXPECT_NE(parse_error(head + "clsids = [\"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03\"]\n" + head +
                        "clsids = [\"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03\"]\n")
                .find("named by two [[dcom.server]] entries"),
            std::string::npos);
  EXPECT_NE(parse_error("[[dcom.server]]\nname = \"s\"\nuser = \"a b\"\nclsids = [\"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03\"]\n")
                .find("user must be a local user name"),
            std::string::npos);
  EXPECT_NE(parse_error("[dcom]\nforward_timeout_ms = 10\n").find("forward_timeout_ms"), std::string::npos);
}

TEST(Config, ServiceModules) {
  EXPECT_TRUE(parse_ok("").service_modules.empty());
  auto example = load_config_file(RAMPARTD_EXAMPLE_CONFIG);
  ASSERT_TRUE(example) << example.error();
  EXPECT_TRUE(example->service_modules.empty()) << "the example file shows the default";
  const Config c = parse_ok("[services]\nmodules = [\"/usr/lib/rampart/a.so\", \"/opt/b.so\"]\n");
  EXPECT_EQ(c.service_modules, (std::vector<std::string>{"/usr/lib/rampart/a.so", "/opt/b.so"}));
  EXPECT_EQ(parse_error("[services]\nmodules = [\"a.so\"]\n"),
            "test.toml:2:12: a module path must be absolute: 'a.so'");
  EXPECT_NE(parse_error("[services]\nmodules = \"/a.so\"\n").find("modules must be an array"), std::string::npos);
  EXPECT_EQ(parse_error("[services]\nmodule = []\n"), "test.toml:2:1: unknown key 'module' in [services]");
}

TEST(Config, PrivilegeKeys) {
  const Config c = parse_ok("[server]\nuser = \"rampart\"\ngroup = \"nogroup\"\nallow_root = true\n");
  EXPECT_EQ(c.user, "rampart");
  EXPECT_EQ(c.group, "nogroup");
  EXPECT_TRUE(c.allow_root);
  const Config d = parse_ok("");
  EXPECT_TRUE(d.user.empty());
  EXPECT_FALSE(d.allow_root);
  EXPECT_EQ(parse_error("[server]\nallow_root = 1\n"), "test.toml:2:14: 'allow_root' must be true or false");
  EXPECT_NE(parse_error("[registration]\nstatic_socket = \"relative.sock\"\n").find("test.toml:2:17: bad static_socket"),
            std::string::npos);
}

TEST(Config, MissingFileIsAClearError) {
  auto c = load_config_file("/nonexistent/rampartd.toml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), "/nonexistent/rampartd.toml: cannot open the configuration file");
}

}  // namespace
}  // namespace rampartd

namespace rampartd {
namespace {

TEST(ConfigSecurity, ReadsCredentialsPolicyAndRules) {
  auto c = parse_config(R"(
[security]
ntlm_user_file = "/etc/rampart/ntlm-users"
service = "host@server"
principal = "SERVER\\rampartd"
restrict_remote_clients = "authenticated_except_epm"
epm_requires_auth = true
[[security.rule]]
interface = "afa8bd80-7d8a-11c9-bef4-08002b102989"
opnums = [4]
min_level = "privacy"
auth_types = ["spnego", "ntlm"]
[[security.rule]]
interface = "*"
min_level = "connect"
)", "test.toml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->security.ntlm_user_file, "/etc/rampart/ntlm-users");
  EXPECT_EQ(c->security.service, "host@server");
  EXPECT_EQ(c->security.principal, "SERVER\\rampartd");
  const auto& p = c->policy.policy;
  EXPECT_EQ(p.restrict, rampart::runtime::RestrictMode::authenticated_except_epm);
  EXPECT_TRUE(p.epm_requires_auth);
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_EQ(p.rules[0].opnums, std::vector<std::uint16_t>{4});
  EXPECT_EQ(p.rules[0].min_level, 6);
  EXPECT_EQ(p.rules[0].auth_types, (std::vector<std::uint8_t>{9, 10}));
  EXPECT_FALSE(p.rules[1].interface);
  EXPECT_EQ(p.rules[1].min_level, 2);
}

TEST(ConfigSecurity, RefusesBadValues) {
  EXPECT_FALSE(parse_config("[security]\nntlm_user_file = \"relative\"\n", "t"));
  EXPECT_FALSE(parse_config("[security]\nservice = \"noat\"\n", "t"));
  EXPECT_FALSE(parse_config("[security]\nrestrict_remote_clients = \"high\"\n", "t"));
  EXPECT_FALSE(parse_config("[[security.rule]]\nmin_level = \"secret\"\n", "t"));
  EXPECT_FALSE(parse_config("[[security.rule]]\nauth_types = [\"digest\"]\n", "t"));
  EXPECT_FALSE(parse_config("[security]\nkerberos = true\n", "t"));
}

}  // namespace
}  // namespace rampartd
