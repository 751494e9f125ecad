#include "config_dcom_security.hpp"

#include <string>
#include <vector>

namespace rampartd::cfg {

namespace {

using rampart::dcom::ClassPermissions;
using rampart::dcom::ClassSecurity;
using rampart::dcom::PermissionList;

// Tables are written by hand, one per class that differs from the defaults.
constexpr std::size_t kMaxClassTables = 4096;

std::expected<PermissionList, std::string> permission_list(const toml::node& node, std::string_view key) {
  const auto* array = node.as_array();
  if (array == nullptr) return error_at(node.source(), std::string(key) + " must be an array of principals");
  std::vector<std::string> entries;
  for (const auto& item : *array) entries.push_back(CFG_TRY(string(item, key)));
  auto list = PermissionList::parse(entries);
  if (!list) return error_at(node.source(), std::string(key) + ": " + list.error());
  return std::move(*list);
}

Status class_table(const toml::node& node, ClassPermissions& out) {
  const auto* t = node.as_table();
  if (t == nullptr) return error_at(node.source(), "class_security must be an array of tables: [[dcom.class_security]]");
  CFG_CHECK(check_keys(*t, "[[dcom.class_security]]", {"clsid", "launch", "access"}));
  const auto* clsid_node = t->get("clsid");
  if (clsid_node == nullptr) return error_at(node.source(), "[[dcom.class_security]] needs a clsid");
  const std::string text = CFG_TRY(string(*clsid_node, "clsid"));
  const auto clsid = rampart::Uuid::parse(text);
  if (!clsid) return error_at(clsid_node->source(), "clsid '" + text + "' is not a UUID");
  ClassSecurity security;
  if (const auto* n = t->get("launch")) security.launch = CFG_TRY(permission_list(*n, "launch"));
  if (const auto* n = t->get("access")) security.access = CFG_TRY(permission_list(*n, "access"));
  if (!security.launch && !security.access)
    return error_at(node.source(), "[[dcom.class_security]] for " + clsid->to_string() + " names neither launch nor access");
  if (!out.add_class(*clsid, std::move(security)))
    return error_at(clsid_node->source(), "clsid " + clsid->to_string() + " has two [[dcom.class_security]] tables");
  return {};
}

}  // namespace

Status parse_dcom_security(const toml::table& t, ClassPermissions& out) {
  PermissionList launch = PermissionList::any();
  PermissionList access = PermissionList::any();
  if (const auto* n = t.get("default_launch")) launch = CFG_TRY(permission_list(*n, "default_launch"));
  if (const auto* n = t.get("default_access")) access = CFG_TRY(permission_list(*n, "default_access"));
  ClassPermissions permissions(std::move(launch), std::move(access));
  if (const auto* n = t.get("class_security")) {
    const auto* array = n->as_array();
    if (array == nullptr || !array->is_array_of_tables())
      return error_at(n->source(), "class_security must be an array of tables: [[dcom.class_security]]");
    if (array->size() > kMaxClassTables)
      return error_at(n->source(), "more than " + std::to_string(kMaxClassTables) + " [[dcom.class_security]] tables");
    for (const auto& item : *array) CFG_CHECK(class_table(item, permissions));
  }
  out = std::move(permissions);
  return {};
}

}  // namespace rampartd::cfg
