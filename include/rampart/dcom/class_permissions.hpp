// Per-class launch and access permissions: Rampart's equivalent of an
// AppID's LaunchPermission and AccessPermission with the machine-wide
// DefaultLaunchPermission and DefaultAccessPermission ([MS-DCOM] 3.1.2.5.2.3:
// the activator checks the caller's launch rights; 3.1.1.5.4: an object
// exporter checks its callers' access rights).
//
//  - launch: who may activate the class: RemoteCreateInstance,
//    RemoteGetClassObject, RemoteActivation, and IClassFactory::
//    CreateInstance on one of its class objects;
//  - access: who may call its objects (object calls, and IRemUnknown calls
//    naming them).
// A list is a set of entries, each one of
//   "*"             any caller the activation floor admits (unauthenticated
//                   ones too when the floor is "none");
//   "DOMAIN\user"   one account as NTLM names it (CallSecurity::principal);
//   "user@REALM"    one Kerberos principal, as GSSAPI displays it;
//   "DOMAIN\*"      every account of an NTLM domain;
//   "*@REALM"       every principal of a Kerberos realm.
// Names compare as Windows compares account names: case-insensitively (ASCII
// letters fold; other characters compare exactly). An empty list admits no
// one. Anonymous and unauthenticated callers have no principal, so only "*"
// admits them.
//
// ClassPermissions is a value (pure, unit-tested); PermissionGate holds the
// one in force, swapped whole on reload, and reports every denial.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/base/uuid.hpp"
#include "rampart/runtime/interface.hpp"

namespace rampart::dcom {

/// One entry of a permission list, checked and split (see the header).
struct PrincipalPattern {
  enum class Kind { any, exact, domain, realm };
  Kind kind = Kind::any;
  /// The account (exact), the domain (domain) or the realm (realm); empty for any.
  std::string name;
  friend bool operator==(const PrincipalPattern&, const PrincipalPattern&) = default;
};

struct PermissionLimits {
  /// An entry is at most a DOMAIN\user of 15 + 1 + 256 characters or a
  /// Kerberos principal of a few hundred; 512 octets holds either.
  std::size_t max_entry_length = 512;
  /// Entries per list: lists are written by hand; a few hundred is plenty.
  std::size_t max_entries = 256;
};

/// Parses one entry; the error names what is wrong with it.
[[nodiscard]] std::expected<PrincipalPattern, std::string> parse_principal_pattern(std::string_view entry,
                                                                                   const PermissionLimits& limits = {});

class PermissionList {
 public:
  /// ["*"]: the default of both lists (any caller at the floor).
  [[nodiscard]] static PermissionList any() { return PermissionList({PrincipalPattern{}}); }
  /// Parses every entry; the error names the first bad entry.
  [[nodiscard]] static std::expected<PermissionList, std::string> parse(const std::vector<std::string>& entries,
                                                                        const PermissionLimits& limits = {});
  PermissionList() = default;  // empty: admits no one
  explicit PermissionList(std::vector<PrincipalPattern> patterns) : patterns_(std::move(patterns)) {}

  /// Whether `principal` (CallSecurity::principal; empty when
  /// unauthenticated) matches an entry.
  [[nodiscard]] bool admits(std::string_view principal) const noexcept;
  [[nodiscard]] const std::vector<PrincipalPattern>& patterns() const noexcept { return patterns_; }
  friend bool operator==(const PermissionList&, const PermissionList&) = default;

 private:
  std::vector<PrincipalPattern> patterns_;
};

/// What [[dcom.class_security]] says for one class; an absent list means
/// the default.
struct ClassSecurity {
  std::optional<PermissionList> launch;
  std::optional<PermissionList> access;
  friend bool operator==(const ClassSecurity&, const ClassSecurity&) = default;
};

class ClassPermissions {
 public:
  ClassPermissions() = default;  // "*" for everything: every caller at the floor
  ClassPermissions(PermissionList default_launch, PermissionList default_access)
      : default_launch_(std::move(default_launch)), default_access_(std::move(default_access)) {}

  /// Sets the lists of one class; false when the class already has them.
  [[nodiscard]] bool add_class(const Uuid& clsid, ClassSecurity security);

  [[nodiscard]] bool may_launch(const Uuid& clsid, std::string_view principal) const noexcept;
  [[nodiscard]] bool may_access(const Uuid& clsid, std::string_view principal) const noexcept;
  [[nodiscard]] const std::map<Uuid, ClassSecurity>& classes() const noexcept { return classes_; }
  friend bool operator==(const ClassPermissions&, const ClassPermissions&) = default;

 private:
  PermissionList default_launch_ = PermissionList::any();
  PermissionList default_access_ = PermissionList::any();
  std::map<Uuid, ClassSecurity> classes_;
};

/// One refusal, as a PermissionGate reports it.
struct PermissionDenial {
  std::string_view check;  // "launch" or "access"
  std::string_view operation;  // the call refused, e.g. "RemoteCreateInstance"
  Uuid clsid;
  std::string principal;  // empty when unauthenticated
  std::string peer;       // the caller's address
};

/// The permissions in force, shared by the activators, the class objects
/// and the object routers. Thread-safe; set() swaps them whole, so a call
/// sees either the old or the new lists and the next call sees the new.
class PermissionGate {
 public:
  using DenialFn = std::function<void(const PermissionDenial&)>;

  explicit PermissionGate(ClassPermissions permissions = {}, DenialFn on_denial = {});

  void set(ClassPermissions permissions);
  [[nodiscard]] std::shared_ptr<const ClassPermissions> current() const;

  /// Whether the caller of `ctx` may launch / access `clsid`; a refusal is
  /// reported to the DenialFn first.
  [[nodiscard]] bool check_launch(const runtime::CallContext& ctx, const Uuid& clsid,
                                  std::string_view operation) const;
  [[nodiscard]] bool check_access(const runtime::CallContext& ctx, const Uuid& clsid,
                                  std::string_view operation) const;

 private:
  [[nodiscard]] bool check(const runtime::CallContext& ctx, const Uuid& clsid, std::string_view check,
                           std::string_view operation) const;

  mutable std::mutex mutex_;
  std::shared_ptr<const ClassPermissions> current_;
  DenialFn on_denial_;
};

}  // namespace rampart::dcom
