// Encoding one connection-oriented PDU (C706 12.6, [MS-RPCE] 2.2.2).
#include <stdexcept>

#include "rampart/base/byte_writer.hpp"
#include "rampart/pdu/pdu.hpp"

namespace rampart::pdu {

namespace {

void encode_bind(ByteWriter& w, const Bind& b) {
  w.u16(b.max_xmit_frag);
  w.u16(b.max_recv_frag);
  w.u32(b.assoc_group_id);
  w.u8(static_cast<std::uint8_t>(b.contexts.size()));
  w.zeros(3);
  for (const auto& c : b.contexts) {
    w.u16(c.context_id);
    w.u8(static_cast<std::uint8_t>(c.transfer_syntaxes.size()));
    w.u8(0);
    c.abstract_syntax.encode(w);
    for (const auto& t : c.transfer_syntaxes) t.encode(w);
  }
}

void encode_bind_ack(ByteWriter& w, const BindAck& a) {
  w.u16(a.max_xmit_frag);
  w.u16(a.max_recv_frag);
  w.u32(a.assoc_group_id);
  if (a.secondary_address.empty()) {
    w.u16(0);
  } else {
    w.u16(static_cast<std::uint16_t>(a.secondary_address.size() + 1));
    w.bytes({reinterpret_cast<const std::uint8_t*>(a.secondary_address.data()),
             a.secondary_address.size()});
    w.u8(0);
  }
  w.align(4);
  w.u8(static_cast<std::uint8_t>(a.results.size()));
  w.zeros(3);
  for (const auto& e : a.results) {
    w.u16(static_cast<std::uint16_t>(e.result));
    w.u16(e.reason);
    e.transfer_syntax.encode(w);
  }
}

struct BodyEncoder {
  ByteWriter& w;
  void operator()(const Request& q) const {
    w.u32(q.alloc_hint);
    w.u16(q.context_id);
    w.u16(q.opnum);
    if (q.object) q.object->encode(w);
    w.bytes(q.stub);
  }
  void operator()(const Response& p) const {
    w.u32(p.alloc_hint);
    w.u16(p.context_id);
    w.u8(p.cancel_count);
    w.u8(p.reserved);
    w.bytes(p.stub);
  }
  void operator()(const Fault& f) const {
    w.u32(f.alloc_hint);
    w.u16(f.context_id);
    w.u8(f.cancel_count);
    w.u8(f.flags);
    w.u32(f.status);
    w.u32(f.reserved);
    w.bytes(f.stub);
  }
  void operator()(const Bind& b) const { encode_bind(w, b); }
  void operator()(const AlterContext& b) const { encode_bind(w, b); }
  void operator()(const BindAck& a) const { encode_bind_ack(w, a); }
  void operator()(const AlterContextResp& a) const { encode_bind_ack(w, a); }
  void operator()(const BindNak& n) const {
    w.u16(static_cast<std::uint16_t>(n.reason));
    w.u8(static_cast<std::uint8_t>(n.versions.size()));
    for (auto [major, minor] : n.versions) {
      w.u8(major);
      w.u8(minor);
    }
    w.bytes(n.tail);
  }
  void operator()(const Auth3& a) const { w.u32(a.pad); }
  void operator()(const Shutdown&) const {}
  void operator()(const CoCancel&) const {}
  void operator()(const Orphaned&) const {}
  void operator()(const Rts& t) const {
    w.u16(t.flags);
    w.u16(t.number_of_commands);
    w.bytes(t.commands);
  }
};

}  // namespace

void encode(const Pdu& pdu, std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  ByteWriter w(out, pdu.header.drep);
  w.zeros(kHeaderSize);
  std::visit(BodyEncoder{w}, pdu.body);
  std::uint16_t auth_length = 0;
  if (pdu.auth) {
    const AuthVerifier& a = *pdu.auth;
    w.bytes(a.auth_pad);
    w.u8(a.auth_type);
    w.u8(a.auth_level);
    w.u8(a.auth_pad_length);
    w.u8(a.auth_reserved);
    w.u32(a.auth_context_id);
    w.bytes(a.auth_value);
    auth_length = static_cast<std::uint16_t>(a.auth_value.size());
  }
  if (w.position() > 65535) throw std::length_error("PDU larger than 65535 octets");
  CommonHeader h = pdu.header;
  h.frag_length = static_cast<std::uint16_t>(w.position());
  h.auth_length = auth_length;
  std::array<std::uint8_t, kHeaderSize> header_bytes;
  h.encode(header_bytes);
  std::copy(header_bytes.begin(), header_bytes.end(), out.begin() + static_cast<std::ptrdiff_t>(start));
}

std::vector<std::uint8_t> encode(const Pdu& pdu) {
  std::vector<std::uint8_t> out;
  encode(pdu, out);
  return out;
}

}  // namespace rampart::pdu
