#include "config_util.hpp"

#include <algorithm>

namespace rampartd::cfg {

std::string located(const toml::source_region& where, std::string_view what) {
  std::string out = where.path ? *where.path : std::string("<config>");
  out += ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column) + ": ";
  out += what;
  return out;
}

Status check_keys(const toml::table& table, std::string_view table_name,
                  std::initializer_list<std::string_view> allowed) {
  for (auto&& [key, node] : table) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
      return error_at(key.source(), "unknown key '" + std::string(key.str()) + "' in " + std::string(table_name));
    }
  }
  return {};
}

std::expected<const toml::table*, std::string> table_at(const toml::table& parent, std::string_view key) {
  const toml::node* node = parent.get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) return error_at(node->source(), "'" + std::string(key) + "' must be a table");
  return node->as_table();
}

std::expected<std::int64_t, std::string> integer(const toml::node& node, std::string_view key, std::int64_t min,
                                                 std::int64_t max) {
  const auto* value = node.as_integer();
  if (value == nullptr) return error_at(node.source(), "'" + std::string(key) + "' must be an integer");
  const std::int64_t v = value->get();
  if (v < min || v > max) {
    return error_at(node.source(), "'" + std::string(key) + "' must be between " + std::to_string(min) + " and " +
                                       std::to_string(max) + ", not " + std::to_string(v));
  }
  return v;
}

std::expected<std::string, std::string> string(const toml::node& node, std::string_view key) {
  const auto* value = node.as_string();
  if (value == nullptr) return error_at(node.source(), "'" + std::string(key) + "' must be a string");
  return value->get();
}

std::expected<bool, std::string> boolean(const toml::node& node, std::string_view key) {
  const auto* value = node.as_boolean();
  if (value == nullptr) return error_at(node.source(), "'" + std::string(key) + "' must be true or false");
  return value->get();
}

}  // namespace rampartd::cfg
