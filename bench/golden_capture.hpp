// Loads one PDU from the golden captures for benchmarks that time real
// peers' traffic (tests/golden/captures/<session>/<file>.hex).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "rampart/base/hex.hpp"

namespace rampart::bench {

inline std::vector<std::uint8_t> golden_capture(const char* relative) {
  std::ifstream in(std::filesystem::path(RAMPART_SOURCE_DIR) / "tests/golden/captures" / relative);
  std::stringstream s;
  s << in.rdbuf();
  auto bytes = parse_hex(s.str());
  if (!bytes || bytes->empty()) std::abort();
  return *bytes;
}

}  // namespace rampart::bench
