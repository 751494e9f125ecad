#include "rampart/binding/tower_describe.hpp"

#include <fmt/format.h>

#include "rampart/base/hex.hpp"
#include "rampart/binding/tower.hpp"

namespace rampart::binding {

void describe_tower_octets(std::string& out, int indent, std::span<const std::uint8_t> octets) {
  const std::string pad(static_cast<std::size_t>(indent < 0 ? 0 : indent) * 2, ' ');
  out += fmt::format("{}{} octets\n", pad, octets.size());
  auto tower = Tower::decode(octets);
  const std::string body = tower ? tower->describe()
                                 : fmt::format("undecodable: {}\n{}", tower.error().to_string(), to_hex(octets, true));
  std::size_t start = 0;
  while (start < body.size()) {
    const auto end = body.find('\n', start);
    out += pad + "  " + body.substr(start, end == std::string::npos ? std::string::npos : end - start) + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace rampart::binding
