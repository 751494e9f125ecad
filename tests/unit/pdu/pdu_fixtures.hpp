// Hand-built PDUs for the PDU-layer tests, each from a fact about a real peer.
#pragma once

#include <cstdint>
#include <vector>

#include "rampart/base/hex.hpp"
#include "rampart/pdu/pdu.hpp"

namespace rampart::pdu::testing {

/// Impacket's 72-octet bind to the endpoint mapper (INTEROP.md): call_id 1,
/// max_xmit/max_recv 4280, assoc_group 0, one context (EPM v3.0 over NDR20).
inline std::vector<std::uint8_t> impacket_epm_bind() {
  return *parse_hex(
      "05 00 0b 03 10 00 00 00 48 00 00 00 01 00 00 00"
      "b8 10 b8 10 00 00 00 00 01 00 00 00 00 00 01 00"
      "08 83 af e1 1f 5d c9 11 91 a4 08 00 2b 14 a0 fa 03 00 00 00"
      "04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60 02 00 00 00");
}

/// Decodes PDUs written back to back; the views in the result point into
/// `keep`, which must outlive them.
inline std::vector<Pdu> decode_stream(const std::vector<std::uint8_t>& keep) {
  std::vector<Pdu> out;
  auto pieces = split_pdus(keep);
  if (!pieces) return out;
  for (auto p : *pieces) {
    auto pdu = decode(p);
    if (pdu) out.push_back(*pdu);
  }
  return out;
}

inline const SyntaxId kEpm{Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};
inline const SyntaxId kMgmt{Uuid::from_string("afa8bd80-7d8a-11c9-bef4-08002b102989"), 1, 0};

inline Pdu make_pdu(PType t, Body body, Drep drep = Drep::little(), std::uint8_t flags = pfc::kFirstLast) {
  Pdu p;
  p.header.ptype = t;
  p.header.pfc_flags = flags;
  p.header.drep = drep;
  p.header.call_id = 7;
  p.body = std::move(body);
  return p;
}

inline Bind epm_bind_body() {
  Bind b;
  b.max_xmit_frag = 4280;
  b.max_recv_frag = 4280;
  b.contexts.push_back({0, kEpm, {syntax::kNdr20}});
  return b;
}

}  // namespace rampart::pdu::testing
