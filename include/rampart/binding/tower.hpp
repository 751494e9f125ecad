// Protocol towers: the twr_t octet string the endpoint mapper carries
// (C706 Appendix L; floor ids from C706 Appendix I and [MS-RPCE] 2.1).
//
//   u16 floor_count (LE), then floor_count floors, each:
//     u16 lhs_length (LE) | lhs: protocol id, then for UUID floors the
//                           16-octet UUID (LE GUID form) and u16 major (LE)
//     u16 rhs_length (LE) | rhs: see FloorProtocol in protseq.hpp
//
// Tower::decode checks every floor against its kind, so a decoded Tower
// always encodes back to the exact octets it came from. Tower::binding gives
// the typed view (protseq, interface, transfer syntax, endpoint, address);
// Tower::build is the reverse.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/base/byte_reader.hpp"
#include "rampart/base/byte_writer.hpp"
#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/binding/errc.hpp"
#include "rampart/binding/protseq.hpp"

namespace rampart::binding {

/// Bounds for towers from the wire (docs/hardening.md "Endpoint mapper": floor counts
/// and floor lengths are bounded, unknown floors rejected).
struct TowerLimits {
  /// Most floors a tower may have. Every protseq Rampart knows uses 4 or 5
  /// (C706 Appendix L; [MS-RPCE] 2.1.1.x); 8 leaves room for a longer tower
  /// while keeping a hostile floor_count from driving a long loop.
  std::size_t max_floors = 8;
  /// Most octets in a name floor's rhs, NUL included (C8: every name has a
  /// documented maximum). Windows pipe and ALPC port names stay below 256
  /// characters; NetBIOS hosts are carried as "\\name" and are shorter.
  std::size_t max_string_octets = 256;
  /// Most octets in the whole tower: five floors with two maximal names
  /// fit comfortably. ept_map and ept_lookup carry one tower per entry.
  std::size_t max_tower_octets = 1024;
};

/// One tower floor. Which fields are meaningful depends on `protocol`'s
/// FloorKind: uuid -> syntax; version and port -> number; ipv4 -> ipv4;
/// string -> text (without its NUL terminator).
struct Floor {
  FloorProtocol protocol = FloorProtocol::uuid;
  SyntaxId syntax;
  std::uint16_t number = 0;
  std::array<std::uint8_t, 4> ipv4{};
  std::string text;

  [[nodiscard]] static Floor uuid(const SyntaxId& s);
  [[nodiscard]] static Floor version(FloorProtocol p, std::uint16_t minor);
  [[nodiscard]] static Floor port(FloorProtocol p, std::uint16_t port);
  [[nodiscard]] static Floor address(std::array<std::uint8_t, 4> ipv4);
  [[nodiscard]] static Floor name(FloorProtocol p, std::string text);

  [[nodiscard]] FloorKind kind() const noexcept;
  /// Reads one floor; offsets in errors are relative to the reader's span.
  [[nodiscard]] static Result<Floor> decode(ByteReader& r, const TowerLimits& limits);
  void encode(ByteWriter& w) const;
  /// "uuid e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0", "tcp port 135",
  /// "ip 0.0.0.0", "named_pipe \"\\pipe\\epmapper\"", "ncacn minor 0".
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const Floor&, const Floor&) = default;
};

/// The typed view of a tower. `endpoint` is the decimal port for port
/// protseqs and the name otherwise; `address` is dotted IPv4, the NetBIOS
/// host for ncacn_np, and empty for ncalrpc.
struct TowerBinding {
  SyntaxId interface;
  SyntaxId transfer;
  Protseq protseq = Protseq::ncacn_ip_tcp;
  std::uint16_t protocol_minor = 0;  // rhs of floor 3
  std::string endpoint;
  std::string address;

  friend bool operator==(const TowerBinding&, const TowerBinding&) = default;
};

/// What a tower says about the protocol, without its endpoint and address:
/// enough to select endpoint-map entries (ept_map), and cheap (no text).
struct TowerProtocol {
  SyntaxId interface;
  SyntaxId transfer;
  const ProtseqInfo* info = nullptr;  // never null in a successful result
  std::uint16_t protocol_minor = 0;   // rhs of floor 3

  friend bool operator==(const TowerProtocol&, const TowerProtocol&) = default;
};

class Tower {
 public:
  Tower() = default;
  explicit Tower(std::vector<Floor> floors) : floors_(std::move(floors)) {}

  /// Decodes a complete tower_octet_string; the span must hold exactly one
  /// tower (trailing octets are an error).
  [[nodiscard]] static Result<Tower> decode(std::span<const std::uint8_t> octets,
                                            const TowerLimits& limits = {});
  /// Builds the tower for a typed binding. An empty endpoint means port 0
  /// and an empty address 0.0.0.0 for port protseqs (the form ept_map
  /// requests use); names are checked against `limits`.
  [[nodiscard]] static Result<Tower> build(const TowerBinding& b, const TowerLimits& limits = {});

  [[nodiscard]] std::vector<std::uint8_t> encode() const;
  void encode(ByteWriter& w) const;
  /// Multi-line dump: a header naming the protseq (or "unrecognised") and
  /// one line per floor. Stable; golden tests pin it.
  [[nodiscard]] std::string describe() const;

  /// The typed view; fails when the floors do not form a known protseq.
  [[nodiscard]] Result<TowerBinding> binding() const;
  /// The protocol floors checked as binding() checks them, without
  /// formatting the endpoint and address.
  [[nodiscard]] Result<TowerProtocol> protocol() const;

  [[nodiscard]] const std::vector<Floor>& floors() const noexcept { return floors_; }

  friend bool operator==(const Tower&, const Tower&) = default;

 private:
  std::vector<Floor> floors_;
};

/// "a.b.c.d" for four octets.
[[nodiscard]] std::string format_ipv4(const std::array<std::uint8_t, 4>& a);
/// Strict dotted quad: four decimal parts 0..255 without leading zeros.
[[nodiscard]] Result<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text) noexcept;
/// Strict decimal port 0..65535 without leading zeros.
[[nodiscard]] Result<std::uint16_t> parse_port(std::string_view text) noexcept;

}  // namespace rampart::binding
