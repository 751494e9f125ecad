// Endpoint mapper queries: ept_lookup, ept_map, ept_map_auth and
// ept_lookup_handle_free, with paging through lookup context handles held
// in the caller's association group ([MS-RPCE] 2.2.1.2.4-5;
// docs/hardening.md "Endpoint mapper": max_ents and max_towers limit
// output, not allocation; each lookup handle belongs to its association
// group, which holds at most ServerLimits::max_lookup_handles).
#include "epm_server.hpp"
#include "rampart/runtime/association_group.hpp"
#include "rampart/services/epm_service.hpp"

namespace rampart::services {

using runtime::CallContext;
using runtime::CallOutcome;

namespace {

/// The state behind one ept_lookup_handle_t: the snapshot being paged, the
/// selection and where the next page starts. Calls on two connections of
/// one association group may share a handle, so the cursor has a lock.
struct Cursor {
  enum class Kind : std::uint8_t { lookup, map };
  explicit Cursor(Kind k) : kind(k) {}
  const Kind kind;
  std::mutex mutex;
  std::shared_ptr<const EndpointDatabase::Snapshot> snapshot;
  LookupQuery lookup;
  MapQuery map;
  std::size_t next = 0;
};

/// One page's bookkeeping. A call without a handle works on the current
/// snapshot and allocates a Cursor only if more pages remain, so the common
/// one-page ept_map costs no handle and no cursor.
struct Page {
  std::shared_ptr<Cursor> cursor;  // the handle's; null for a fresh query
  std::unique_lock<std::mutex> lock;
  std::shared_ptr<const EndpointDatabase::Snapshot> snapshot;
  LookupQuery lookup;
  MapQuery map;
  std::size_t start = 0;
  [[nodiscard]] bool fresh() const noexcept { return !cursor; }
};

/// Finds the caller's cursor of this kind; nullptr for another group's
/// handle, a freed one, or one of the other operation (C15).
std::shared_ptr<Cursor> find_cursor(const CallContext& ctx, const ndr::ContextHandle& h, Cursor::Kind kind) {
  auto state = std::static_pointer_cast<Cursor>(ctx.group.find_handle(epm::ept_descriptor().syntax.uuid, h.uuid));
  return state && state->kind == kind ? state : nullptr;
}

/// Starts a page: from the handle if one came in, else on the current
/// snapshot. False when the handle is not the caller's.
bool begin_page(const CallContext& ctx, const ndr::ContextHandle& h, Cursor::Kind kind, EndpointDatabase& db,
                Page& page) {
  if (h.is_null()) {
    page.snapshot = db.snapshot();
    return true;
  }
  page.cursor = find_cursor(ctx, h, kind);
  if (!page.cursor) return false;
  page.lock = std::unique_lock(page.cursor->mutex);
  // An exhausted walk kept no snapshot: its page is empty whatever it reads.
  page.snapshot = page.cursor->snapshot ? page.cursor->snapshot : db.snapshot();
  page.lookup = page.cursor->lookup;
  page.map = page.cursor->map;
  page.start = page.cursor->next;
  return true;
}

/// Finishes a page that returned `returned` items and stopped before
/// index `next`: keeps, creates or closes the handle and gives the status.
/// Status 0 while items are returned; ept_s_not_registered only with none.
/// The last page hands back a nil handle (Impacket's loop stops on it), but
/// a handle that walked there stays in the group, exhausted and without
/// its snapshot: a client that calls with it again gets the end of the
/// walk, ept_s_not_registered and a zeroed handle, as from Windows and
/// Samba, rather than a fault. It counts against the cap like any other.
std::uint32_t end_page(const CallContext& ctx, Page& page, Cursor::Kind kind, const ndr::ContextHandle& in,
                       std::size_t returned, std::size_t next, ndr::ContextHandle& out) {
  out = {};
  if (returned == 0) {
    if (!page.fresh()) ctx.group.close_handle(epm::ept_descriptor().syntax.uuid, in.uuid);
    return ept_status::kNotRegistered;
  }
  if (next == EndpointDatabase::npos) {
    if (!page.fresh()) {
      page.cursor->next = EndpointDatabase::npos;
      page.cursor->snapshot.reset();
    }
    return ept_status::kOk;
  }
  if (!page.fresh()) {
    page.cursor->next = next;
    out = in;
    return ept_status::kOk;
  }
  auto cursor = std::make_shared<Cursor>(kind);
  cursor->snapshot = page.snapshot;
  cursor->lookup = page.lookup;
  cursor->map = page.map;
  cursor->next = next;
  // Clients commonly page once and never free the handle (ept_map with
  // max_towers 1). Windows and Samba keep serving them, so at
  // ServerLimits::max_lookup_handles the group's oldest lookup handle is
  // evicted: memory stays bounded, a well-formed call is never refused,
  // and only a client that resumes a walk that many handles old gets
  // nca_s_fault_context_mismatch for it.
  auto id = ctx.group.create_handle(epm::ept_descriptor().syntax.uuid, std::move(cursor),
                                    runtime::AssociationGroup::WhenFull::evict_oldest);
  if (!id) return ept_status::kCantPerformOp;  // a group of max_lookup_handles 0
  out = ndr::ContextHandle{0, *id};
  return ept_status::kOk;
}

/// The validated selection of a fresh ept_lookup, or nullopt for an
/// inquiry_type or vers_option outside C706's tables or a missing Ifid.
std::optional<LookupQuery> lookup_query(const epm::ept_lookup_request& r) {
  if (r.inquiry_type > static_cast<std::uint32_t>(Inquiry::match_by_both)) return std::nullopt;
  LookupQuery q;
  q.inquiry = static_cast<Inquiry>(r.inquiry_type);
  q.object = r.object.value_or(Uuid{});  // a NULL object means the nil UUID
  if (q.inquiry == Inquiry::match_by_if || q.inquiry == Inquiry::match_by_both) {
    if (!r.Ifid) return std::nullopt;  // C10: required here
    if (r.vers_option < 1 || r.vers_option > static_cast<std::uint32_t>(VersOption::upto)) return std::nullopt;
    q.interface = SyntaxId{r.Ifid->Uuid, r.Ifid->VersMajor, r.Ifid->VersMinor};
    q.vers = static_cast<VersOption>(r.vers_option);
  }
  return q;
}

/// The selection a map tower asks for: nullopt when it does not decode or
/// names no known protseq (answered ept_s_not_registered, as Samba does).
std::optional<MapQuery> map_query(std::span<const std::uint8_t> octets) {
  auto tower = binding::Tower::decode(octets);
  if (!tower) return std::nullopt;
  auto p = tower->protocol();
  if (!p) return std::nullopt;
  return MapQuery{p->interface, p->transfer, p->info->id, {}};
}

}  // namespace

auto EptServer::ept_lookup(const CallContext& ctx, epm::ept_lookup_request r) -> Reply<epm::ept_lookup_response> {
  epm::ept_lookup_response resp;
  resp.max_ents = r.max_ents;  // size_is(max_ents); [range(0, 500)] in the IDL
  Page page;
  if (!begin_page(ctx, r.entry_handle, Cursor::Kind::lookup, *db_, page))
    return std::unexpected(kFaultContextMismatch);
  if (page.fresh()) {
    auto q = lookup_query(r);
    if (!q) {
      resp.status = ept_status::kCantPerformOp;
      return resp;
    }
    page.lookup = *q;
  }
  resp.entries.reserve(std::min<std::size_t>(r.max_ents, page.snapshot->entries.size()));
  const auto add = [&](const Entry& e) {
    resp.entries.push_back(epm::ept_entry_t{e.object, make_twr(e.tower_for(ctx.peer)), e.annotation});
  };
  const std::size_t next = EndpointDatabase::page(*page.snapshot, page.lookup, page.start, r.max_ents, add);
  resp.status = end_page(ctx, page, Cursor::Kind::lookup, r.entry_handle, resp.entries.size(), next, resp.entry_handle);
  if (resp.status != ept_status::kOk) resp.entries.clear();
  resp.num_ents = static_cast<std::uint32_t>(resp.entries.size());
  return resp;
}

namespace {

/// ept_map and ept_map_auth share everything after decoding; their
/// responses have the same members. False: fault context mismatch.
template <class Response>
bool map_common(const CallContext& ctx, EndpointDatabase& db, const Uuid& object,
                std::span<const std::uint8_t> tower, const ndr::ContextHandle& handle, std::uint32_t max_towers,
                Response& resp) {
  resp.max_towers = max_towers;  // size_is(max_towers); [range(0, 500)] in the IDL
  Page page;
  if (!begin_page(ctx, handle, Cursor::Kind::map, db, page)) return false;
  if (page.fresh()) {
    auto q = map_query(tower);
    if (!q) {
      resp.status = ept_status::kNotRegistered;
      return true;
    }
    EndpointDatabase::resolve_map_object(*page.snapshot, *q, object);
    page.map = *q;
  }
  resp.ITowers.reserve(std::min<std::size_t>(max_towers, 8));
  const auto add = [&](const Entry& e) { resp.ITowers.emplace_back(make_twr(e.tower_for(ctx.peer))); };
  const std::size_t next = EndpointDatabase::page(*page.snapshot, page.map, page.start, max_towers, add);
  resp.status = end_page(ctx, page, Cursor::Kind::map, handle, resp.ITowers.size(), next, resp.entry_handle);
  if (resp.status != ept_status::kOk) resp.ITowers.clear();
  resp.num_towers = static_cast<std::uint32_t>(resp.ITowers.size());
  return true;
}

}  // namespace

auto EptServer::ept_map(const CallContext& ctx, epm::ept_map_request r) -> Reply<epm::ept_map_response> {
  epm::ept_map_response resp;
  static const std::vector<std::uint8_t> kNoTower;
  const auto& octets = r.map_tower ? r.map_tower->tower_octet_string : kNoTower;
  if (!map_common(ctx, *db_, r.obj.value_or(Uuid{}), octets, r.entry_handle, r.max_towers, resp))
    return std::unexpected(kFaultContextMismatch);
  return resp;
}

auto EptServer::ept_map_auth(const CallContext& ctx, epm::ept_map_auth_request r)
    -> Reply<epm::ept_map_auth_response> {
  // The caller's SID is not consulted: without security providers there is
  // no authenticated identity to hold it against.
  epm::ept_map_auth_response resp;
  if (!map_common(ctx, *db_, r.obj, r.map_tower.tower_octet_string, r.entry_handle, r.max_towers, resp))
    return std::unexpected(kFaultContextMismatch);
  return resp;
}

auto EptServer::ept_lookup_handle_free(const CallContext& ctx, epm::ept_lookup_handle_free_request r)
    -> Reply<epm::ept_lookup_handle_free_response> {
  epm::ept_lookup_handle_free_response resp;  // the handle goes back nil
  if (!r.entry_handle.is_null() && !ctx.group.close_handle(epm::ept_descriptor().syntax.uuid, r.entry_handle.uuid))
    return std::unexpected(kFaultContextMismatch);  // not this group's (C15)
  return resp;
}

}  // namespace rampart::services
