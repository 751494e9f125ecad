// Probe PDUs built with the project's own encoders (wire.hpp).
#include "wire.hpp"

#include <algorithm>
#include <stdexcept>

#include "rampart/base/byte_reader.hpp"
#include "rampart/binding/tower.hpp"
#include "epm.hpp"
#include "mgmt.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/pdu.hpp"

namespace rampart::probe::wire {

namespace epm = spec::epm;
namespace mgmt = spec::mgmt;

pdu::PresentationContext epm_context(std::uint16_t id) {
  return pdu::PresentationContext{id, epm::ept_descriptor().syntax, {syntax::kNdr20}};
}

Octets bind(std::uint32_t call_id, std::vector<pdu::PresentationContext> contexts, std::uint32_t assoc_group_id,
            pdu::PType ptype) {
  pdu::Pdu p;
  p.header.ptype = ptype;
  p.header.call_id = call_id;
  pdu::Bind b{kFragSize, kFragSize, assoc_group_id, std::move(contexts)};
  if (ptype == pdu::PType::alter_context)
    p.body = pdu::AlterContext{b};
  else
    p.body = b;
  return pdu::encode(p);
}

Octets epm_bind(std::uint32_t call_id) { return bind(call_id, {epm_context(0)}); }

Octets mgmt_alter(std::uint32_t call_id, std::uint16_t id) {
  return bind(call_id, {pdu::PresentationContext{id, mgmt::mgmt_descriptor().syntax, {syntax::kNdr20}}}, 0, pdu::PType::alter_context);
}

Octets request(std::uint32_t call_id, std::uint16_t context_id, std::uint16_t opnum, std::span<const std::uint8_t> stub,
               std::uint8_t pfc_flags) {
  pdu::Pdu p;
  p.header.ptype = pdu::PType::request;
  p.header.pfc_flags = pfc_flags;
  p.header.call_id = call_id;
  p.body = pdu::Request{static_cast<std::uint32_t>(stub.size()), context_id, opnum, std::nullopt, stub};
  return pdu::encode(p);
}

namespace {

// A stub of ours that does not encode is a bug in this file, not input.
template <class T>
Octets must_encode(const T& v) {
  auto stub = ndr::encode_stub(v, Drep::little());
  if (!stub) throw std::logic_error("probe stub does not encode: " + stub.error().to_string());
  return std::move(*stub);
}

}  // namespace

Octets ept_lookup_stub(std::uint32_t max_ents, const Uuid& handle_uuid, std::uint32_t handle_attributes) {
  // C706 Appendix O: inquiry rpc_c_ep_all_elts (0), rpc_c_vers_all (1).
  // The generated encoder keeps to [range(0, 500)]; a probe may ask for
  // more on purpose (c7.lookup-max-ents-over-range), so max_ents, the
  // stub's last field, is written over afterwards.
  epm::ept_lookup_request req{0, std::nullopt, std::nullopt, 1, {handle_attributes, handle_uuid},
                              std::min(max_ents, epm::ept_max_entries)};
  auto stub = must_encode(req);
  put_u32(stub, stub.size() - 4, max_ents);
  return stub;
}

Octets ept_lookup_handle_free_stub(const Uuid& handle_uuid, std::uint32_t handle_attributes) {
  return must_encode(epm::ept_lookup_handle_free_request{{handle_attributes, handle_uuid}});
}

std::optional<LookupHandle> lookup_handle_of(std::span<const std::uint8_t> pdu_octets) {
  auto p = pdu::decode(pdu_octets);
  const auto* r = p ? p->as<pdu::Response>() : nullptr;
  if (!r) return std::nullopt;
  // ndr_context_handle (C706 Appendix N): attributes, then the UUID, in the
  // responder's drep.
  ByteReader rd(r->stub, p->header.drep);
  auto attributes = rd.u32();
  if (!attributes) return std::nullopt;
  auto uuid = Uuid::decode(rd);
  if (!uuid) return std::nullopt;
  return LookupHandle{*attributes, *uuid};
}

Octets inq_princ_name_stub(std::uint32_t authn_proto, std::uint32_t princ_name_size) {
  return must_encode(mgmt::rpc__mgmt_inq_princ_name_request{authn_proto, princ_name_size});
}

Octets ept_map_stub() {
  binding::TowerBinding tb{epm::ept_descriptor().syntax, syntax::kNdr20, binding::Protseq::ncacn_ip_tcp, 0, "135", "0.0.0.0"};
  auto tower = binding::Tower::build(tb);
  if (!tower) throw std::logic_error("probe tower does not build: " + tower.error().to_string());
  auto octets = tower->encode();
  epm::ept_map_request req{Uuid{}, spec::nbase::twr_t{static_cast<std::uint32_t>(octets.size()), std::move(octets)},
                           {}, 1};
  return must_encode(req);
}

void put_u8(Octets& b, std::size_t off, std::uint8_t v) { b.at(off) = v; }

void put_u16(Octets& b, std::size_t off, std::uint16_t v) {
  b.at(off) = static_cast<std::uint8_t>(v);
  b.at(off + 1) = static_cast<std::uint8_t>(v >> 8);
}

void put_u32(Octets& b, std::size_t off, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) b.at(off + i) = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint32_t get_u32(std::span<const std::uint8_t> b, std::size_t off) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(b[off + i]) << (8 * i);
  return v;
}

}  // namespace rampart::probe::wire
