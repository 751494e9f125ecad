// DUALSTRINGARRAY ([MS-DCOM] 2.2.19): the string bindings and security
// bindings of an object resolver or exporter, checked strictly.
//
// The wire form is wNumEntries, wSecurityOffset, then wNumEntries 16-bit
// units: STRINGBINDINGs { wTowerId, aNetworkAddr NUL-terminated } and a
// zero, then from wSecurityOffset SECURITYBINDINGs { wAuthnSvc, Reserved,
// aPrincName NUL-terminated } and a zero ([MS-DCOM] 2.2.19.1-2.2.19.4).
// An empty list is written as two zeros, as the smallest array the spec
// gives (wNumEntries 4, wSecurityOffset 2, four zeros) shows.
//
// It arrives in two shapes: NDR-marshaled (the generated
// spec::orpc::DUALSTRINGARRAY, whose decoder has already matched max_count
// to wNumEntries) and packed inside an OBJREF (no max_count). Both reach
// parse_units(), which checks every rule below against the units alone:
//  - wNumEntries <= DsaLimits::max_entries; wSecurityOffset < wNumEntries;
//  - every binding ends with its zero inside its own section;
//  - the string section ends exactly at wSecurityOffset, the security
//    section exactly at wNumEntries (no units after the final zero);
//  - at most DsaLimits::max_bindings of each kind, each name at most
//    DsaLimits::max_name_units units, no empty network address.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/byte_reader.hpp"
#include "rampart/base/error.hpp"

namespace rampart::dcom {

struct DsaLimits {
  /// Units in aStringArray. Windows' own arrays stay well below 1000 units
  /// (one binding per address); 8192 units is 16 KiB, a bound on what one
  /// OBJREF or reply may make Rampart copy (docs/hardening.md C9).
  std::uint16_t max_entries = 8192;
  /// Bindings of each kind. A host lists one per protocol sequence and
  /// address; 64 covers every multi-homed host seen.
  std::size_t max_bindings = 64;
  /// Units in one network address or principal name, terminator excluded:
  /// a DNS name is at most 255 octets, and an address adds a port in
  /// brackets ([MS-DCOM] 2.2.19.3).
  std::size_t max_name_units = 300;
};

struct StringBindingEntry {
  std::uint16_t tower_id = 0;   // [MS-DCOM] 2.2.19.3: 0x07 ncacn_ip_tcp, ...
  std::u16string network_addr;  // "host" or "host[port]"
  friend bool operator==(const StringBindingEntry&, const StringBindingEntry&) = default;
};

struct SecurityBindingEntry {
  std::uint16_t authn_svc = 0;      // [MS-RPCE] 2.2.1.1.7
  std::uint16_t reserved = 0xffff;  // [MS-DCOM] 2.2.19.4: authorization service, 0xffff
  std::u16string princ_name;
  friend bool operator==(const SecurityBindingEntry&, const SecurityBindingEntry&) = default;
};

inline constexpr std::uint16_t kTowerNcacnIpTcp = 0x0007;

struct DualStringArray {
  std::vector<StringBindingEntry> strings;
  std::vector<SecurityBindingEntry> security;

  /// Checks wNumEntries units (without the two counts) against the rules.
  [[nodiscard]] static Result<DualStringArray> parse_units(std::uint16_t wire_num_entries,
                                                           std::uint16_t wire_security_offset,
                                                           std::span<const std::uint16_t> units,
                                                           const DsaLimits& limits = {});
  /// The packed form inside an OBJREF: the two counts, then the units,
  /// little-endian. Consumes exactly its own octets from `r`.
  [[nodiscard]] static Result<DualStringArray> decode_packed(ByteReader& r, const DsaLimits& limits = {});

  /// The units and wSecurityOffset this array encodes to. Refuses what
  /// parse_units would refuse (an empty name, a zero tower id, a NUL
  /// inside a name, more than `limits` allow), so Rampart never sends an
  /// array it would not accept.
  struct Units {
    std::uint16_t security_offset = 0;
    std::vector<std::uint16_t> units;
  };
  [[nodiscard]] Result<Units> to_units(const DsaLimits& limits = {}) const;
  /// The packed form (wNumEntries, wSecurityOffset, units).
  [[nodiscard]] Result<void> encode_packed(std::vector<std::uint8_t>& out, const DsaLimits& limits = {}) const;

  [[nodiscard]] std::string describe() const;
  friend bool operator==(const DualStringArray&, const DualStringArray&) = default;
};

/// UTF-16 units from ASCII text (addresses and principal names Rampart
/// makes itself), and the reverse for display (non-ASCII shown as '?').
[[nodiscard]] std::u16string ascii_to_u16(std::string_view text);
[[nodiscard]] std::string u16_to_display(std::u16string_view text);

}  // namespace rampart::dcom
