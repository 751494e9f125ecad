#include "config.hpp"

#include <array>
#include <charconv>
#include <fstream>
#include <sstream>

#include "config_dcom.hpp"
#include "config_limits.hpp"
#include "config_util.hpp"
#include "well_known.hpp"

#include <pwd.h>

namespace rampartd {

using namespace rampart;
using cfg::error_at;
using cfg::Status;

namespace {

constexpr std::array<std::string_view, 7> kLevels{"trace", "debug", "info", "warn", "error", "critical", "off"};
// C706 ept_entry_t: annotation is char[64], NUL included.
constexpr std::size_t kMaxAnnotation = 63;
// An ncalrpc or named-pipe endpoint name; Windows caps pipe names at 256.
constexpr std::size_t kMaxEndpointName = 256;

Status parse_listeners(const toml::node& node, Config& out) {
  const auto* array = node.as_array();
  if (array == nullptr) return error_at(node.source(), "'listeners' must be an array of \"ADDR:PORT\" strings");
  out.listeners.clear();
  for (const auto& item : *array) {
    const std::string text = CFG_TRY(cfg::string(item, "listeners"));
    auto address = transport::parse_tcp_address(text);
    if (!address) return error_at(item.source(), "bad listener '" + text + "': " + address.error().to_string());
    out.listeners.push_back(*address);
  }
  return {};
}

Status parse_server(const toml::table& t, Config& out) {
  CFG_CHECK(cfg::check_keys(t, "[server]",
                            {"listeners", "local_socket", "threads", "drain_timeout_ms", "user", "group", "allow_root", "state_dir"}));
  if (const auto* n = t.get("listeners")) CFG_CHECK(parse_listeners(*n, out));
  if (const auto* n = t.get("local_socket")) {
    out.local_socket = CFG_TRY(cfg::string(*n, "local_socket"));
    if (!out.local_socket.empty()) {
      if (auto a = transport::local_address(out.local_socket); !a) {
        return error_at(n->source(), "bad local_socket: " + a.error().to_string());
      }
    }
  }
  if (const auto* n = t.get("threads")) out.threads = static_cast<std::size_t>(CFG_TRY(cfg::integer(*n, "threads", 0, 1024)));
  if (const auto* n = t.get("drain_timeout_ms")) {
    out.drain_timeout = std::chrono::milliseconds(CFG_TRY(cfg::integer(*n, "drain_timeout_ms", 0, 3600000)));
  }
  if (const auto* n = t.get("user")) out.user = CFG_TRY(cfg::string(*n, "user"));
  if (const auto* n = t.get("group")) out.group = CFG_TRY(cfg::string(*n, "group"));
  if (const auto* n = t.get("allow_root")) out.allow_root = CFG_TRY(cfg::boolean(*n, "allow_root"));
  if (const auto* n = t.get("state_dir")) {
    out.state_dir = CFG_TRY(cfg::string(*n, "state_dir"));
    if (!out.state_dir.empty() && out.state_dir.front() != '/') return error_at(n->source(), "state_dir must be an absolute path");
  }
  return {};
}

Status parse_logging(const toml::table& t, Config& out) {
  CFG_CHECK(cfg::check_keys(t, "[logging]", {"format", "level"}));
  if (const auto* n = t.get("format")) {
    const auto text = CFG_TRY(cfg::string(*n, "format"));
    const auto format = parse_log_format(text);
    if (!format) return error_at(n->source(), "format must be \"text\" or \"json\", not \"" + text + "\"");
    out.log_format = *format;
  }
  if (const auto* n = t.get("level")) {
    out.log_level = CFG_TRY(cfg::string(*n, "level"));
    if (!valid_log_level(out.log_level)) {
      return error_at(n->source(), "level must be one of trace, debug, info, warn, error, critical, off");
    }
  }
  return {};
}

std::expected<bool, std::string> parse_interface(const toml::node& node, SyntaxId& out);

// A uid, or a user name looked up now (so a typo fails at start).
std::expected<std::uint32_t, std::string> rule_uid(const toml::table& t) {
  if (const auto* n = t.get("uid")) return static_cast<std::uint32_t>(CFG_TRY(cfg::integer(*n, "uid", 0, 4294967294LL)));
  const auto& node = *t.get("user");
  const auto name = CFG_TRY(cfg::string(node, "user"));
  struct passwd pw {};
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwnam_r(name.c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 || found == nullptr)
    return error_at(node.source(), "user '" + name + "' does not exist");
  return pw.pw_uid;
}

std::expected<RegistrationRule, std::string> parse_rule(const toml::table& t) {
  CFG_CHECK(cfg::check_keys(t, "[[registration.allow]]", {"uid", "user", "interfaces"}));
  if (t.contains("uid") == t.contains("user") || !t.contains("interfaces"))
    return error_at(t.source(), "[[registration.allow]] needs 'uid' or 'user' (one of them) and 'interfaces'");
  RegistrationRule rule;
  rule.uid = CFG_TRY(rule_uid(t));
  const auto* list = t.get("interfaces")->as_array();
  if (list == nullptr) return error_at(t.get("interfaces")->source(), "'interfaces' must be an array of strings");
  for (const auto& item : *list) {
    const auto text = CFG_TRY(cfg::string(item, "interfaces"));
    if (text == "*") {
      rule.any_interface = true;
      continue;
    }
    SyntaxId id;
    CFG_CHECK(parse_interface(item, id));
    rule.interfaces.push_back(id.uuid);
  }
  return rule;
}

Status parse_registration(const toml::table& t, Config& out) {
  CFG_CHECK(cfg::check_keys(t, "[registration]", {"allow_loopback_tcp", "static_socket", "allow"}));
  if (const auto* n = t.get("allow")) {
    const auto* array = n->as_array();
    if (array == nullptr || !array->is_array_of_tables())
      return error_at(n->source(), "allow must be an array of tables: [[registration.allow]]");
    for (const auto& item : *array) out.registration_rules.push_back(CFG_TRY(parse_rule(*item.as_table())));
  }
  if (const auto* n = t.get("allow_loopback_tcp")) out.allow_loopback_tcp = CFG_TRY(cfg::boolean(*n, "allow_loopback_tcp"));
  if (const auto* n = t.get("static_socket")) {
    out.static_socket = CFG_TRY(cfg::string(*n, "static_socket"));
    if (!out.static_socket.empty()) {
      if (auto a = transport::local_address(out.static_socket); !a) {
        return error_at(n->source(), "bad static_socket: " + a.error().to_string());
      }
    }
  }
  return {};
}

std::expected<std::uint16_t, std::string> version_part(std::string_view text) {
  unsigned v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || v > 65535) {
    return std::unexpected(std::string("bad version"));
  }
  return static_cast<std::uint16_t>(v);
}

Status parse_version(const toml::node& node, SyntaxId& out) {
  const auto text = CFG_TRY(cfg::string(node, "version"));
  const auto dot = text.find('.');
  auto major = version_part(std::string_view(text).substr(0, dot));
  auto minor = dot == std::string::npos ? version_part("") : version_part(std::string_view(text).substr(dot + 1));
  if (!major || !minor) return error_at(node.source(), "version must be \"MAJOR.MINOR\", e.g. \"3.0\"");
  out.major = *major;
  out.minor = *minor;
  return {};
}

std::expected<Uuid, std::string> parse_uuid(const toml::node& node, std::string_view key) {
  const auto text = CFG_TRY(cfg::string(node, key));
  auto uuid = Uuid::parse(text);
  if (!uuid) return error_at(node.source(), "'" + std::string(key) + "' is not a UUID: " + text);
  return *uuid;
}

Status check_endpoint(const toml::node& node, const binding::ProtseqInfo& p, const std::string& endpoint) {
  if (p.endpoint_kind == binding::EndpointKind::port) {
    unsigned port = 0;
    const auto [ptr, ec] = std::from_chars(endpoint.data(), endpoint.data() + endpoint.size(), port);
    if (endpoint.empty() || ec != std::errc{} || ptr != endpoint.data() + endpoint.size() || port == 0 ||
        port > 65535) {
      return error_at(node.source(), std::string(p.name) + " needs a port 1..65535 as endpoint");
    }
    return {};
  }
  const bool printable = std::all_of(endpoint.begin(), endpoint.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (endpoint.empty() || endpoint.size() > kMaxEndpointName || !printable) {
    return error_at(node.source(), "endpoint must be 1.." + std::to_string(kMaxEndpointName) +
                                       " printable characters without spaces");
  }
  return {};
}

// A UUID, or a name from rampart(1)'s well-known interface table ("lsarpc",
// "MS-SAMR"); a name also gives the version its servers register.
std::expected<bool, std::string> parse_interface(const toml::node& node, SyntaxId& out) {
  const auto text = CFG_TRY(cfg::string(node, "interface"));
  if (auto uuid = Uuid::parse(text)) {
    out.uuid = *uuid;
    return false;
  }
  const auto* w = cli::find_well_known(std::string_view(text));
  if (w == nullptr) {
    return error_at(node.source(), "'interface' is neither a UUID nor a known interface name: " + text +
                                       " (rampart(1) lists the names)");
  }
  out = SyntaxId{Uuid::from_string(w->uuid), w->major, w->minor};
  return true;
}

// TOML lets a port be written as an integer (endpoint = 49701) or a string.
std::expected<std::string, std::string> endpoint_text(const toml::node& node) {
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* text = node.as_string()) return text->get();
  return error_at(node.source(), "'endpoint' must be a port number or a string");
}

std::expected<StaticEndpoint, std::string> parse_static_endpoint(const toml::table& t) {
  CFG_CHECK(cfg::check_keys(t, "[[static_endpoint]]",
                            {"interface", "version", "protseq", "endpoint", "annotation", "object"}));
  for (const char* required : {"interface", "protseq", "endpoint"}) {
    if (!t.contains(required)) {
      return error_at(t.source(), "[[static_endpoint]] needs '" + std::string(required) + "'");
    }
  }
  StaticEndpoint out;
  const bool named = CFG_TRY(parse_interface(*t.get("interface"), out.interface));
  if (const auto* n = t.get("version")) {
    CFG_CHECK(parse_version(*n, out.interface));
  } else if (!named) {
    return error_at(t.source(), "[[static_endpoint]] needs 'version' when 'interface' is a UUID");
  }
  const auto& protseq_node = *t.get("protseq");
  const auto protseq = CFG_TRY(cfg::string(protseq_node, "protseq"));
  const auto* info = binding::find_protseq(protseq);
  if (info == nullptr) return error_at(protseq_node.source(), "unknown protseq '" + protseq + "'");
  out.protseq = info->id;
  out.endpoint = CFG_TRY(endpoint_text(*t.get("endpoint")));
  CFG_CHECK(check_endpoint(*t.get("endpoint"), *info, out.endpoint));
  if (const auto* n = t.get("annotation")) {
    out.annotation = CFG_TRY(cfg::string(*n, "annotation"));
    if (out.annotation.size() > kMaxAnnotation) {
      return error_at(n->source(), "annotation is longer than " + std::to_string(kMaxAnnotation) + " octets");
    }
  }
  if (const auto* n = t.get("object")) out.object = CFG_TRY(parse_uuid(*n, "object"));
  return out;
}

// [security]: paths are absolute, because rampartd changes directory and
// user after start.
// [MS-RPCE] 2.2.1.1.8 level names, and the auth types by name.
std::expected<std::uint8_t, std::string> level_named(const toml::node& n) {
  static constexpr std::pair<std::string_view, std::uint8_t> kLevels[] = {
      {"none", 1}, {"connect", 2}, {"call", 3}, {"packet", 4}, {"integrity", 5}, {"privacy", 6}};
  const auto text = CFG_TRY(cfg::string(n, "min_level"));
  for (auto [name, v] : kLevels) if (name == text) return v;
  return error_at(n.source(), "min_level must be none, connect, call, packet, integrity or privacy");
}

std::expected<std::uint8_t, std::string> type_named(const toml::node& n) {
  static constexpr std::pair<std::string_view, std::uint8_t> kTypes[] = {
      {"none", 0}, {"spnego", 9}, {"ntlm", 10}, {"kerberos", 16}};
  const auto text = CFG_TRY(cfg::string(n, "auth_types"));
  for (auto [name, v] : kTypes) if (name == text) return v;
  return error_at(n.source(), "auth_types must list none, spnego, ntlm or kerberos");
}

std::expected<runtime::AuthRule, std::string> parse_auth_rule(const toml::table& t) {
  CFG_CHECK(cfg::check_keys(t, "[[security.rule]]", {"interface", "opnums", "min_level", "auth_types"}));
  runtime::AuthRule rule;
  if (const auto* n = t.get("interface")) {
    if (CFG_TRY(cfg::string(*n, "interface")) != "*") {
      SyntaxId id;
      CFG_CHECK(parse_interface(*n, id));
      rule.interface = id.uuid;
    }
  }
  if (const auto* n = t.get("opnums")) {
    const auto* list = n->as_array();
    if (list == nullptr) return error_at(n->source(), "opnums must be an array of integers");
    for (const auto& item : *list) rule.opnums.push_back(static_cast<std::uint16_t>(CFG_TRY(cfg::integer(item, "opnums", 0, 65535))));
  }
  if (const auto* n = t.get("min_level")) rule.min_level = CFG_TRY(level_named(*n));
  if (const auto* n = t.get("auth_types")) {
    const auto* list = n->as_array();
    if (list == nullptr) return error_at(n->source(), "auth_types must be an array of strings");
    for (const auto& item : *list) rule.auth_types.push_back(CFG_TRY(type_named(item)));
  }
  return rule;
}

Status parse_policy(const toml::table& t, PolicyConfig& out) {
  auto& p = out.policy;
  if (const auto* n = t.get("restrict_remote_clients")) {
    const auto text = CFG_TRY(cfg::string(*n, "restrict_remote_clients"));
    if (text == "none") p.restrict = runtime::RestrictMode::none;
    else if (text == "authenticated") p.restrict = runtime::RestrictMode::authenticated;
    else if (text == "authenticated_except_epm") p.restrict = runtime::RestrictMode::authenticated_except_epm;
    else return error_at(n->source(), "restrict_remote_clients must be none, authenticated or authenticated_except_epm");
  }
  if (const auto* n = t.get("epm_requires_auth")) p.epm_requires_auth = CFG_TRY(cfg::boolean(*n, "epm_requires_auth"));
  if (const auto* n = t.get("rule")) {
    const auto* array = n->as_array();
    if (array == nullptr || !array->is_array_of_tables())
      return error_at(n->source(), "rule must be an array of tables: [[security.rule]]");
    for (const auto& item : *array) p.rules.push_back(CFG_TRY(parse_auth_rule(*item.as_table())));
  }
  return {};
}

Status parse_security(const toml::table& t, SecurityConfig& out, PolicyConfig& policy) {
  CFG_CHECK(cfg::check_keys(t, "[security]", {"ntlm_user_file", "keytab", "service", "principal",
                                              "restrict_remote_clients", "epm_requires_auth", "rule"}));
  CFG_CHECK(parse_policy(t, policy));
  for (auto [key, field] : {std::pair{"ntlm_user_file", &out.ntlm_user_file}, std::pair{"keytab", &out.keytab}}) {
    if (const auto* n = t.get(key)) {
      *field = CFG_TRY(cfg::string(*n, key));
      if (!field->empty() && field->front() != '/') return error_at(n->source(), std::string(key) + " must be an absolute path");
    }
  }
  if (const auto* n = t.get("service")) {
    out.service = CFG_TRY(cfg::string(*n, "service"));
    if (!out.service.empty() && out.service.find('@') == std::string::npos)
      return error_at(n->source(), "service must be a host-based service name such as \"host@server\"");
  }
  if (const auto* n = t.get("principal")) out.principal = CFG_TRY(cfg::string(*n, "principal"));
  return {};
}

Status parse_services(const toml::table& t, Config& out) {
  CFG_CHECK(cfg::check_keys(t, "[services]", {"modules"}));
  const auto* n = t.get("modules");
  if (n == nullptr) return {};
  const auto* array = n->as_array();
  if (array == nullptr) return error_at(n->source(), "modules must be an array of absolute paths");
  out.service_modules.clear();
  for (const auto& item : *array) {
    const std::string path = CFG_TRY(cfg::string(item, "modules"));
    // The file rules (owner, mode, directories) are checked when rampartd
    // loads it (rampart/base/trusted_module.hpp); here only the form.
    if (!path.starts_with("/") || path.size() > 4096)
      return error_at(item.source(), "a module path must be absolute: '" + path + "'");
    out.service_modules.push_back(path);
  }
  return {};
}

Status parse_static_endpoints(const toml::node& node, Config& out) {
  const auto* array = node.as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    return error_at(node.source(), "static_endpoint must be an array of tables: [[static_endpoint]]");
  }
  for (const auto& item : *array) out.static_endpoints.push_back(CFG_TRY(parse_static_endpoint(*item.as_table())));
  return {};
}

