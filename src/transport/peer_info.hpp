// Builds the runtime's PeerInfo from an accepted socket: who is calling,
// as far as the transport can tell (docs/hardening.md C14 reads it before anything
// is unmarshalled).
#pragma once

#include <asio/ip/tcp.hpp>
#include <string>

#include "rampart/runtime/peer.hpp"

namespace rampart::transport {

/// A TCP peer. IPv6 sources share a per-source key per /64, the smallest
/// prefix a single host is usually given, so one host cannot dodge
/// max_connections_per_source by rotating interface identifiers.
[[nodiscard]] runtime::PeerInfo tcp_peer(const asio::ip::tcp::endpoint& remote, const asio::ip::tcp::endpoint& local);

/// A local-socket peer, with SO_PEERCRED read from `fd` when available.
/// Its per-source key is its uid.
[[nodiscard]] runtime::PeerInfo local_peer(int fd, const std::string& socket_path);

}  // namespace rampart::transport
