#include "peer_info.hpp"

#include <algorithm>

#include <sys/socket.h>

namespace rampart::transport {

namespace {

std::string source_key_of(const asio::ip::address& addr) {
  if (addr.is_v4() || addr.is_loopback()) return addr.to_string();
  auto bytes = addr.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), std::uint8_t{0});
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace

runtime::PeerInfo tcp_peer(const asio::ip::tcp::endpoint& remote, const asio::ip::tcp::endpoint& local) {
  auto addr = remote.address();
  // Listeners set IPV6_V6ONLY, but a mapped address would otherwise escape
  // the IPv4 per-source key and the loopback check.
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  }
  runtime::PeerInfo peer;
  peer.transport = runtime::TransportKind::tcp;
  const auto port = std::to_string(remote.port());
  peer.address = addr.is_v6() ? "[" + addr.to_string() + "]:" + port : addr.to_string() + ":" + port;
  peer.source_key = source_key_of(addr);
  peer.local_endpoint = std::to_string(local.port());
  auto here = local.address();
  if (here.is_v6() && here.to_v6().is_v4_mapped()) here = asio::ip::make_address_v4(asio::ip::v4_mapped, here.to_v6());
  if (here.is_v4()) peer.local_ipv4 = here.to_v4().to_bytes();
  peer.loopback = addr.is_loopback();
  return peer;
}

runtime::PeerInfo local_peer(int fd, const std::string& socket_path) {
  runtime::PeerInfo peer;
  peer.transport = runtime::TransportKind::local;
  peer.address = "local";
  peer.local_endpoint = socket_path;
  // The local socket never leaves the host.
  peer.loopback = true;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && len == sizeof cred) {
    peer.credentials = runtime::PeerInfo::Credentials{cred.pid, cred.uid, cred.gid};
    peer.source_key = "local:uid=" + std::to_string(cred.uid);
  } else {
    peer.source_key = "local:unknown";
  }
  return peer;
}

}  // namespace rampart::transport
