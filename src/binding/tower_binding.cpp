// The typed view of a tower and its reverse. Floors 1 and 2 are the
// interface and transfer syntax, floor 3 names the RPC protocol, floor 4 the
// endpoint and floor 5 (if any) the host address (C706 Appendix L;
// [MS-RPCE] 2.1.1.1, 2.1.1.2, 2.1.2.1; ncalrpc as Samba and Wine build it).
#include <fmt/format.h>

#include "rampart/binding/tower.hpp"

namespace rampart::binding {

namespace {

Result<void> check_name(std::string_view name, const TowerLimits& limits) {
  if (name.size() + 1 > limits.max_string_octets)
    return fail(Errc::string_too_long, "name longer than max_string_octets");
  if (name.find('\0') != std::string_view::npos)
    return fail(Errc::string_embedded_nul, "name contains a NUL");
  return {};
}

Result<Floor> endpoint_floor(const ProtseqInfo& info, const std::string& endpoint,
                             const TowerLimits& limits) {
  if (info.endpoint_kind == EndpointKind::port) {
    const std::uint16_t port = endpoint.empty() ? 0 : RAMPART_TRY(parse_port(endpoint));
    return Floor::port(info.endpoint_floor, port);
  }
  RAMPART_CHECK(check_name(endpoint, limits));
  return Floor::name(info.endpoint_floor, endpoint);
}

Result<Floor> address_floor(FloorProtocol p, const std::string& address,
                            const TowerLimits& limits) {
  if (p == FloorProtocol::ip) {
    if (address.empty()) return Floor::address({0, 0, 0, 0});
    return Floor::address(RAMPART_TRY(parse_ipv4(address)));
  }
  RAMPART_CHECK(check_name(address, limits));
  return Floor::name(p, address);
}

std::string endpoint_text(const Floor& f) {
  return f.kind() == FloorKind::port ? fmt::format("{}", f.number) : f.text;
}

std::string address_text(const Floor& f) {
  return f.kind() == FloorKind::ipv4 ? format_ipv4(f.ipv4) : f.text;
}

}  // namespace

Result<TowerProtocol> Tower::protocol() const {
  const auto& f = floors_;
  if (f.size() < 4) return fail(Errc::floor_count_mismatch, "a protseq tower has 4 or 5 floors");
  if (f[0].protocol != FloorProtocol::uuid)
    return fail(Errc::not_a_uuid_floor, "floor 1 is not the interface UUID floor");
  if (f[1].protocol != FloorProtocol::uuid)
    return fail(Errc::not_a_uuid_floor, "floor 2 is not the transfer syntax UUID floor");
  const ProtseqInfo* info = find_protseq(f[2].protocol, f[3].protocol);
  if (info == nullptr) return fail(Errc::unknown_protseq, "floors 3 and 4 match no protseq");
  if (f.size() != info->floor_count())
    return fail(Errc::floor_count_mismatch, "floor count differs from the protseq's");
  if (info->address_floor && f[4].protocol != *info->address_floor)
    return fail(Errc::unexpected_floor, "floor 5 is not the protseq's address floor");
  return TowerProtocol{f[0].syntax, f[1].syntax, info, f[2].number};
}

Result<TowerBinding> Tower::binding() const {
  const TowerProtocol p = RAMPART_TRY(protocol());
  TowerBinding b;
  b.interface = p.interface;
  b.transfer = p.transfer;
  b.protseq = p.info->id;
  b.protocol_minor = p.protocol_minor;
  b.endpoint = endpoint_text(floors_[3]);
  if (p.info->address_floor) b.address = address_text(floors_[4]);
  return b;
}

Result<Tower> Tower::build(const TowerBinding& b, const TowerLimits& limits) {
  const ProtseqInfo& info = protseq_info(b.protseq);
  std::vector<Floor> floors;
  floors.reserve(info.floor_count());
  floors.push_back(Floor::uuid(b.interface));
  floors.push_back(Floor::uuid(b.transfer));
  floors.push_back(Floor::version(info.protocol_floor, b.protocol_minor));
  floors.push_back(RAMPART_TRY(endpoint_floor(info, b.endpoint, limits)));
  if (info.address_floor) {
    floors.push_back(RAMPART_TRY(address_floor(*info.address_floor, b.address, limits)));
  } else if (!b.address.empty()) {
    return fail(Errc::unexpected_address, "this protseq's tower carries no address");
  }
  if (floors.size() > limits.max_floors)
    return fail(Errc::too_many_floors, "protseq needs more floors than max_floors");
  Tower t(std::move(floors));
  // Keep build and decode in agreement: what we build must decode again.
  if (t.encode().size() > limits.max_tower_octets)
    return fail(Errc::tower_too_long, "built tower longer than max_tower_octets");
  return t;
}

}  // namespace rampart::binding
