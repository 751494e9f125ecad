// Fuzzes StringBinding::parse (C706 chapter 2; [MS-RPCE] 2.1). A binding that
// parses must format to a canonical text that parses to the same value and
// formats identically; if it also builds a tower, that tower must round-trip.
// Malformed input is only ever an error result.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rampart/binding/string_binding.hpp"

using rampart::binding::StringBinding;
using rampart::binding::Tower;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto binding = StringBinding::parse(text);
  if (!binding) return 0;
  const std::string canonical = binding->format();
  auto again = StringBinding::parse(canonical);
  if (!again || *again != *binding) std::abort();
  if (again->format() != canonical) std::abort();
  auto tower = Tower::build(binding->to_tower_binding(rampart::syntax::kNdr20));
  if (tower) {
    auto decoded = Tower::decode(tower->encode());
    if (!decoded || *decoded != *tower) std::abort();
    auto view = decoded->binding();
    if (!view || StringBinding::from_tower(*view).protseq != binding->protseq) std::abort();
  }
  return 0;
}
