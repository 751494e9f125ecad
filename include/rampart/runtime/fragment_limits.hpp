// Limits of the fragment layer, one documented field each (docs/hardening.md C1-C3, C13).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rampart::runtime {

struct FragmentLimits {
  /// Largest reassembled request stub. [MS-RPCE] 3.3.3.5.4: Windows servers
  /// refuse requests above 4 MiB by default; interfaces that need more get a
  /// per-interface override in the server runtime.
  std::size_t max_stub = 4u << 20;

  /// Most fragments in one call. Clients fragment at the negotiated size,
  /// at least 2048 octets ([MS-RPCE] 3.3.1.5.2.1 and observed Samba and
  /// Windows behaviour), so a 4 MiB stub needs at most about 2100 fragments;
  /// tiny fragments beyond that only cost the server per-fragment work.
  std::size_t max_fragments = 4096;

  /// Calls reassembling at once on one connection. Without PFC_CONC_MPX it
  /// is 1 by definition (C706 12.4); with it, [MS-RPCE] 3.3.1.5.2 leaves the
  /// bound to the server. Matches ServerLimits::max_pending_calls by default.
  std::size_t max_concurrent_calls = 32;

  /// First allocation for a fragmented stub. alloc_hint is only a hint
  /// (docs/hardening.md C2): a first fragment claiming 4 MiB must not make the server
  /// reserve 4 MiB, so reservation is min(alloc_hint, this) and the buffer
  /// then grows with the bytes that really arrive.
  std::size_t max_initial_reserve = 64u << 10;
};

}  // namespace rampart::runtime
