// Protocol sequences and tower floor protocol ids: one table keyed by
// protocol sequence, used by both towers and string bindings.
//
// Floor ids are the single-octet protocol identifiers of C706 Appendix I,
// which [MS-RPCE] 2.1 mandates for all communication. The ids and the floor
// layout of each protseq agree across Samba (librpc/idl/epmapper.idl and its
// transport table), Wine (dlls/rpcrt4/epm_towers.h and the protseq table in
// rpc_transport.c) and Impacket (dcerpc/v5/epm.py):
//
//   protseq        floor 3 (protocol, rhs minor)  floor 4 (endpoint)       floor 5 (address)
//   ncacn_ip_tcp   0x0b RPC connection-oriented   0x07 TCP port (BE u16)   0x09 IPv4 (4 octets)
//   ncadg_ip_udp   0x0a RPC connectionless        0x08 UDP port (BE u16)   0x09 IPv4
//   ncacn_np       0x0b RPC connection-oriented   0x0f named pipe (NUL)    0x11 NetBIOS host (NUL)
//   ncalrpc        0x0c local RPC                 0x10 local name (NUL)    (none)
//   ncacn_http     0x0b RPC connection-oriented   0x1f HTTP port (BE u16)  0x09 IPv4
//
// Floors 1 and 2 are always UUID floors (0x0d): the interface and the
// transfer syntax.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rampart::binding {

/// Single-octet floor protocol identifiers (C706 Appendix I).
enum class FloorProtocol : std::uint8_t {
  tcp = 0x07,      // rhs: TCP port, big-endian u16
  udp = 0x08,      // rhs: UDP port, big-endian u16
  ip = 0x09,       // rhs: IPv4 address, 4 octets in network order
  ncadg = 0x0a,    // rhs: connectionless RPC minor version, LE u16
  ncacn = 0x0b,    // rhs: connection-oriented RPC minor version, LE u16
  ncalrpc = 0x0c,  // rhs: local RPC minor version, LE u16 (Samba, Wine)
  uuid = 0x0d,     // lhs: UUID + LE u16 major; rhs: LE u16 minor
  smb = 0x0f,      // rhs: named pipe name, NUL-terminated ([MS-RPCE] 2.1.1.2)
  pipe = 0x10,     // rhs: local endpoint name, NUL-terminated (ncalrpc)
  netbios = 0x11,  // rhs: NetBIOS host name, NUL-terminated
  http = 0x1f,     // rhs: HTTP port, big-endian u16
};

/// How a floor's right-hand side is encoded.
enum class FloorKind : std::uint8_t { uuid, version, port, ipv4, string };

/// The kind of a known protocol id; nullopt for an id not in the table above.
[[nodiscard]] std::optional<FloorKind> floor_kind(std::uint8_t protocol_id) noexcept;
/// "tcp", "ncacn", ...; "unknown" for ids outside the table.
[[nodiscard]] std::string_view floor_protocol_name(FloorProtocol p) noexcept;

enum class Protseq : std::uint8_t { ncacn_ip_tcp, ncadg_ip_udp, ncacn_np, ncalrpc, ncacn_http };

/// What a protocol sequence's endpoint and address are.
enum class EndpointKind : std::uint8_t { port, name };

struct ProtseqInfo {
  Protseq id;
  std::string_view name;              // as written in string bindings
  bool connection_oriented;           // CO (ncacn_*, ncalrpc) or CL (ncadg_*)
  FloorProtocol protocol_floor;       // floor 3
  FloorProtocol endpoint_floor;       // floor 4
  std::optional<FloorProtocol> address_floor;  // floor 5, absent for ncalrpc
  EndpointKind endpoint_kind;
  [[nodiscard]] std::size_t floor_count() const noexcept { return address_floor ? 5 : 4; }
};

/// Every protocol sequence Rampart knows, in the order of the enum.
[[nodiscard]] std::span<const ProtseqInfo> protseq_table() noexcept;
[[nodiscard]] const ProtseqInfo& protseq_info(Protseq p) noexcept;
/// Exact, case-sensitive match on the name; nullptr when unknown.
[[nodiscard]] const ProtseqInfo* find_protseq(std::string_view name) noexcept;
/// The protseq whose floors 3 and 4 carry these ids; nullptr when none.
[[nodiscard]] const ProtseqInfo* find_protseq(FloorProtocol protocol,
                                              FloorProtocol endpoint) noexcept;

}  // namespace rampart::binding
