// Where a listener accepts connections: a TCP address and port
// ("0.0.0.0:135", "[::]:135", "[::1]:0") or a Unix-domain stream socket
// path, the local transport that plays the part of ncalrpc.
#pragma once

#include <string>
#include <string_view>

#include <asio/ip/tcp.hpp>

#include "rampart/base/error.hpp"
#include "rampart/transport/errc.hpp"

namespace rampart::transport {

struct ListenAddress {
  enum class Kind : std::uint8_t { tcp, local };
  Kind kind = Kind::tcp;
  asio::ip::tcp::endpoint tcp;  // Kind::tcp
  std::string path;             // Kind::local

  /// "0.0.0.0:135", "[::1]:135" or "local:/run/rampart/epmapper.sock".
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

/// Parses "ADDR:PORT" with a numeric IPv4 address or a bracketed IPv6
/// address. Host names are refused: a listener binds what it is told, and
/// resolving at start-up would make the bound address depend on DNS.
[[nodiscard]] Result<ListenAddress> parse_tcp_address(std::string_view text);

/// Validates an absolute socket path that fits sockaddr_un::sun_path.
[[nodiscard]] Result<ListenAddress> local_address(std::string_view path);

}  // namespace rampart::transport
