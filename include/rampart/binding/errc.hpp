// Error codes of the binding layer: protocol towers (C706 Appendix L) and
// string bindings (C706 chapter 2, "String Bindings"; [MS-RPCE] 2.1). One code per
// rule, so a test or the fault policy can tell exactly which rule a tower or
// binding string broke.
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::binding {

enum class Errc : std::uint16_t {
  // Tower octet string (C706 Appendix L), checked by Tower::decode.
  tower_truncated = 1,       // input ends inside a count, length or floor
  tower_too_long,            // octet string longer than TowerLimits::max_tower_octets
  no_floors,                 // floor_count is zero
  too_many_floors,           // floor_count above TowerLimits::max_floors
  unknown_floor_protocol,    // protocol id not in the floor table
  floor_lhs_length,          // non-UUID floor whose lhs_length is not 1
  uuid_floor_lhs_length,     // UUID floor (0x0d) whose lhs_length is not 19
  uuid_floor_rhs_length,     // UUID floor whose rhs_length is not 2
  version_rhs_length,        // protocol floor (0x0a/0x0b/0x0c) whose rhs_length is not 2
  port_rhs_length,           // port floor (0x07/0x08/0x1f) whose rhs_length is not 2
  ipv4_rhs_length,           // IP floor (0x09) whose rhs_length is not 4
  string_not_terminated,     // name floor whose rhs is empty or does not end in NUL
  string_embedded_nul,       // name floor with a NUL before its last octet
  string_too_long,           // name floor longer than TowerLimits::max_string_octets
  trailing_bytes,            // octets left after the last floor

  // Typed view of a tower (Tower::binding / Tower::build).
  not_a_uuid_floor,          // floor 1 or 2 is not an interface/transfer UUID floor
  unknown_protseq,           // floors 3.. match no protocol sequence in the table
  floor_count_mismatch,      // floor count differs from the protseq's
  unexpected_floor,          // a floor that the protseq does not have at that position
  bad_port,                  // endpoint is not a decimal port 0..65535
  bad_ipv4,                  // address is not a dotted-quad IPv4 address
  unexpected_address,        // an address given for a protseq whose tower has none

  // String bindings, checked by StringBinding::parse.
  binding_too_long,          // text longer than StringBindingLimits::max_total
  control_character,         // a control character (below 0x20 or 0x7f)
  missing_protseq,           // no ':' after the protocol sequence
  bad_protseq,               // protocol sequence not in the table
  bad_object_uuid,           // text before '@' is not a UUID
  unbalanced_brackets,       // '[' without ']', a stray ']' or a nested '['
  trailing_characters,       // text after the closing ']'
  bad_ipv6_host,             // bracketed host with characters outside [0-9a-f:.]
  part_too_long,             // host, endpoint, option key or value above its limit
  bad_option,                // option without '=' or with a bad key
  duplicate_option,          // the same option key twice (endpoint= counts)
  too_many_options,          // more options than StringBindingLimits::max_options
};

}  // namespace rampart::binding

template <>
struct rampart::ErrorCodeTraits<rampart::binding::Errc> {
  static constexpr ErrorDomain domain = ErrorDomain::binding;
  static const char* name(rampart::binding::Errc e) noexcept;
};
