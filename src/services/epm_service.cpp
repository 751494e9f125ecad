// Endpoint mapper: dispatch, locality, and the registration operations
// ept_insert, ept_delete, ept_mgmt_delete and ept_inq_object (C706
// Appendix O; [MS-RPCE] 2.2.1.2). Queries are in epm_query.cpp.
#include "rampart/services/epm_service.hpp"

#include "rampart/interfaces/epm.hpp"
#include "stub_util.hpp"

namespace rampart::services {

using runtime::CallContext;
using runtime::CallOutcome;

ndr::DecodeLimits epm_decode_limits(const Config& config) noexcept {
  ndr::DecodeLimits l;
  l.max_depth = 8;
  l.max_array_elements = static_cast<std::uint32_t>(std::max<std::size_t>(config.max_entries, epm::kMaxEntries));
  l.max_full_pointers = 2 * l.max_array_elements + 8;
  l.max_string_length = epm::kMaxAnnotationSize;
  // An insert of max_array_elements maximal towers, with room to spare.
  l.max_alloc_bytes = std::uint64_t{l.max_array_elements} * 2 * (epm::kMaxTowerOctets + 128);
  return l;
}

EndpointMapper::EndpointMapper(std::shared_ptr<EndpointDatabase> db)
    : db_(std::move(db)), limits_(epm_decode_limits(db_->config())) {}

const SyntaxId& EndpointMapper::syntax() const noexcept { return epm::kInterface; }

bool EndpointMapper::allows_peer(const runtime::PeerInfo& peer, std::uint16_t opnum) const noexcept {
  using epm::Opnum;
  const auto op = static_cast<Opnum>(opnum);
  if (op != Opnum::ept_insert && op != Opnum::ept_delete && op != Opnum::ept_mgmt_delete) return true;
  // docs/hardening.md C14: refuse remote ept_insert / ept_delete; local servers
  // register over the local socket transport.
  if (peer.transport == runtime::TransportKind::local) return true;
  return db_->config().allow_loopback_tcp_registration && peer.transport == runtime::TransportKind::tcp &&
         peer.loopback;
}

void EndpointMapper::call(const CallContext& ctx, runtime::Responder responder) {
  responder.respond(handle(ctx));
}

CallOutcome EndpointMapper::handle(const CallContext& ctx) {
  using epm::Opnum;
  // The dispatcher already refused opnums >= operation_count() and callers
  // allows_peer() refuses; these checks are repeated for direct callers.
  if (!allows_peer(ctx.peer, ctx.opnum)) return CallOutcome::fault(pdu::status::kAccessDenied, true);
  switch (static_cast<Opnum>(ctx.opnum)) {
    case Opnum::ept_insert: return ept_insert(ctx);
    case Opnum::ept_delete: return ept_delete(ctx);
    case Opnum::ept_lookup: return ept_lookup(ctx);
    case Opnum::ept_map: return ept_map(ctx);
    case Opnum::ept_lookup_handle_free: return ept_lookup_handle_free(ctx);
    case Opnum::ept_inq_object: return ept_inq_object(ctx);
    case Opnum::ept_mgmt_delete: return ept_mgmt_delete(ctx);
    case Opnum::ept_map_auth: return ept_map_auth(ctx);
  }
  return CallOutcome::fault(pdu::status::kNcaOpRangeError, true);
}

void EndpointMapper::connection_closed(const runtime::PeerInfo& peer) noexcept {
  try {
    db_->remove_all_owned_by(peer.connection_id);
  } catch (...) {
    // Allocation failure while copying the snapshot: the entries stay until
    // the next registration change; never let it escape the event loop.
  }
}

Owner EndpointMapper::owner_for(const runtime::PeerInfo& peer) const {
  const std::string& static_path = db_->config().static_socket_path;
  if (peer.transport == runtime::TransportKind::local && !static_path.empty() && peer.local_endpoint == static_path)
    return std::nullopt;
  return peer.connection_id;
}

namespace {

std::uint32_t to_status(DbStatus s) noexcept {
  switch (s) {
    case DbStatus::ok: return ept_status::kOk;
    case DbStatus::invalid_entry: return ept_status::kInvalidEntry;
    case DbStatus::full: return ept_status::kCantCreate;
    case DbStatus::not_found: return ept_status::kNotRegistered;
  }
  return ept_status::kCantPerformOp;
}

/// Validates every wire entry into a map Entry; nullopt if any is invalid
/// (a NULL tower, a tower that does not decode, a bad annotation).
std::optional<std::vector<Entry>> validate(const std::vector<epm::EptEntry>& wire, const Owner& owner) {
  std::vector<Entry> out;
  out.reserve(wire.size());
  for (const auto& e : wire) {
    if (!e.tower) return std::nullopt;  // C10: a required tower
    auto entry = EndpointDatabase::make_entry(e.object, e.tower->octets, e.annotation, owner);
    if (!entry) return std::nullopt;
    out.push_back(std::move(*entry));
  }
  return out;
}

}  // namespace

CallOutcome EndpointMapper::ept_insert(const CallContext& ctx) {
  auto req = ndr::decode_request_stub<epm::EptInsertRequest>(ctx.stub, ctx.drep, limits_);
  if (!req) return detail::bad_stub(req.error());
  auto entries = validate(req->entries, owner_for(ctx.peer));
  epm::EptInsertResponse resp;
  resp.status = entries ? to_status(db_->insert(std::move(*entries), req->replace != 0)) : ept_status::kInvalidEntry;
  return detail::reply(resp, ctx.drep);
}

CallOutcome EndpointMapper::ept_delete(const CallContext& ctx) {
  auto req = ndr::decode_request_stub<epm::EptDeleteRequest>(ctx.stub, ctx.drep, limits_);
  if (!req) return detail::bad_stub(req.error());
  const Owner owner = owner_for(ctx.peer);
  auto entries = validate(req->entries, owner);
  epm::EptDeleteResponse resp;
  if (!entries) {
    resp.status = ept_status::kInvalidEntry;
  } else {
    for (const auto& e : *entries)
      if (db_->remove(e.object, e.binding, owner) != DbStatus::ok) resp.status = ept_status::kNotRegistered;
  }
  return detail::reply(resp, ctx.drep);
}

CallOutcome EndpointMapper::ept_mgmt_delete(const CallContext& ctx) {
  auto req = ndr::decode_request_stub<epm::EptMgmtDeleteRequest>(ctx.stub, ctx.drep, limits_);
  if (!req) return detail::bad_stub(req.error());
  epm::EptMgmtDeleteResponse resp;
  const Owner owner = owner_for(ctx.peer);
  const Uuid object = req->object.value_or(Uuid{});
  auto entry = req->tower ? EndpointDatabase::make_entry(object, req->tower->octets, {}, owner) : std::nullopt;
  if (!entry) {
    resp.status = ept_status::kInvalidEntry;
  } else {
    const std::optional<Uuid> match_object = req->object_speced ? std::optional(object) : std::nullopt;
    resp.status = to_status(db_->remove_matching(match_object, entry->binding, owner));
  }
  return detail::reply(resp, ctx.drep);
}

CallOutcome EndpointMapper::ept_inq_object(const CallContext& ctx) {
  auto req = ndr::decode_request_stub<epm::EptInqObjectRequest>(ctx.stub, ctx.drep, limits_);
  if (!req) return detail::bad_stub(req.error());
  return detail::reply(epm::EptInqObjectResponse{db_->config().ept_object, ept_status::kOk}, ctx.drep);
}

}  // namespace rampart::services
