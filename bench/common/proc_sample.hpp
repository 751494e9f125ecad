// A server's CPU time and memory, read from /proc and summed over every
// process in its process group (so Samba's forked workers count too). Used
// by the benchmark drivers (rampart-loadgen, rampart-hostile).
#pragma once

#include <cstdint>

namespace rampart::bench {

struct ProcSample {
  std::uint64_t cpu_ticks = 0;  // utime+stime (+cutime+cstime) of every process in the group
  std::uint64_t rss_kib = 0;    // sum of VmRSS
  int processes = 0;
};

/// Every process whose process group is `leader`'s; an empty sample when
/// `leader` is 0 or gone.
[[nodiscard]] ProcSample sample_group(int leader);

}  // namespace rampart::bench
