#include "rampart/binding/protseq.hpp"

#include <array>

namespace rampart::binding {

namespace {

using FP = FloorProtocol;

// The one table of protocol sequences; see protseq.hpp for the sources.
constexpr std::array<ProtseqInfo, 5> kProtseqs = {{
    {Protseq::ncacn_ip_tcp, "ncacn_ip_tcp", true, FP::ncacn, FP::tcp, FP::ip, EndpointKind::port},
    {Protseq::ncadg_ip_udp, "ncadg_ip_udp", false, FP::ncadg, FP::udp, FP::ip, EndpointKind::port},
    {Protseq::ncacn_np, "ncacn_np", true, FP::ncacn, FP::smb, FP::netbios, EndpointKind::name},
    {Protseq::ncalrpc, "ncalrpc", true, FP::ncalrpc, FP::pipe, std::nullopt, EndpointKind::name},
    {Protseq::ncacn_http, "ncacn_http", true, FP::ncacn, FP::http, FP::ip, EndpointKind::port},
}};

}  // namespace

std::optional<FloorKind> floor_kind(std::uint8_t protocol_id) noexcept {
  switch (static_cast<FP>(protocol_id)) {
    case FP::uuid: return FloorKind::uuid;
    case FP::ncadg:
    case FP::ncacn:
    case FP::ncalrpc: return FloorKind::version;
    case FP::tcp:
    case FP::udp:
    case FP::http: return FloorKind::port;
    case FP::ip: return FloorKind::ipv4;
    case FP::smb:
    case FP::pipe:
    case FP::netbios: return FloorKind::string;
  }
  return std::nullopt;
}

std::string_view floor_protocol_name(FloorProtocol p) noexcept {
  switch (p) {
    case FP::tcp: return "tcp";
    case FP::udp: return "udp";
    case FP::ip: return "ip";
    case FP::ncadg: return "ncadg";
    case FP::ncacn: return "ncacn";
    case FP::ncalrpc: return "ncalrpc";
    case FP::uuid: return "uuid";
    case FP::smb: return "named_pipe";
    case FP::pipe: return "local_name";
    case FP::netbios: return "netbios";
    case FP::http: return "http";
  }
  return "unknown";
}

std::span<const ProtseqInfo> protseq_table() noexcept { return kProtseqs; }

const ProtseqInfo& protseq_info(Protseq p) noexcept {
  return kProtseqs[static_cast<std::size_t>(p)];
}

const ProtseqInfo* find_protseq(std::string_view name) noexcept {
  for (const auto& info : kProtseqs)
    if (info.name == name) return &info;
  return nullptr;
}

const ProtseqInfo* find_protseq(FloorProtocol protocol, FloorProtocol endpoint) noexcept {
  for (const auto& info : kProtseqs)
    if (info.protocol_floor == protocol && info.endpoint_floor == endpoint) return &info;
  return nullptr;
}

}  // namespace rampart::binding
