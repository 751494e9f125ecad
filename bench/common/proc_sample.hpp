// A server's CPU time and memory, read from /proc and summed over every
// process in its process group (so Samba's forked workers count too). Used
// by the benchmark drivers (rampart-loadgen, rampart-hostile).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rampart::bench {

struct ProcSample {
  std::uint64_t cpu_ticks = 0;  // utime+stime (+cutime+cstime) of every process in the group
  std::uint64_t rss_kib = 0;    // sum of VmRSS
  std::uint64_t minor_faults = 0;  // minflt: pages the kernel had to map in
  int processes = 0;
};

/// The pids of every process whose process group is `leader`'s (a scan of
/// all of /proc); empty when `leader` is 0 or gone.
[[nodiscard]] std::vector<int> group_members(int leader);

/// The processes `pids` that still exist. Cheap enough to call every few
/// milliseconds beside a benchmark, unlike a scan of /proc.
[[nodiscard]] ProcSample sample_pids(std::span<const int> pids);

/// sample_pids(group_members(leader)).
[[nodiscard]] ProcSample sample_group(int leader);

}  // namespace rampart::bench
