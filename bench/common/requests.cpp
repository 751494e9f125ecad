#include "requests.hpp"

#include "epm.hpp"
#include "mgmt.hpp"

namespace rampart::bench {

pdu::Pdu bind_pdu(std::uint32_t call_id) {
  pdu::Pdu p;
  p.header.ptype = pdu::PType::bind;
  p.header.call_id = call_id;
  pdu::Bind b;
  b.max_xmit_frag = kBenchFrag;
  b.max_recv_frag = kBenchFrag;
  b.contexts.push_back({0, spec::epm::ept_descriptor().syntax, {syntax::kNdr20}});
  b.contexts.push_back({1, spec::mgmt::mgmt_descriptor().syntax, {syntax::kNdr20}});
  p.body = std::move(b);
  return p;
}

std::vector<std::uint8_t> make_bind() { return pdu::encode(bind_pdu(1)); }

}  // namespace rampart::bench
