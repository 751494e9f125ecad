// Fuzzes Tower::decode (C706 Appendix L). A tower that decodes must encode
// back to the exact input, decode again to the same value, describe itself,
// and, when it forms a known protseq, rebuild from its typed view. Malformed
// input is only ever an error result.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "rampart/binding/tower.hpp"

using rampart::binding::Tower;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  auto tower = Tower::decode(input);
  if (!tower) return 0;
  const std::vector<std::uint8_t> bytes = tower->encode();
  if (!std::equal(bytes.begin(), bytes.end(), input.begin(), input.end())) std::abort();
  auto again = Tower::decode(bytes);
  if (!again || *again != *tower) std::abort();
  if (tower->describe().empty()) std::abort();
  auto view = tower->binding();
  if (view) {
    auto rebuilt = Tower::build(*view);
    if (!rebuilt || *rebuilt != *tower) std::abort();
  }
  return 0;
}
