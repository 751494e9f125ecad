// Endpoint mapper: the generated dispatcher, locality, and the
// registration operations ept_insert, ept_delete, ept_mgmt_delete and
// ept_inq_object (C706 Appendix O; [MS-RPCE] 2.2.1.2). Queries are in
// epm_query.cpp.
#include "rampart/services/epm_service.hpp"

#include <algorithm>

#include "epm_server.hpp"
#include "rampart/pdu/status.hpp"

namespace rampart::services {

using runtime::CallContext;
using runtime::CallOutcome;

// The statuses this service names are the IDL's (idl/c706/epm.idl).
static_assert(ept_status::kCantPerformOp == epm::ept_s_cant_perform_op);
static_assert(ept_status::kCantCreate == epm::ept_s_cant_create);
static_assert(ept_status::kInvalidEntry == epm::ept_s_invalid_entry);
static_assert(ept_status::kNotRegistered == epm::ept_s_not_registered);

ndr::DecodeLimits epm_decode_limits(const Config& config) noexcept {
  ndr::DecodeLimits l;
  l.max_depth = 8;
  l.max_array_elements = static_cast<std::uint32_t>(std::max<std::size_t>(config.max_entries, epm::ept_max_entries));
  l.max_full_pointers = 2 * l.max_array_elements + 8;
  l.max_string_length = static_cast<std::uint32_t>(epm::ept_max_annotation_size);
  // An insert of max_array_elements maximal towers, with room to spare.
  l.max_alloc_bytes = std::uint64_t{l.max_array_elements} * 2 * (spec::nbase::twr_max_tower_octets + 128);
  return l;
}

CallOutcome call_inline(runtime::Interface& iface, const CallContext& ctx) {
  auto slot = std::make_shared<runtime::Responder::Slot>();
  iface.call(ctx, runtime::Responder(slot));
  std::lock_guard lock(slot->mutex);
  if (!slot->inline_outcome) return CallOutcome::fault(pdu::status::kRpcCallFailed);
  return std::move(*slot->inline_outcome);
}

EndpointMapper::EndpointMapper(std::shared_ptr<EndpointDatabase> db)
    : db_(std::move(db)),
      server_(std::make_shared<EptServer>(db_)),
      dispatcher_(std::make_unique<epm::ept_dispatcher>(server_, epm_decode_limits(db_->config()))) {}

EndpointMapper::~EndpointMapper() = default;

const SyntaxId& EndpointMapper::syntax() const noexcept { return epm::ept_descriptor().syntax; }

std::uint16_t EndpointMapper::operation_count() const noexcept { return epm::ept_descriptor().operation_count(); }

bool EndpointMapper::supports_transfer_syntax(const SyntaxId& transfer) const noexcept {
  return dispatcher_->supports_transfer_syntax(transfer);
}

bool EndpointMapper::allows_peer(const runtime::PeerInfo& peer, std::uint16_t opnum) const noexcept {
  using epm::ept_opnum;
  const auto op = static_cast<ept_opnum>(opnum);
  if (op != ept_opnum::ept_insert && op != ept_opnum::ept_delete && op != ept_opnum::ept_mgmt_delete) return true;
  // docs/hardening.md C14: refuse remote ept_insert / ept_delete; local servers
  // register over the local socket transport.
  if (peer.transport == runtime::TransportKind::local) return true;
  return db_->config().allow_loopback_tcp_registration && peer.transport == runtime::TransportKind::tcp &&
         peer.loopback;
}

void EndpointMapper::call(const CallContext& ctx, runtime::Responder responder) {
  // The runtime already asked allows_peer(); this repeats it for direct
  // callers, before anything is unmarshalled.
  if (!allows_peer(ctx.peer, ctx.opnum)) {
    responder.respond(CallOutcome::fault(pdu::status::kAccessDenied, true));
    return;
  }
  dispatcher_->call(ctx, std::move(responder));
}

CallOutcome EndpointMapper::handle(const CallContext& ctx) { return call_inline(*this, ctx); }

void EndpointMapper::connection_closed(const runtime::PeerInfo& peer) noexcept {
  try {
    db_->remove_all_owned_by(peer.connection_id);
  } catch (...) {
    // Allocation failure while copying the snapshot: the entries stay until
    // the next registration change; never let it escape the event loop.
  }
}

Owner EptServer::owner_for(const runtime::PeerInfo& peer) const {
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
std::optional<std::vector<Entry>> validate(const std::vector<epm::ept_entry_t>& wire, const Owner& owner) {
  std::vector<Entry> out;
  out.reserve(wire.size());
  for (const auto& e : wire) {
    if (!e.tower) return std::nullopt;  // C10: a required tower
    auto entry = EndpointDatabase::make_entry(e.object, e.tower->tower_octet_string, e.annotation, owner);
    if (!entry) return std::nullopt;
    out.push_back(std::move(*entry));
  }
  return out;
}

}  // namespace

auto EptServer::ept_insert(const CallContext& ctx, epm::ept_insert_request r) -> Reply<epm::ept_insert_response> {
  auto entries = validate(r.entries, owner_for(ctx.peer));
  epm::ept_insert_response resp;
  resp.status = entries ? to_status(db_->insert(std::move(*entries), r.replace != 0)) : ept_status::kInvalidEntry;
  return resp;
}

auto EptServer::ept_delete(const CallContext& ctx, epm::ept_delete_request r) -> Reply<epm::ept_delete_response> {
  const Owner owner = owner_for(ctx.peer);
  auto entries = validate(r.entries, owner);
  epm::ept_delete_response resp;
  if (!entries) {
    resp.status = ept_status::kInvalidEntry;
  } else {
    for (const auto& e : *entries)
      if (db_->remove(e.object, e.binding, owner) != DbStatus::ok) resp.status = ept_status::kNotRegistered;
  }
  return resp;
}

auto EptServer::ept_mgmt_delete(const CallContext& ctx, epm::ept_mgmt_delete_request r)
    -> Reply<epm::ept_mgmt_delete_response> {
  epm::ept_mgmt_delete_response resp;
  const Owner owner = owner_for(ctx.peer);
  const Uuid object = r.object.value_or(Uuid{});
  auto entry = r.tower ? EndpointDatabase::make_entry(object, r.tower->tower_octet_string, {}, owner) : std::nullopt;
  if (!entry) {
    resp.status = ept_status::kInvalidEntry;
  } else {
    const std::optional<Uuid> match_object = r.object_speced ? std::optional(object) : std::nullopt;
    resp.status = to_status(db_->remove_matching(match_object, entry->binding, owner));
  }
  return resp;
}

auto EptServer::ept_inq_object(const CallContext&, epm::ept_inq_object_request) -> Reply<epm::ept_inq_object_response> {
  return epm::ept_inq_object_response{db_->config().ept_object, ept_status::kOk};
}

}  // namespace rampart::services
