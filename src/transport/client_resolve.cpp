// resolve_endpoint: ept_map on the host's endpoint mapper ([MS-RPCE]
// 2.2.1.2.5, C706 Appendix O). The map tower names the interface, NDR20 and
// the protseq with an empty endpoint; the first returned tower for the same
// interface and protseq gives the endpoint.
#include "rampart/binding/tower.hpp"
#include "epm.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/transport/client.hpp"

namespace rampart::transport {

using runtime::ClientErrc;
namespace epm = spec::epm;

namespace {

// ept_map returns at most this many towers; only the first match is used.
constexpr std::uint32_t kMaxTowers = 4;

Result<std::vector<std::uint8_t>> map_request(const SyntaxId& interface, binding::Protseq protseq) {
  binding::TowerBinding want;
  want.interface = interface;
  want.transfer = syntax::kNdr20;
  want.protseq = protseq;
  auto tower = RAMPART_TRY(binding::Tower::build(want));
  epm::ept_map_request req;
  req.obj = Uuid{};  // the nil object, as Windows clients send it
  auto octets = tower.encode();
  req.map_tower = spec::nbase::twr_t{static_cast<std::uint32_t>(octets.size()), std::move(octets)};
  req.max_towers = kMaxTowers;
  return ndr::encode_stub(req, Drep::little());
}

Result<binding::TowerBinding> pick(const epm::ept_map_response& resp, const SyntaxId& interface,
                                   binding::Protseq protseq) {
  if (resp.status != 0) return fail(ClientErrc::endpoint_not_found, "ept_map: interface not registered");
  for (const auto& twr : resp.ITowers) {
    if (!twr) continue;
    auto tower = binding::Tower::decode(twr->tower_octet_string);
    if (!tower) continue;
    auto b = tower->binding();
    if (!b || b->protseq != protseq || b->interface.uuid != interface.uuid ||
        b->interface.major != interface.major || b->endpoint.empty())
      continue;
    return *b;
  }
  return fail(ClientErrc::endpoint_not_found, "ept_map returned no tower for this interface and protseq");
}

}  // namespace

Result<binding::TowerBinding> resolve_endpoint(std::string_view host, const SyntaxId& interface,
                                               binding::Protseq protseq, std::chrono::milliseconds timeout,
                                               std::uint16_t epm_port) {
  ClientOptions options;
  options.connect_timeout = timeout;
  options.call_timeout = timeout;
  return resolve_endpoint(host, interface, protseq, options, epm_port);
}

Result<binding::TowerBinding> resolve_endpoint(std::string_view host, const SyntaxId& interface,
                                               binding::Protseq protseq, const ClientOptions& given,
                                               std::uint16_t epm_port) {
  ClientOptions options = given;
  options.request_conc_mpx = false;
  BlockingClient client(options);
  RAMPART_CHECK(client.connect_tcp(host, epm_port));
  (void)RAMPART_TRY(client.bind(epm::ept_descriptor().syntax));
  const auto stub = RAMPART_TRY(map_request(interface, protseq));
  CallRequest call{epm::ept_descriptor().syntax, static_cast<std::uint16_t>(epm::ept_opnum::ept_map), stub,
                   std::nullopt, options.call_timeout};
  auto reply = RAMPART_TRY(client.call(call));
  if (reply.is_fault()) return fail(ClientErrc::call_faulted, "the endpoint mapper faulted ept_map");
  auto resp = RAMPART_TRY(ndr::decode_stub<epm::ept_map_response>(reply.stub, reply.drep));
  client.close();
  return pick(resp, interface, protseq);
}

}  // namespace rampart::transport
