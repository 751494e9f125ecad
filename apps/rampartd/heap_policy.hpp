// How rampartd's heap treats the large buffers a fragmented call reassembles
// into (docs/hardening.md C2, fragment floods).
//
// glibc hands allocations above its mmap threshold (128 KiB at start) to mmap
// and gives freed memory at the top of an arena back to the kernel once more
// than its trim threshold is free. A peer that streams fragments up to the
// stub cap, is refused and reconnects would then make the server fault in
// fresh zeroed pages for every refused call: about 1,600 page faults per
// 4 MiB call, more CPU than receiving the octets. Keeping reassembly-sized
// buffers in the arenas lets the next call reuse pages already resident;
// what is kept is bounded by the trim threshold per arena.
#pragma once

#include <cstddef>

namespace rampartd {

struct HeapThresholds {
  std::size_t mmap_threshold;  // allocations at least this large get their own mapping
  std::size_t trim_threshold;  // free memory above this at an arena's top goes back
};

/// Thresholds for a reassembly cap of `max_stub` octets: a reassembly buffer
/// (whose capacity can reach twice the cap while it grows) stays in the
/// arena, within glibc's largest mmap threshold (32 MiB on 64-bit); the trim
/// threshold is twice that, the ratio glibc's own adaptive thresholds use.
[[nodiscard]] HeapThresholds heap_thresholds(std::size_t max_stub) noexcept;

/// Applies heap_thresholds(max_stub) with mallopt(3); false when the
/// allocator refused (another malloc, e.g. under a sanitizer). Call before
/// the worker threads start.
bool apply_heap_thresholds(std::size_t max_stub) noexcept;

}  // namespace rampartd
