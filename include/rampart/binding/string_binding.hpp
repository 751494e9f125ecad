// String bindings (C706 chapter 2, "String Bindings"; [MS-RPCE] 2.1):
//
//   [object-uuid@]protseq:[host][[endpoint][,key=value]...]
//
// e.g. "ncacn_ip_tcp:127.0.0.1[135]", "ncalrpc:[epmapper]",
// "ncacn_ip_tcp:[::1][135]" (an IPv6 host in brackets, as Samba and Windows
// accept), "ncacn_np:\\\\server[\\pipe\\epmapper]".
//
// Escapes: a backslash before one of  @ : [ ] , = \  stands for that
// character (C706 uses the backslash as the string binding escape; Wine's
// rpcrt4 escapes @ : [ ] \ the same way). A backslash before any other
// character is an ordinary character, so Windows-style "\pipe\epmapper"
// reads as written. format() always escapes those seven characters, so
// format(parse(s)) is canonical and parses back to the same StringBinding.
//
// The option "endpoint=" is another way to give the endpoint (C706); parse
// folds it into `endpoint`, and giving the endpoint twice is an error.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/binding/errc.hpp"
#include "rampart/binding/protseq.hpp"
#include "rampart/binding/tower.hpp"

namespace rampart::binding {

/// Bounds for string bindings from configuration, command lines and DCOM
/// string arrays (docs/hardening.md C8: every name has a documented maximum).
struct StringBindingLimits {
  /// Whole binding. Windows caps string bindings well below this; 1024 holds
  /// a UUID, a maximal host, a maximal endpoint and a few options.
  std::size_t max_total = 1024;
  /// Host: DNS names are at most 253 octets (RFC 1035); NetBIOS "\\name" and
  /// IPv6 text are shorter.
  std::size_t max_host = 255;
  /// Endpoint: a pipe or local name that must fit a tower name floor
  /// (TowerLimits::max_string_octets, 256 with the NUL), or a port.
  std::size_t max_endpoint = 255;
  /// Option keys are short identifiers ("security", "endpoint").
  std::size_t max_option_key = 32;
  std::size_t max_option_value = 255;
  /// Options per binding; [MS-RPCE] and C706 define only a handful.
  std::size_t max_options = 16;
};

struct StringBindingOption {
  std::string key;
  std::string value;
  friend bool operator==(const StringBindingOption&, const StringBindingOption&) = default;
};

struct StringBinding {
  std::optional<Uuid> object;
  Protseq protseq = Protseq::ncacn_ip_tcp;
  std::string host;      // unescaped; IPv6 without its brackets
  std::string endpoint;  // unescaped; empty when absent
  std::vector<StringBindingOption> options;  // in the order given, endpoint= excluded

  [[nodiscard]] static Result<StringBinding> parse(std::string_view text,
                                                   const StringBindingLimits& limits = {});
  /// Canonical text: lower-case UUID, escapes as described above, IPv6
  /// hosts in brackets, no empty "[]" unless an IPv6 host needs one.
  [[nodiscard]] std::string format() const;
  /// Same as format(); every Rampart value type has a describe().
  [[nodiscard]] std::string describe() const { return format(); }

  /// The string form of a tower's typed view (object UUID and options empty).
  [[nodiscard]] static StringBinding from_tower(const TowerBinding& t);
  /// The typed tower view for this binding and the given syntaxes; pass it
  /// to Tower::build, which checks the endpoint and address.
  [[nodiscard]] TowerBinding to_tower_binding(const SyntaxId& interface,
                                              const SyntaxId& transfer = syntax::kNdr20) const;

  friend bool operator==(const StringBinding&, const StringBinding&) = default;
};

}  // namespace rampart::binding
