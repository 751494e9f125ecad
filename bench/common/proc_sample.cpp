#include "proc_sample.hpp"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace rampart::bench {

namespace {

// proc(5) stat fields from field 3 (state) on: f[0] is field 3.
std::optional<std::vector<std::string>> stat_fields(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string w; rest >> w;) f.push_back(w);
  if (f.size() < 15) return std::nullopt;
  return f;
}

std::uint64_t vm_rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

}  // namespace

std::vector<int> group_members(int leader) {
  std::vector<int> pids;
  if (leader <= 0) return pids;
  auto lf = stat_fields(leader);
  if (!lf) return pids;
  const long pgrp = std::strtol((*lf)[2].c_str(), nullptr, 10);  // field 5
  DIR* d = opendir("/proc");
  if (!d) return pids;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const int pid = std::atoi(e->d_name);
    auto f = stat_fields(pid);
    if (f && std::strtol((*f)[2].c_str(), nullptr, 10) == pgrp) pids.push_back(pid);
  }
  closedir(d);
  return pids;
}

ProcSample sample_pids(std::span<const int> pids) {
  ProcSample s;
  for (const int pid : pids) {
    auto f = stat_fields(pid);
    if (!f) continue;
    // fields 14..17: utime stime cutime cstime
    for (std::size_t i = 11; i <= 14; ++i) s.cpu_ticks += std::strtoull((*f)[i].c_str(), nullptr, 10);
    s.minor_faults += std::strtoull((*f)[7].c_str(), nullptr, 10);  // field 10
    s.rss_kib += vm_rss_kib(pid);
    ++s.processes;
  }
  return s;
}

ProcSample sample_group(int leader) { return sample_pids(group_members(leader)); }

}  // namespace rampart::bench
