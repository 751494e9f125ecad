// IObjectExporter over the object exporter's tables: rules in
// oxid_resolver.hpp.
#include "rampart/dcom/oxid_resolver.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "rampart/dcom/com_version.hpp"
#include "rampart/dcom/fault_policy.hpp"
#include "rampart/dcom/hresult.hpp"

namespace rampart::dcom {

namespace spec_oxid = spec::oxid;
using runtime::CallContext;

namespace {

bool is_wildcard(std::string_view a) { return a == "0.0.0.0" || a == "::" || a.empty(); }

spec::orpc::COMVERSION our_version() { return {kComVersion.major, kComVersion.minor}; }

// A refusal as the method's error_status_t, or as a fault: dcom::react
// decides which.
template <class Response>
std::expected<Response, std::uint32_t> refuse(const Error& e, Response r = {}) {
  const auto reaction = react(e);
  if (reaction.kind == DcomReaction::Kind::fault) return std::unexpected(reaction.code);
  r.return_value = reaction.code;
  return r;
}

}  // namespace

// rampart-idl maps [MS-DTYP]'s GUID to rampart::Uuid, so the generated types
// already carry the UUID itself.
spec::ms_dtyp::GUID to_wire(const Uuid& u) { return u; }

Uuid from_wire(const spec::ms_dtyp::GUID& g) { return g; }

spec::orpc::DUALSTRINGARRAY to_wire(const DualStringArray& d) {
  auto u = d.to_units();
  if (!u) return {4, 2, {0, 0, 0, 0}};  // our own bindings always encode; never send a broken one
  return {static_cast<std::uint16_t>(u->units.size()), u->security_offset, std::move(u->units)};
}

Result<DualStringArray> from_wire(const spec::orpc::DUALSTRINGARRAY& d, const DsaLimits& limits) {
  return DualStringArray::parse_units(d.wNumEntries, d.wSecurityOffset, d.aStringArray, limits);
}

OxidResolver::OxidResolver(std::shared_ptr<ObjectExporter> exporter, ResolverPolicy policy, Now now)
    : exporter_(std::move(exporter)), policy_(std::move(policy)), now_(std::move(now)) {
  if (policy_.principal.empty()) policy_.principal = "rampart";  // never an empty principal name
}

std::vector<std::string> OxidResolver::addresses(const runtime::PeerInfo& peer) const {
  std::vector<std::string> out;
  if (peer.local_ipv4) {
    const auto& a = *peer.local_ipv4;
    out.push_back(fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]));
  }
  if (policy_.disclosure == Disclosure::listening) {
    for (const auto& a : policy_.listening_addresses)
      if (!is_wildcard(a) && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  return out;
}

DualStringArray OxidResolver::resolver_bindings(const runtime::PeerInfo& peer) const {
  DualStringArray d;
  for (const auto& a : addresses(peer)) d.strings.push_back({kTowerNcacnIpTcp, ascii_to_u16(a)});
  for (auto svc : policy_.authn_services) d.security.push_back({svc, 0xffff, ascii_to_u16(policy_.principal)});
  return d;
}

DualStringArray OxidResolver::oxid_bindings(const runtime::PeerInfo& peer) const {
  // [MS-DCOM] 2.2.19.3: "address[endpoint]"; the exporter's endpoint is
  // the one this call arrived on.
  return oxid_bindings(peer, peer.transport == runtime::TransportKind::tcp ? peer.local_endpoint : "135");
}

DualStringArray OxidResolver::oxid_bindings(const runtime::PeerInfo& peer, const std::string& port) const {
  DualStringArray d = resolver_bindings(peer);
  for (auto& s : d.strings) s.network_addr += ascii_to_u16("[" + port + "]");
  return d;
}

void OxidResolver::maybe_collect(Clock::time_point now) {
  const auto every = exporter_->limits().ping_period / 4;
  auto last = last_collect_.load(std::memory_order_relaxed);
  if (now.time_since_epoch().count() - last < std::chrono::duration_cast<Clock::duration>(every).count()) return;
  if (!last_collect_.compare_exchange_strong(last, now.time_since_epoch().count())) return;
  exporter_->collect(now);
}

std::size_t OxidResolver::collect() {
  const auto now = now_();
  last_collect_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  return exporter_->collect(now);
}

OxidResolver::Resolved OxidResolver::resolve(const CallContext& ctx, std::uint64_t oxid,
                                             std::span<const std::uint16_t> protseqs) {
  Resolved out;
  auto entry = exporter_->resolve(oxid);
  if (!entry) {
    out.status = react(entry.error()).code;
    return out;
  }
  // An out-of-process class server's OXID (class_forwarder.hpp) resolves
  // to its own port and level; rampartd's to the port the call came in on.
  DualStringArray d = entry->port != 0 ? oxid_bindings(ctx.peer, std::to_string(entry->port)) : oxid_bindings(ctx.peer);
  out.authn_hint = entry->port != 0 ? entry->authn_level : policy_.authn_hint;
  // 3.1.2.5.1.1: bindings for the protocol sequences the client asked for;
  // only ncacn_ip_tcp exists here.
  if (std::find(protseqs.begin(), protseqs.end(), kTowerNcacnIpTcp) == protseqs.end()) d.strings.clear();
  out.bindings = to_wire(d);
  out.ipid_rem_unknown = to_wire(entry->ipid_rem_unknown);
  return out;
}

std::expected<spec_oxid::ResolveOxid_response, std::uint32_t> OxidResolver::ResolveOxid(
    const CallContext& ctx, spec_oxid::ResolveOxid_request request) {
  maybe_collect(now_());
  auto r = resolve(ctx, request.pOxid, request.arRequestedProtseqs);
  spec_oxid::ResolveOxid_response out;
  if (r.status == 0) {
    out.ppdsaOxidBindings = std::move(r.bindings);
    out.pipidRemUnknown = r.ipid_rem_unknown;
    out.pAuthnHint = static_cast<std::uint32_t>(r.authn_hint);
  }
  out.return_value = r.status;
  return out;
}

std::expected<spec_oxid::ResolveOxid2_response, std::uint32_t> OxidResolver::ResolveOxid2(
    const CallContext& ctx, spec_oxid::ResolveOxid2_request request) {
  maybe_collect(now_());
  auto r = resolve(ctx, request.pOxid, request.arRequestedProtseqs);
  spec_oxid::ResolveOxid2_response out;
  if (r.status == 0) {
    out.ppdsaOxidBindings = std::move(r.bindings);
    out.pipidRemUnknown = r.ipid_rem_unknown;
    out.pAuthnHint = static_cast<std::uint32_t>(r.authn_hint);
    out.pComVersion = our_version();
  }
  out.return_value = r.status;
  return out;
}

std::expected<spec_oxid::SimplePing_response, std::uint32_t> OxidResolver::SimplePing(
    const CallContext&, spec_oxid::SimplePing_request request) {
  const auto now = now_();
  maybe_collect(now);
  auto r = exporter_->simple_ping(request.pSetId, now);
  if (!r) return refuse<spec_oxid::SimplePing_response>(r.error());
  return spec_oxid::SimplePing_response{0};
}

std::expected<spec_oxid::ComplexPing_response, std::uint32_t> OxidResolver::ComplexPing(
    const CallContext& ctx, spec_oxid::ComplexPing_request request) {
  const auto now = now_();
  maybe_collect(now);
  static const std::vector<std::uint64_t> kNone;
  auto set = exporter_->complex_ping(ctx.peer.source_key, request.pSetId, request.SequenceNum,
                                     request.AddToSet ? *request.AddToSet : kNone,
                                     request.DelFromSet ? *request.DelFromSet : kNone, now);
  // 3.1.2.5.1.3: the SETID goes back unchanged on failure (0 when none
  // was created); the backoff hint is 0, "ping at the normal rate".
  if (!set) return refuse(set.error(), spec_oxid::ComplexPing_response{request.pSetId, 0, 0});
  return spec_oxid::ComplexPing_response{*set, 0, 0};
}

std::expected<spec_oxid::ServerAlive_response, std::uint32_t> OxidResolver::ServerAlive(
    const CallContext&, spec_oxid::ServerAlive_request) {
  return spec_oxid::ServerAlive_response{0};
}

std::expected<spec_oxid::ServerAlive2_response, std::uint32_t> OxidResolver::ServerAlive2(
    const CallContext& ctx, spec_oxid::ServerAlive2_request) {
  spec_oxid::ServerAlive2_response out;
  out.pComVersion = our_version();
  out.ppdsaOrBindings = to_wire(resolver_bindings(ctx.peer));
  out.pReserved = 0;
  return out;
}

std::shared_ptr<runtime::Interface> make_oxid_resolver_interface(std::shared_ptr<OxidResolver> resolver,
                                                                 const ExporterLimits& limits) {
  ndr::DecodeLimits l;
  // ComplexPing's two OID arrays: a set never holds more than
  // max_oids_per_set, so a request naming more is refused as bad stub data
  // before anything is allocated for it.
  l.max_array_elements = static_cast<std::uint32_t>(std::clamp<std::size_t>(limits.max_oids_per_set, 64, 65535));
  l.max_alloc_bytes = std::uint64_t{l.max_array_elements} * 2 * 8 + 4096;
  l.max_depth = 8;
  return std::make_shared<spec_oxid::IObjectExporter_dispatcher>(std::move(resolver), l);
}

}  // namespace rampart::dcom
