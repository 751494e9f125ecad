// Who is calling, as the transport knows it. Handlers and the locality
// checks of docs/hardening.md C14 read it before unmarshalling anything.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

namespace rampart::runtime {

enum class TransportKind : std::uint8_t { tcp, local, udp, http };

struct PeerInfo {
  TransportKind transport = TransportKind::tcp;
  /// Printable source: "192.0.2.1:49152", "[::1]:50000" or "local".
  std::string address;
  /// Source address without the port, the key for per-source limits.
  std::string source_key;
  /// The secondary address the bind_ack names: the listening port as text
  /// for TCP ("135"), the socket path for the local transport.
  std::string local_endpoint;
  /// The server's own IPv4 address on this connection, when it has one: the
  /// endpoint mapper answers with it in place of a registered 0.0.0.0, as
  /// Windows and Samba do, so clients get an address they can reach.
  std::optional<std::array<std::uint8_t, 4>> local_ipv4;
  bool loopback = false;
  /// SO_PEERCRED of a local-socket peer.
  struct Credentials {
    pid_t pid;
    uid_t uid;
    gid_t gid;
  };
  std::optional<Credentials> credentials;
  /// A process-unique id of the connection (for logs and registration ownership).
  std::uint64_t connection_id = 0;
};

}  // namespace rampart::runtime
