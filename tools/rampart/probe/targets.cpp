// Target expansion (targets.hpp).
#include "targets.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <fstream>

namespace rampart::probe {

namespace {

std::expected<std::uint32_t, std::string> parse_ipv4(std::string_view s) {
  in_addr a{};
  const std::string z(s);
  if (inet_pton(AF_INET, z.c_str(), &a) != 1) return std::unexpected(fmt::format("'{}' is not an IPv4 address", s));
  return ntohl(a.s_addr);
}

std::string format_ipv4(std::uint32_t v) {
  return fmt::format("{}.{}.{}.{}", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::expected<void, std::string> expand_target(std::string_view spec, std::size_t max_hosts, std::vector<std::string>& out) {
  spec = trim(spec);
  if (spec.empty()) return std::unexpected(std::string("empty target"));
  const auto slash = spec.find('/');
  if (slash == std::string_view::npos) {
    if (out.size() + 1 > max_hosts)
      return std::unexpected(fmt::format("more than {} hosts (use --force and --max-hosts)", max_hosts));
    out.emplace_back(spec);
    return {};
  }
  auto base = parse_ipv4(spec.substr(0, slash));
  if (!base) return std::unexpected(base.error() + " (CIDR ranges are IPv4 only)");
  unsigned prefix = 0;
  const auto p = spec.substr(slash + 1);
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
  if (ec != std::errc{} || ptr != p.data() + p.size() || prefix > 32)
    return std::unexpected(fmt::format("bad prefix length in '{}'", spec));
  const std::uint64_t size = std::uint64_t{1} << (32 - prefix);
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  const std::uint32_t network = *base & mask;
  // Up to /30 the first and last addresses name the network and its broadcast.
  const std::uint64_t first = prefix <= 30 ? 1 : 0;
  const std::uint64_t last = prefix <= 30 ? size - 2 : size - 1;
  const std::uint64_t count = last - first + 1;
  if (out.size() + count > max_hosts)
    return std::unexpected(fmt::format("'{}' is {} hosts, over the limit of {} (use --force and --max-hosts)", spec,
                                       count, max_hosts));
  for (std::uint64_t i = first; i <= last; ++i) out.push_back(format_ipv4(network + static_cast<std::uint32_t>(i)));
  return {};
}

std::expected<void, std::string> read_targets_file(const std::string& path, std::size_t max_hosts,
                                                   std::vector<std::string>& out) {
  std::ifstream in(path);
  if (!in) return std::unexpected(fmt::format("cannot read {}", path));
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string_view s = line;
    if (auto hash = s.find('#'); hash != std::string_view::npos) s = s.substr(0, hash);
    s = trim(s);
    if (s.empty()) continue;
    if (auto ok = expand_target(s, max_hosts, out); !ok)
      return std::unexpected(fmt::format("{}:{}: {}", path, n, ok.error()));
  }
  return {};
}

}  // namespace rampart::probe
