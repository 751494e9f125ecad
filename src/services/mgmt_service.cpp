// Remote management interface v1.0 (C706 Appendix Q): conventions in
// mgmt_service.hpp.
#include "rampart/services/mgmt_service.hpp"

#include "rampart/interfaces/mgmt.hpp"
#include "stub_util.hpp"

namespace rampart::services {

using runtime::CallContext;
using runtime::CallOutcome;

namespace {

/// mgmt requests carry at most two u32s; nothing nests or allocates.
ndr::DecodeLimits mgmt_decode_limits() noexcept {
  ndr::DecodeLimits l;
  l.max_depth = 4;
  l.max_alloc_bytes = 4096;
  l.max_array_elements = 16;
  l.max_full_pointers = 16;
  return l;
}

}  // namespace

Management::Management(runtime::ServerCore& core) : core_(core), limits_(mgmt_decode_limits()) {}

const SyntaxId& Management::syntax() const noexcept { return mgmt::kInterface; }

void Management::call(const CallContext& ctx, runtime::Responder responder) { responder.respond(handle(ctx)); }

CallOutcome Management::handle(const CallContext& ctx) {
  using mgmt::Opnum;
  switch (static_cast<Opnum>(ctx.opnum)) {
    case Opnum::inq_if_ids: return inq_if_ids(ctx);
    case Opnum::inq_stats: return inq_stats(ctx);
    case Opnum::is_server_listening: return is_server_listening(ctx);
    case Opnum::stop_server_listening: return stop_server_listening(ctx);
    case Opnum::inq_princ_name: return inq_princ_name(ctx);
  }
  return CallOutcome::fault(pdu::status::kNcaOpRangeError, true);
}

CallOutcome Management::inq_if_ids(const CallContext& ctx) {
  auto req = ndr::decode_request_stub<mgmt::InqIfIdsRequest>(ctx.stub, ctx.drep, limits_);
  if (!req) return detail::bad_stub(req.error());
  std::vector<std::optional<mgmt::RpcIfId>> ids;
  const auto snapshot = core_.interfaces.snapshot();
  ids.reserve(snapshot->size());
  for (const auto& iface : *snapshot) {
    const SyntaxId& s = iface->syntax();
    ids.emplace_back(mgmt::RpcIfId{s.uuid, s.major, s.minor});
  }
  return detail::reply(mgmt::InqIfIdsResponse{std::move(ids), 0}, ctx.drep);
}

CallOutcome Management::inq_stats(const CallContext& ctx) {
  // C706 sends [in] count alone; Samba's mgmt.idl adds a second u32
  // ("unknown"). Octets after count are ignored, as after any request.
  auto req = ndr::decode_request_stub<mgmt::InqStatsRequest>(ctx.stub, ctx.drep, limits_);
  if (!req) return detail::bad_stub(req.error());
  const std::uint32_t values[] = {
      core_.stats.calls_in.load(std::memory_order_relaxed), core_.stats.calls_out.load(std::memory_order_relaxed),
      core_.stats.pkts_in.load(std::memory_order_relaxed), core_.stats.pkts_out.load(std::memory_order_relaxed)};
  const std::size_t n = std::min<std::size_t>(req->count, std::size(values));
  return detail::reply(mgmt::InqStatsResponse{{values, values + n}, 0}, ctx.drep);
}

CallOutcome Management::is_server_listening(const CallContext& ctx) {
  auto req = ndr::decode_request_stub<mgmt::IsServerListeningRequest>(ctx.stub, ctx.drep, limits_);
  if (!req) return detail::bad_stub(req.error());
  const bool listening = core_.listening.load(std::memory_order_relaxed);
  return detail::reply(mgmt::IsServerListeningResponse{0, listening ? 1u : 0u}, ctx.drep);
}

CallOutcome Management::stop_server_listening(const CallContext& ctx) {
  auto req = ndr::decode_request_stub<mgmt::StopServerListeningRequest>(ctx.stub, ctx.drep, limits_);
  if (!req) return detail::bad_stub(req.error());
  return detail::reply(mgmt::StopServerListeningResponse{kRpcAccessDenied}, ctx.drep);
}

CallOutcome Management::inq_princ_name(const CallContext& ctx) {
  auto req = ndr::decode_request_stub<mgmt::InqPrincNameRequest>(ctx.stub, ctx.drep, limits_);
  if (!req) return detail::bad_stub(req.error());
  if (req->princ_name_size == 0) return CallOutcome::fault(kRpcInvalidBound);
  // The reply's array is exactly the caller's size_is(princ_name_size); an
  // empty name needs one octet of it (C8). Nothing is allocated by the size.
  // authn_proto is an auth_type ([MS-RPCE] 2.2.1.1.7: 10 NTLM, 9 SPNEGO).
  const auto providers = core_.providers();
  const auto provider = providers && req->authn_proto <= 0xff
                            ? providers->find(static_cast<std::uint8_t>(req->authn_proto))
                            : nullptr;
  if (!provider || provider->principal().empty())
    return detail::reply(mgmt::InqPrincNameResponse{req->princ_name_size, {}, kRpcUnknownAuthnService}, ctx.drep);
  std::string name = provider->principal();
  if (name.size() >= req->princ_name_size || name.size() > mgmt::kMaxPrincNameLength)
    return detail::reply(mgmt::InqPrincNameResponse{req->princ_name_size, {}, kInsufficientBuffer}, ctx.drep);
  return detail::reply(mgmt::InqPrincNameResponse{req->princ_name_size, std::move(name), 0}, ctx.drep);
}

}  // namespace rampart::services
