#include "heap_policy.hpp"

#include <malloc.h>

#include <algorithm>
#include <climits>

namespace rampartd {

namespace {
constexpr std::size_t kGlibcDefaultMmapThreshold = 128u << 10;
constexpr std::size_t kGlibcMaxMmapThreshold = 32u << 20;  // HEAP_MAX_SIZE / 2 on 64-bit
}  // namespace

HeapThresholds heap_thresholds(std::size_t max_stub) noexcept {
  // min() first: doubling a huge max_stub must not wrap around.
  const std::size_t mmap =
      std::max(2 * std::min(max_stub, kGlibcMaxMmapThreshold / 2), kGlibcDefaultMmapThreshold);
  return {mmap, 2 * mmap};
}

bool apply_heap_thresholds(std::size_t max_stub) noexcept {
  const HeapThresholds t = heap_thresholds(max_stub);
  // mallopt takes int; both values are at most 64 MiB.
  static_assert(2 * kGlibcMaxMmapThreshold <= static_cast<std::size_t>(INT_MAX));
  const bool mmap_ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(t.mmap_threshold)) == 1;
  const bool trim_ok = mallopt(M_TRIM_THRESHOLD, static_cast<int>(t.trim_threshold)) == 1;
  return mmap_ok && trim_ok;
}

}  // namespace rampartd
