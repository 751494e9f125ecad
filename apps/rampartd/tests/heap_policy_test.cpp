#include "heap_policy.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

namespace rampartd {
namespace {

constexpr std::size_t MiB = 1u << 20;

TEST(HeapPolicy, ReassemblyBuffersOfTheDefaultCapStayInTheArena) {
  const HeapThresholds t = heap_thresholds(4 * MiB);
  EXPECT_EQ(t.mmap_threshold, 8 * MiB);  // a growing 4 MiB stub's buffer is below it
  EXPECT_EQ(t.trim_threshold, 16 * MiB);
}

TEST(HeapPolicy, ThresholdsStayWithinWhatGlibcAccepts) {
  EXPECT_EQ(heap_thresholds(16 * 1024).mmap_threshold, 128u * 1024);  // never below glibc's default
  EXPECT_EQ(heap_thresholds(100 * MiB).mmap_threshold, 32 * MiB);     // glibc's largest
  EXPECT_EQ(heap_thresholds(100 * MiB).trim_threshold, 64 * MiB);
  EXPECT_EQ(heap_thresholds(SIZE_MAX).mmap_threshold, 32 * MiB);      // no overflow
}

long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// The point of the policy: a second reassembly-sized buffer reuses the pages
// of the first instead of faulting in fresh ones (a fragment flood's refused
// calls would otherwise cost ~1,600 faults each).
TEST(HeapPolicy, AFreedReassemblyBufferIsReusedWithoutPageFaults) {
  if (!apply_heap_thresholds(4 * MiB)) GTEST_SKIP() << "this malloc does not take mallopt (sanitizer build)";
  const std::size_t size = 4 * MiB;
  auto touch_and_free = [&] {
    auto* p = static_cast<unsigned char*>(std::malloc(size));
    ASSERT_NE(p, nullptr);
    std::memset(p, 0x5a, size);
    asm volatile("" : : "r"(p) : "memory");  // the compiler may not drop the buffer as unused
    std::free(p);
  };
  touch_and_free();
  const long before = minor_faults();
  touch_and_free();
  const long faults = minor_faults() - before;
  EXPECT_LT(faults, 64) << "a 4 MiB buffer (1024 pages) was faulted in again";
}

}  // namespace
}  // namespace rampartd
