// Small value types the NDR engine hands to stubs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rampart/base/uuid.hpp"

namespace rampart::ndr {

/// ndr_context_handle (C706 Appendix N; [MS-RPCE] 2.2.1.1.4): a u32
/// attributes word then a UUID, 20 octets, 4-aligned. All zeros is the null
/// handle a client sends on its first call; otherwise the 20 octets are one
/// opaque token.
struct ContextHandle {
  std::uint32_t attributes = 0;
  Uuid uuid;

  [[nodiscard]] bool is_null() const noexcept { return attributes == 0 && uuid.is_nil(); }
  /// "attributes 0x00000000 uuid 00000000-0000-0000-0000-000000000000"
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const ContextHandle&, const ContextHandle&) = default;
};

/// A [unique] or embedded [ref] pointer as read from the wire. The referent
/// itself is read later by the caller, at the position NDR defines
/// (C706 14.3.12: top-level referents follow the pointer at once; embedded
/// ones follow the outermost construct).
struct Pointer {
  std::uint64_t referent_id = 0;
  [[nodiscard]] bool is_null() const noexcept { return referent_id == 0; }
};

/// A [ptr] (full) pointer (C706 14.3.11.3). When `first` is false the id was
/// seen before in this decode: no referent follows on the wire and the
/// pointer designates the object registered under `slot`.
struct FullPointer {
  std::uint64_t referent_id = 0;
  bool first = false;
  std::uint32_t slot = 0;
  [[nodiscard]] bool is_null() const noexcept { return referent_id == 0; }
};

/// How a [string] is bounded (C706 14.3.4; C8).
struct StringSpec {
  /// Fixed array bound N for `[string] char a[N]`: the string is then
  /// varying only (offset, actual_count; no max_count on the wire) and
  /// actual_count may not exceed N. 0 for a conformant-varying string.
  std::uint32_t fixed_size = 0;
  /// The size_is correlation of a conformant-varying string, if the IDL
  /// gives one; max_count must equal it.
  std::optional<std::uint64_t> size_is;
  /// Longest accepted string in characters, terminator excluded; 0 means
  /// DecodeLimits::max_string_length.
  std::uint32_t max_length = 0;
};

/// Width of a union discriminant (C706 14.3.8).
enum class DiscriminantWidth : std::uint8_t { u8 = 1, u16 = 2, u32 = 4 };

}  // namespace rampart::ndr
