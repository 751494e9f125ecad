// Test vectors for the EPM and mgmt codecs, built octet by octet from the
// published facts (Impacket's 132-byte ept_map request, Samba's 152-byte
// reply, ept_s_not_registered for an unknown interface).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace rampart::epm::test {

using Bytes = std::vector<std::uint8_t>;

inline void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

/// A 75-octet ncacn_ip_tcp tower of five floors (C706 Appendix L):
/// SAMR 12345778-1234-abcd-ef00-0123456789ac v1.0, NDR20 v2.0, ncacn (0x0b),
/// tcp port (0x07, big-endian), ip (0x09).
inline Bytes tcp_tower(std::uint16_t port, std::array<std::uint8_t, 4> ip) {
  Bytes t = {0x05, 0x00};
  const Bytes samr = {0x13, 0x00, 0x0d, 0x78, 0x57, 0x34, 0x12, 0x34, 0x12, 0xcd, 0xab, 0xef,
                      0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xac, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00};
  const Bytes ndr20 = {0x13, 0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f,
                       0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00};
  t.insert(t.end(), samr.begin(), samr.end());
  t.insert(t.end(), ndr20.begin(), ndr20.end());
  t.insert(t.end(), {0x01, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00});
  t.insert(t.end(), {0x01, 0x00, 0x07, 0x02, 0x00, static_cast<std::uint8_t>(port >> 8),
                     static_cast<std::uint8_t>(port)});
  t.insert(t.end(), {0x01, 0x00, 0x09, 0x04, 0x00, ip[0], ip[1], ip[2], ip[3]});
  return t;
}

/// Impacket's ept_map request stub: [ptr] object -> nil GUID (referent 1),
/// [ptr] map_tower (referent 2) -> conformance 75, tower_length 75, the
/// tower, one pad octet, a zero entry_handle, max_towers 1.
inline Bytes ept_map_request_stub() {
  Bytes b;
  put32(b, 1);
  b.insert(b.end(), 16, 0x00);
  put32(b, 2);
  put32(b, 75);
  put32(b, 75);
  const Bytes tower = tcp_tower(0, {0, 0, 0, 0});
  b.insert(b.end(), tower.begin(), tower.end());
  b.push_back(0x00);          // align the context handle to 4
  b.insert(b.end(), 20, 0x00);  // entry_handle
  put32(b, 1);                // max_towers
  return b;
}

/// Samba's ept_map reply stub for one tower (128 octets; 152 with the
/// 24-octet response header). Samba numbers the tower pointer 0x00020000.
inline Bytes ept_map_reply_stub(std::uint32_t referent = 0x00020000) {
  Bytes b(20, 0x00);  // entry_handle
  put32(b, 1);        // num_towers
  put32(b, 1);        // max_count (max_towers)
  put32(b, 0);        // offset
  put32(b, 1);        // actual_count
  put32(b, referent);
  put32(b, 75);
  put32(b, 75);
  const Bytes tower = tcp_tower(49664, {10, 0, 0, 5});
  b.insert(b.end(), tower.begin(), tower.end());
  b.push_back(0x00);
  put32(b, 0);  // status
  return b;
}

/// The reply for an unregistered interface: no towers, ept_s_not_registered.
inline Bytes ept_map_not_registered_stub() {
  Bytes b(20, 0x00);
  put32(b, 0);
  put32(b, 1);
  put32(b, 0);
  put32(b, 0);
  put32(b, 0x16c9a0d6);
  return b;
}

}  // namespace rampart::epm::test