std::expected<Config, std::string> parse_document(const toml::table& root, std::string_view source) {
  Config out = Config::defaults();
  out.source = std::string(source);
  CFG_CHECK(cfg::check_keys(root, "the top level",
                            {"server", "limits", "logging", "registration", "static_endpoint", "metrics", "dcom",
                             "security", "services"}));
  if (const auto* t = CFG_TRY(cfg::table_at(root, "metrics"))) {
    CFG_CHECK(cfg::check_keys(*t, "[metrics]", {"listen"}));
    if (const auto* n = t->get("listen")) {
      out.metrics_listen = CFG_TRY(cfg::string(*n, "listen"));
      if (!out.metrics_listen.empty() && !transport::parse_tcp_address(out.metrics_listen))
        return error_at(n->source(), "listen must be \"ADDR:PORT\" or \"[V6ADDR]:PORT\", e.g. \"127.0.0.1:9135\"");
    }
  }
  if (const auto* t = CFG_TRY(cfg::table_at(root, "server"))) CFG_CHECK(parse_server(*t, out));
  if (const auto* t = CFG_TRY(cfg::table_at(root, "limits"))) CFG_CHECK(cfg::parse_limits(*t, out.limits));
  if (const auto* t = CFG_TRY(cfg::table_at(root, "logging"))) CFG_CHECK(parse_logging(*t, out));
  if (const auto* t = CFG_TRY(cfg::table_at(root, "registration"))) CFG_CHECK(parse_registration(*t, out));
  if (const auto* n = root.get("static_endpoint")) CFG_CHECK(parse_static_endpoints(*n, out));
  if (const auto* t = CFG_TRY(cfg::table_at(root, "services"))) CFG_CHECK(parse_services(*t, out));
  if (const auto* t = CFG_TRY(cfg::table_at(root, "dcom"))) CFG_CHECK(cfg::parse_dcom(*t, out.dcom));
  if (const auto* t = CFG_TRY(cfg::table_at(root, "security"))) CFG_CHECK(parse_security(*t, out.security, out.policy));
  return out;
}

}  // namespace

Config Config::defaults() {
  Config c;
  c.listeners = {*transport::parse_tcp_address("0.0.0.0:135"), *transport::parse_tcp_address("[::]:135")};
  c.local_socket = "/run/rampart/epmapper.sock";
  c.static_socket = "/run/rampart/epmapper-static.sock";
  return c;
}

bool valid_log_level(std::string_view level) {
  return std::find(kLevels.begin(), kLevels.end(), level) != kLevels.end();
}

std::optional<LogFormat> parse_log_format(std::string_view text) {
  if (text == "text") return LogFormat::text;
  if (text == "json") return LogFormat::json;
  return std::nullopt;
}

std::expected<Config, std::string> parse_config(std::string_view text, std::string_view source) {
  try {
    const toml::table root = toml::parse(text, source);
    return parse_document(root, source);
  } catch (const toml::parse_error& e) {
    return std::unexpected(cfg::located(e.source(), e.description()));
  }
}

std::expected<Config, std::string> load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(path + ": cannot open the configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::unexpected(path + ": cannot read the configuration file");
  return parse_config(text.str(), path);
}

}  // namespace rampartd
