// ndr::DecodeLimits: every bound the NDR engine applies to peer-controlled
// input, in one place (docs/design.md, "Limits live in one documented
// struct per layer").
//
// The engine already refuses any count whose elements cannot fit in the
// bytes that remain (C11), so no limit here is needed for memory safety on
// its own; these bound the work and memory one stub can cost the service.
#pragma once

#include <cstdint>

namespace rampart::ndr {

struct DecodeLimits {
  /// Deepest nesting of constructed types and pointer referents (C12).
  /// Default 32. C706 14 puts no bound on nesting, and a self-referencing
  /// type (a linked list through [unique] pointers) nests once per element,
  /// so a hostile stub could recurse until the stack overflows. The EPM and
  /// mgmt types nest at most 4 deep; DCOM ORPC types stay below 16.
  std::uint32_t max_depth = 32;

  /// Most bytes one decode may allocate for arrays, strings and the
  /// full-pointer table (C2, C13). Default 16 MiB. [MS-RPCE] 3.3.3.5.4 caps a
  /// request stub at 4 MiB by default; decoded forms can be larger than the
  /// wire form (a 4-octet referent id becomes a std::optional<T>), so the
  /// budget allows a 4x expansion of a maximal stub and no more.
  std::uint64_t max_alloc_bytes = 16u * 1024 * 1024;

  /// Most elements in one array (C7, C11). Default 4 Mi: one element per
  /// octet of a maximal 4 MiB stub ([MS-RPCE] 3.3.3.5.4). The per-count
  /// check against the bytes that remain is the tighter bound in practice;
  /// this one keeps loops bounded even for elements with a tiny wire form.
  std::uint32_t max_array_elements = 4u * 1024 * 1024;

  /// Default maximum length in characters, terminator excluded, of a
  /// [string] that has no tighter documented bound (C8). Default 32767:
  /// the longest UNICODE_STRING ([MS-DTYP] 2.3.10) and the longest Windows
  /// path, so every legitimate name fits. Callers pass a tighter bound
  /// where the IDL or the spec gives one (ept_entry_t annotation: 64).
  std::uint32_t max_string_length = 32767;

  /// Most distinct full-pointer referent ids in one decode (C13). Default
  /// 65536. C706 14.3.11.3 lets any number of [ptr] pointers alias; the
  /// engine tracks each id to resolve aliases, so the table is capped.
  std::uint32_t max_full_pointers = 65536;
};

}  // namespace rampart::ndr
