#include "rampart/binding/errc.hpp"

namespace rampart {

const char* ErrorCodeTraits<binding::Errc>::name(binding::Errc e) noexcept {
  using binding::Errc;
  switch (e) {
    case Errc::tower_truncated: return "tower_truncated";
    case Errc::tower_too_long: return "tower_too_long";
    case Errc::no_floors: return "no_floors";
    case Errc::too_many_floors: return "too_many_floors";
    case Errc::unknown_floor_protocol: return "unknown_floor_protocol";
    case Errc::floor_lhs_length: return "floor_lhs_length";
    case Errc::uuid_floor_lhs_length: return "uuid_floor_lhs_length";
    case Errc::uuid_floor_rhs_length: return "uuid_floor_rhs_length";
    case Errc::version_rhs_length: return "version_rhs_length";
    case Errc::port_rhs_length: return "port_rhs_length";
    case Errc::ipv4_rhs_length: return "ipv4_rhs_length";
    case Errc::string_not_terminated: return "string_not_terminated";
    case Errc::string_embedded_nul: return "string_embedded_nul";
    case Errc::string_too_long: return "string_too_long";
    case Errc::trailing_bytes: return "trailing_bytes";
    case Errc::not_a_uuid_floor: return "not_a_uuid_floor";
    case Errc::unknown_protseq: return "unknown_protseq";
    case Errc::floor_count_mismatch: return "floor_count_mismatch";
    case Errc::unexpected_floor: return "unexpected_floor";
    case Errc::bad_port: return "bad_port";
    case Errc::bad_ipv4: return "bad_ipv4";
    case Errc::unexpected_address: return "unexpected_address";
    case Errc::binding_too_long: return "binding_too_long";
    case Errc::control_character: return "control_character";
    case Errc::missing_protseq: return "missing_protseq";
    case Errc::bad_protseq: return "bad_protseq";
    case Errc::bad_object_uuid: return "bad_object_uuid";
    case Errc::unbalanced_brackets: return "unbalanced_brackets";
    case Errc::trailing_characters: return "trailing_characters";
    case Errc::bad_ipv6_host: return "bad_ipv6_host";
    case Errc::part_too_long: return "part_too_long";
    case Errc::bad_option: return "bad_option";
    case Errc::duplicate_option: return "duplicate_option";
    case Errc::too_many_options: return "too_many_options";
  }
  return "unknown";
}

}  // namespace rampart
