#include "rampart/pdu/bodies.hpp"

#include <algorithm>

namespace rampart::pdu {

bool bytes_equal(Bytes a, Bytes b) noexcept { return std::ranges::equal(a, b); }

bool operator==(const Request& a, const Request& b) noexcept {
  return a.alloc_hint == b.alloc_hint && a.context_id == b.context_id && a.opnum == b.opnum &&
         a.object == b.object && bytes_equal(a.stub, b.stub);
}

bool operator==(const Response& a, const Response& b) noexcept {
  return a.alloc_hint == b.alloc_hint && a.context_id == b.context_id &&
         a.cancel_count == b.cancel_count && a.reserved == b.reserved && bytes_equal(a.stub, b.stub);
}

bool operator==(const Fault& a, const Fault& b) noexcept {
  return a.alloc_hint == b.alloc_hint && a.context_id == b.context_id &&
         a.cancel_count == b.cancel_count && a.flags == b.flags && a.status == b.status &&
         a.reserved == b.reserved && bytes_equal(a.stub, b.stub);
}

bool operator==(const BindNak& a, const BindNak& b) noexcept {
  return a.reason == b.reason && a.versions == b.versions && bytes_equal(a.tail, b.tail);
}

bool operator==(const Rts& a, const Rts& b) noexcept {
  return a.flags == b.flags && a.number_of_commands == b.number_of_commands &&
         bytes_equal(a.commands, b.commands);
}

bool operator==(const AuthVerifier& a, const AuthVerifier& b) noexcept {
  return a.auth_type == b.auth_type && a.auth_level == b.auth_level &&
         a.auth_pad_length == b.auth_pad_length && a.auth_reserved == b.auth_reserved &&
         a.auth_context_id == b.auth_context_id && bytes_equal(a.auth_pad, b.auth_pad) &&
         bytes_equal(a.auth_value, b.auth_value);
}

}  // namespace rampart::pdu
