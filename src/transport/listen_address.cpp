#include "rampart/transport/listen_address.hpp"

#include <charconv>
#include <sys/un.h>

namespace rampart::transport {

std::string ListenAddress::to_string() const {
  if (kind == Kind::local) return "local:" + path;
  const auto addr = tcp.address();
  const auto port = std::to_string(tcp.port());
  return addr.is_v6() ? "[" + addr.to_string() + "]:" + port : addr.to_string() + ":" + port;
}

namespace {

Result<std::uint16_t> parse_port(std::string_view text, std::size_t offset) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value > 65535) {
    return fail(Errc::bad_port, "port must be a decimal number 0..65535", offset);
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<ListenAddress> parse_tcp_address(std::string_view text) {
  std::string_view host;
  std::size_t port_at = 0;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return fail(Errc::bad_address, "expected [IPV6]:PORT", 0);
    }
    host = text.substr(1, close - 1);
    port_at = close + 2;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail(Errc::bad_port, "expected ADDR:PORT", text.size());
    host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
      return fail(Errc::bad_address, "an IPv6 address must be in brackets: [::1]:135", 0);
    }
    port_at = colon + 1;
  }
  const std::uint16_t port = RAMPART_TRY(parse_port(text.substr(port_at), port_at));
  std::error_code ec;
  const auto addr = asio::ip::make_address(std::string(host), ec);
  if (ec || (text.starts_with('[') != addr.is_v6())) {
    return fail(Errc::bad_address, "not a numeric IPv4 or bracketed IPv6 address", 0);
  }
  ListenAddress out;
  out.tcp = asio::ip::tcp::endpoint(addr, port);
  return out;
}

Result<ListenAddress> local_address(std::string_view path) {
  if (!path.starts_with('/')) return fail(Errc::bad_address, "a local socket path must be absolute", 0);
  // sun_path holds the path and its terminating NUL.
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return fail(Errc::path_too_long, "local socket path longer than sockaddr_un allows", path.size());
  }
  if (path.find('\0') != std::string_view::npos) return fail(Errc::bad_address, "NUL in socket path", 0);
  ListenAddress out;
  out.kind = ListenAddress::Kind::local;
  out.path = std::string(path);
  return out;
}

}  // namespace rampart::transport
