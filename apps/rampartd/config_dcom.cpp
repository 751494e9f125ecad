#include "config_dcom.hpp"

#include "config_dcom_security.hpp"
#include <cctype>
#include <set>

#include "rampart/base/uuid.hpp"

namespace rampartd::cfg {

namespace {
// A principal name is a host or service name: at most a DNS name's 255
// octets ([MS-DCOM] 2.2.19.4 gives no bound; DsaLimits allows 300 units).
constexpr std::size_t kMaxPrincipal = 255;
// The CLSIDs of the built-in classes ([dcom] classes).
constexpr const char* kBuiltinClsids[] = {"7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01"};
constexpr std::size_t kMaxServerClsids = 64;  // IRampartClassRegistry's range

bool valid_user_name(const std::string& u) {
  if (u.empty() || u.size() > 32) return false;
  for (char c : u)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

Status parse_class_server(const toml::table& t, DcomConfig& out, std::set<std::string>& seen) {
  CFG_CHECK(check_keys(t, "[[dcom.server]]", {"name", "clsids", "user"}));
  DcomConfig::ClassServer s;
  const auto* name = t.get("name");
  const auto* clsids = t.get("clsids");
  const auto* user = t.get("user");
  if (name == nullptr || clsids == nullptr || user == nullptr)
    return error_at(t.source(), "[[dcom.server]] needs name, clsids and user");
  s.name = CFG_TRY(string(*name, "name"));
  if (s.name.empty() || s.name.size() > 64) return error_at(name->source(), "name must be 1..64 characters");
  s.user = CFG_TRY(string(*user, "user"));
  if (!valid_user_name(s.user)) return error_at(user->source(), "user must be a local user name");
  const auto* array = clsids->as_array();
  if (array == nullptr || array->empty() || array->size() > kMaxServerClsids)
    return error_at(clsids->source(), "clsids must be an array of 1..64 CLSIDs");
  for (const auto& item : *array) {
    const std::string text = CFG_TRY(string(item, "clsids"));
    auto uuid = rampart::Uuid::parse(text);
    if (!uuid || uuid->is_nil()) return error_at(item.source(), "not a CLSID: '" + text + "'");
    const std::string canonical = uuid->to_string();
    for (const char* builtin : kBuiltinClsids)
      if (canonical == builtin) return error_at(item.source(), "CLSID " + canonical + " is a built-in class");
    if (!seen.insert(canonical).second)
      return error_at(item.source(), "CLSID " + canonical + " is named by two [[dcom.server]] entries");
    s.clsids.push_back(canonical);
  }
  out.servers.push_back(std::move(s));
  return {};
}

}  // namespace

Status parse_class_servers(const toml::node& n, DcomConfig& out) {
  const auto* array = n.as_array();
  if (array == nullptr) return error_at(n.source(), "[[dcom.server]] must be an array of tables");
  out.servers.clear();
  std::set<std::string> seen;
  for (const auto& item : *array) {
    const auto* table = item.as_table();
    if (table == nullptr) return error_at(item.source(), "[[dcom.server]] must be an array of tables");
    CFG_CHECK(parse_class_server(*table, out, seen));
  }
  return {};
}

Status parse_dcom(const toml::table& t, DcomConfig& out) {
  CFG_CHECK(check_keys(t, "[dcom]",
                       {"enabled", "ping_period_ms", "disclosure", "principal", "max_ping_sets",
                        "max_ping_sets_per_client", "max_oids_per_set", "activation_floor", "classes",
                        "modules", "default_launch", "default_access", "class_security", "server",
                        "forward_timeout_ms"}));
  CFG_CHECK(parse_dcom_security(t, out.permissions));
  if (const auto* n = t.get("enabled")) out.enabled = CFG_TRY(boolean(*n, "enabled"));
  if (const auto* n = t.get("ping_period_ms"))
    out.ping_period = std::chrono::milliseconds(CFG_TRY(integer(*n, "ping_period_ms", 100, 3600000)));
  if (const auto* n = t.get("disclosure")) {
    out.disclosure = CFG_TRY(string(*n, "disclosure"));
    if (out.disclosure != "listening" && out.disclosure != "connection")
      return error_at(n->source(), "disclosure must be \"listening\" or \"connection\"");
  }
  if (const auto* n = t.get("principal")) {
    out.principal = CFG_TRY(string(*n, "principal"));
    // Impacket 0.10.0 cannot parse an empty principal name (INTEROP.md).
    if (out.principal.empty() || out.principal.size() > kMaxPrincipal)
      return error_at(n->source(), "principal must be 1..255 characters");
    for (char c : out.principal)
      if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
        return error_at(n->source(), "principal must be printable ASCII without spaces");
  }
  if (const auto* n = t.get("max_ping_sets"))
    out.max_sets = static_cast<std::size_t>(CFG_TRY(integer(*n, "max_ping_sets", 1, 1 << 20)));
  if (const auto* n = t.get("max_ping_sets_per_client"))
    out.max_sets_per_client = static_cast<std::size_t>(CFG_TRY(integer(*n, "max_ping_sets_per_client", 1, 65536)));
  if (const auto* n = t.get("max_oids_per_set"))
    out.max_oids_per_set = static_cast<std::size_t>(CFG_TRY(integer(*n, "max_oids_per_set", 1, 65535)));
  if (const auto* n = t.get("activation_floor")) {
    out.activation_floor = CFG_TRY(string(*n, "activation_floor"));
    if (out.activation_floor != "integrity" && out.activation_floor != "privacy" && out.activation_floor != "none")
      return error_at(n->source(), "activation_floor must be \"integrity\", \"privacy\" or \"none\"");
  }
  if (const auto* n = t.get("classes")) {
    const auto* array = n->as_array();
    if (array == nullptr) return error_at(n->source(), "classes must be an array of class names");
    out.classes.clear();
    for (const auto& item : *array) {
      const std::string name = CFG_TRY(string(item, "classes"));
      if (name != "rampart-echo") return error_at(item.source(), "unknown class '" + name + "' (known: rampart-echo)");
      out.classes.push_back(name);
    }
  }
  if (const auto* n = t.get("modules")) {
    const auto* array = n->as_array();
    if (array == nullptr) return error_at(n->source(), "modules must be an array of absolute paths");
    out.modules.clear();
    for (const auto& item : *array) {
      const std::string path = CFG_TRY(string(item, "modules"));
      // The file rules (owner, mode, directories) are checked when
      // rampartd loads it; here only the form.
      if (!path.starts_with("/") || path.size() > 4096)
        return error_at(item.source(), "a module path must be absolute: '" + path + "'");
      out.modules.push_back(path);
    }
  }
  if (const auto* n = t.get("forward_timeout_ms"))
    out.forward_timeout = std::chrono::milliseconds(CFG_TRY(integer(*n, "forward_timeout_ms", 100, 60000)));
  if (const auto* n = t.get("server")) CFG_CHECK(parse_class_servers(*n, out));
  return {};
}

}  // namespace rampartd::cfg
