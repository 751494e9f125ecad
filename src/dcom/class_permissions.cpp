// Launch and access permissions; rules in class_permissions.hpp.
#include "rampart/dcom/class_permissions.hpp"

#include <algorithm>

#include "rampart/dcom/activation_policy.hpp"

namespace rampart::dcom {

namespace {

constexpr char kDomainSeparator = '\\';  // NTLM: DOMAIN\user
constexpr char kRealmSeparator = '@';    // Kerberos: user@REALM

char fold(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Windows compares account names case-insensitively; only ASCII letters
// fold here, so two spellings of a non-ASCII name must match exactly.
bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return fold(x) == fold(y);
         });
}

std::string quoted(std::string_view entry) { return "'" + std::string(entry) + "'"; }

std::expected<PrincipalPattern, std::string> split_entry(std::string_view entry, std::size_t at, bool domain) {
  const std::string_view left = entry.substr(0, at);
  const std::string_view right = entry.substr(at + 1);
  const std::string_view account = domain ? right : left;
  const std::string_view scope = domain ? left : right;
  if (scope.empty())
    return std::unexpected("permission entry " + quoted(entry) + " names no " + (domain ? "domain" : "realm"));
  if (account.empty()) return std::unexpected("permission entry " + quoted(entry) + " names no account");
  if (scope.find('*') != std::string_view::npos || (account != "*" && account.find('*') != std::string_view::npos))
    return std::unexpected("permission entry " + quoted(entry) + ": '*' stands only for a whole account or entry");
  if (account == "*")
    return PrincipalPattern{domain ? PrincipalPattern::Kind::domain : PrincipalPattern::Kind::realm,
                            std::string(scope)};
  return PrincipalPattern{PrincipalPattern::Kind::exact, std::string(entry)};
}

}  // namespace

std::expected<PrincipalPattern, std::string> parse_principal_pattern(std::string_view entry,
                                                                     const PermissionLimits& limits) {
  if (entry.empty()) return std::unexpected(std::string("a permission entry is empty"));
  if (entry.size() > limits.max_entry_length)
    return std::unexpected("a permission entry is longer than " + std::to_string(limits.max_entry_length) +
                           " octets");
  for (const char c : entry) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return std::unexpected(std::string("a permission entry holds a control character"));
  }
  if (entry.front() == ' ' || entry.back() == ' ')
    return std::unexpected("permission entry " + quoted(entry) + " begins or ends with a space");
  if (entry == "*") return PrincipalPattern{};
  // NTLM names DOMAIN\user (one separator); Kerberos names user@REALM,
  // whose realm follows the last '@'.
  if (const auto slash = entry.find(kDomainSeparator); slash != std::string_view::npos) {
    if (entry.find(kDomainSeparator, slash + 1) != std::string_view::npos)
      return std::unexpected("permission entry " + quoted(entry) + " holds more than one '\\'");
    return split_entry(entry, slash, true);
  }
  if (const auto at = entry.rfind(kRealmSeparator); at != std::string_view::npos) return split_entry(entry, at, false);
  return std::unexpected("permission entry " + quoted(entry) +
                         " must be \"*\", DOMAIN\\user, user@REALM, DOMAIN\\* or *@REALM");
}

std::expected<PermissionList, std::string> PermissionList::parse(const std::vector<std::string>& entries,
                                                                  const PermissionLimits& limits) {
  if (entries.size() > limits.max_entries)
    return std::unexpected("a permission list has more than " + std::to_string(limits.max_entries) + " entries");
  std::vector<PrincipalPattern> out;
  out.reserve(entries.size());
  for (const auto& e : entries) {
    auto p = parse_principal_pattern(e, limits);
    if (!p) return std::unexpected(std::move(p.error()));
    out.push_back(std::move(*p));
  }
  return PermissionList(std::move(out));
}

bool PermissionList::admits(std::string_view principal) const noexcept {
  return std::ranges::any_of(patterns_, [principal](const PrincipalPattern& p) {
    switch (p.kind) {
      case PrincipalPattern::Kind::any:
        return true;
      case PrincipalPattern::Kind::exact:
        return iequals(principal, p.name);
      case PrincipalPattern::Kind::domain:
        // DOMAIN\ then a non-empty account.
        return principal.size() > p.name.size() + 1 && principal[p.name.size()] == kDomainSeparator &&
               iequals(principal.substr(0, p.name.size()), p.name);
      case PrincipalPattern::Kind::realm: {
        // A non-empty account, then @REALM.
        if (principal.size() <= p.name.size() + 1) return false;
        const std::size_t at = principal.size() - p.name.size() - 1;
        return principal[at] == kRealmSeparator && iequals(principal.substr(at + 1), p.name);
      }
    }
    return false;
  });
}

bool ClassPermissions::add_class(const Uuid& clsid, ClassSecurity security) {
  return classes_.emplace(clsid, std::move(security)).second;
}

bool ClassPermissions::may_launch(const Uuid& clsid, std::string_view principal) const noexcept {
  const auto it = classes_.find(clsid);
  const PermissionList& list = it != classes_.end() && it->second.launch ? *it->second.launch : default_launch_;
  return list.admits(principal);
}

bool ClassPermissions::may_access(const Uuid& clsid, std::string_view principal) const noexcept {
  const auto it = classes_.find(clsid);
  const PermissionList& list = it != classes_.end() && it->second.access ? *it->second.access : default_access_;
  return list.admits(principal);
}

PermissionGate::PermissionGate(ClassPermissions permissions, DenialFn on_denial)
    : current_(std::make_shared<const ClassPermissions>(std::move(permissions))), on_denial_(std::move(on_denial)) {}

void PermissionGate::set(ClassPermissions permissions) {
  auto next = std::make_shared<const ClassPermissions>(std::move(permissions));
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
}

std::shared_ptr<const ClassPermissions> PermissionGate::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

bool PermissionGate::check_launch(const runtime::CallContext& ctx, const Uuid& clsid,
                                  std::string_view operation) const {
  return check(ctx, clsid, "launch", operation);
}

bool PermissionGate::check_access(const runtime::CallContext& ctx, const Uuid& clsid,
                                  std::string_view operation) const {
  return check(ctx, clsid, "access", operation);
}

bool PermissionGate::check(const runtime::CallContext& ctx, const Uuid& clsid, std::string_view which,
                           std::string_view operation) const {
  const auto permissions = current();
  std::string principal = call_security(ctx).principal;
  const bool ok = which == "launch" ? permissions->may_launch(clsid, principal)
                                    : permissions->may_access(clsid, principal);
  if (!ok && on_denial_) on_denial_(PermissionDenial{which, operation, clsid, std::move(principal), ctx.peer.address});
  return ok;
}

}  // namespace rampart::dcom
