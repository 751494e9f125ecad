// The baseline session: what a well-behaved client sees (a bind offering
// 65535-octet fragments, ept_lookup page by page, then mgmt inq_if_ids on
// an alter_context of the same association). Its answers feed
// the fingerprint; its bind tells whether the probes can run at all.
#include "baseline.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "rampart/binding/tower.hpp"
#include "epm.hpp"
#include "mgmt.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/pdu.hpp"
#include "dcom_wire.hpp"
#include "wire.hpp"

namespace rampart::probe {

namespace epm = spec::epm;
namespace mgmt = spec::mgmt;

namespace {

constexpr std::uint32_t kPageEntries = 20;
constexpr std::size_t kMaxPages = 50;
/// A reply stub larger than this ends the baseline (1 MiB is far above any
/// endpoint map's 20-entry page).
constexpr std::size_t kMaxReplyStub = 1 << 20;
constexpr std::uint16_t kEptLookup = 2;
constexpr std::uint16_t kEptLookupHandleFree = 4;

void keep(std::vector<std::string>& v, std::string s) {
  if (s.empty() || v.size() >= Baseline::kMaxKept) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

// Reads the fragments of one reply into a stub; a fault ends it with its status.
struct Reply {
  bool ok = false;
  bool fault = false;
  std::uint32_t fault_status = 0;
  Drep drep;
  std::vector<std::uint8_t> stub;
  std::string error;
};

asio::awaitable<Reply> read_reply(ProbeConn& c, std::chrono::milliseconds timeout) {
  Reply out;
  for (;;) {
    auto r = co_await c.read_pdu(timeout);
    if (r.kind != ReadOutcome::Kind::pdu) {
      out.error = r.kind == ReadOutcome::Kind::timeout ? "reply timed out" : "connection lost: " + r.detail;
      co_return out;
    }
    auto p = pdu::decode(r.octets);
    if (!p) {
      out.error = "reply does not decode: " + p.error().to_string();
      co_return out;
    }
    out.drep = p->header.drep;
    if (const auto* f = p->as<pdu::Fault>()) {
      out.fault = true;
      out.fault_status = f->status;
      co_return out;
    }
    const auto* resp = p->as<pdu::Response>();
    if (!resp) {
      out.error = "unexpected reply PDU";
      co_return out;
    }
    if (out.stub.size() + resp->stub.size() > kMaxReplyStub) {
      out.error = "reply larger than 1 MiB";
      co_return out;
    }
    out.stub.insert(out.stub.end(), resp->stub.begin(), resp->stub.end());
    if (p->header.is_last_frag()) break;
  }
  out.ok = true;
  co_return out;
}

void record_entries(Baseline& b, const epm::ept_lookup_response& page) {
  b.entries += page.entries.size();
  for (const auto& e : page.entries) {
    keep(b.annotations, e.annotation);
    if (!e.tower) continue;
    auto t = binding::Tower::decode(e.tower->tower_octet_string);
    if (t && !t->floors().empty() && t->floors()[0].protocol == binding::FloorProtocol::uuid)
      keep(b.interfaces, t->floors()[0].syntax.uuid.to_string());
  }
}

asio::awaitable<void> lookup_all(ProbeConn& c, Baseline& b, const EngineOptions& o) {
  ndr::ContextHandle handle;
  for (std::uint32_t page = 0; page < kMaxPages; ++page) {
    auto stub = wire::ept_lookup_stub(kPageEntries, handle.uuid, handle.attributes);
    if (auto err = co_await c.write(wire::request(2 + page, 0, kEptLookup, stub), o.reply_timeout); !err.empty()) {
      b.error = "ept_lookup: " + err;
      co_return;
    }
    auto reply = co_await read_reply(c, o.reply_timeout);
    if (!reply.ok) {
      b.error = reply.fault ? "ept_lookup fault" : "ept_lookup: " + reply.error;
      b.final_status = reply.fault_status;
      co_return;
    }
    auto decoded = ndr::decode_stub<epm::ept_lookup_response>(reply.stub, reply.drep);
    if (!decoded) {
      b.error = "ept_lookup reply does not decode: " + decoded.error().to_string();
      co_return;
    }
    ++b.pages;
    b.lookup_ok = true;
    record_entries(b, *decoded);
    b.final_status = decoded->status;
    handle = decoded->entry_handle;
    if (decoded->status == epm::ept_s_not_registered && !decoded->entries.empty()) b.status_with_entries = true;
    if (decoded->status != 0 || handle.is_null() || decoded->entries.empty()) break;
  }
  if (!handle.is_null()) {
    // Release the lookup context; the answer changes nothing here.
    std::vector<std::uint8_t> free_stub(20, 0);
    wire::put_u32(free_stub, 0, handle.attributes);
    std::copy(handle.uuid.bytes().begin(), handle.uuid.bytes().end(), free_stub.begin() + 4);
    if ((co_await c.write(wire::request(1000, 0, kEptLookupHandleFree, free_stub), o.reply_timeout)).empty())
      (void)co_await read_reply(c, o.reply_timeout);
  }
}

// mgmt inq_if_ids over an alter_context of the same association.
asio::awaitable<void> mgmt_ifids(ProbeConn& c, Baseline& b, const EngineOptions& o) {
  constexpr std::uint16_t kMgmtContext = 1;
  if (auto err = co_await c.write(wire::mgmt_alter(2000, kMgmtContext), o.reply_timeout); !err.empty()) {
    b.mgmt_error = "alter_context: " + err;
    co_return;
  }
  auto r = co_await c.read_pdu(o.reply_timeout);
  const auto reaction = r.kind == ReadOutcome::Kind::pdu ? reaction_from_pdu(r.octets) : Reaction{};
  if (reaction.kind != ReactionKind::alter_context_resp || reaction.code != 0) {
    b.mgmt_error = "mgmt context refused: " + reaction.describe();
    co_return;
  }
  if (auto err = co_await c.write(wire::request(2001, kMgmtContext, 0, std::span<const std::uint8_t>{}), o.reply_timeout);
      !err.empty()) {
    b.mgmt_error = "inq_if_ids: " + err;
    co_return;
  }
  auto reply = co_await read_reply(c, o.reply_timeout);
  if (!reply.ok) {
    b.mgmt_error = reply.fault ? fmt::format("inq_if_ids fault 0x{:08x}", reply.fault_status) : "inq_if_ids: " + reply.error;
    co_return;
  }
  auto ids = ndr::decode_stub<mgmt::rpc__mgmt_inq_if_ids_response>(reply.stub, reply.drep);
  if (!ids) {
    b.mgmt_error = "inq_if_ids reply does not decode: " + ids.error().to_string();
    co_return;
  }
  b.mgmt_ok = true;
  if (ids->if_id_vector)
    for (const auto& id : ids->if_id_vector->if_id)
      if (id) keep(b.mgmt_interfaces, id->Uuid.to_string());
}

// IObjectExporter::ServerAlive2 over an alter_context of the same
// association: what every DCOM client asks first, unauthenticated
// ([MS-DCOM] 3.1.2.5.1.6). A host that answers it offers DCOM on 135.
asio::awaitable<void> server_alive2(ProbeConn& c, Baseline& b, const EngineOptions& o) {
  if (auto err = co_await c.write(dcom_wire::exporter_alter(3000), o.reply_timeout); !err.empty()) {
    b.dcom_error = "alter_context: " + err;
    co_return;
  }
  auto r = co_await c.read_pdu(o.reply_timeout);
  const auto reaction = r.kind == ReadOutcome::Kind::pdu ? reaction_from_pdu(r.octets) : Reaction{};
  if (reaction.kind != ReactionKind::alter_context_resp || reaction.code != 0) {
    b.dcom_error = "IObjectExporter context refused: " + reaction.describe();
    co_return;
  }
  const auto request =
      wire::request(3001, dcom_wire::kExporterContext, dcom_wire::kServerAlive2, std::span<const std::uint8_t>{});
  if (auto err = co_await c.write(request, o.reply_timeout); !err.empty()) {
    b.dcom_error = "ServerAlive2: " + err;
    co_return;
  }
  auto reply = co_await read_reply(c, o.reply_timeout);
  if (!reply.ok) {
    b.dcom_error = reply.fault ? fmt::format("ServerAlive2 fault 0x{:08x}", reply.fault_status) : "ServerAlive2: " + reply.error;
    co_return;
  }
  auto alive = dcom_wire::server_alive2_reply(reply.stub, reply.drep);
  if (!alive || alive->status != 0) {
    b.dcom_error = alive ? fmt::format("ServerAlive2 status 0x{:08x}", alive->status) : "ServerAlive2 reply does not decode";
    co_return;
  }
  b.dcom_offered = true;
  b.dcom_version = fmt::format("{}.{}", alive->major, alive->minor);
  b.dcom_bindings = std::move(alive->bindings);
}

}  // namespace

asio::awaitable<Baseline> run_baseline(const asio::ip::tcp::endpoint& ep, const EngineOptions& o) {
  Baseline b;
  ProbeConn c(co_await asio::this_coro::executor);
  if (auto err = co_await c.connect(ep, o.connect_timeout); !err.empty()) {
    b.error = err;
    co_return b;
  }
  b.reachable = true;
  auto bind = wire::epm_bind(1);
  wire::put_u16(bind, 16, 0xffff);  // max_xmit_frag
  wire::put_u16(bind, 18, 0xffff);  // max_recv_frag
  if (auto err = co_await c.write(bind, o.reply_timeout); !err.empty()) {
    b.error = "bind: " + err;
    co_return b;
  }
  auto r = co_await c.read_pdu(o.reply_timeout);
  if (r.kind != ReadOutcome::Kind::pdu) {
    b.bind_reaction.kind = r.kind == ReadOutcome::Kind::timeout ? ReactionKind::silence : ReactionKind::closed;
    b.error = "bind: no bind_ack";
    co_return b;
  }
  b.bind_reaction = reaction_from_pdu(r.octets);
  auto p = pdu::decode(r.octets);
  const auto* ack = p ? p->as<pdu::BindAck>() : nullptr;
  if (!ack || ack->results.empty() || ack->results[0].result != pdu::ContextResult::acceptance) {
    b.error = "bind refused: " + b.bind_reaction.describe();
    co_return b;
  }
  b.bound = true;
  b.max_xmit_frag = ack->max_xmit_frag;
  b.max_recv_frag = ack->max_recv_frag;
  b.assoc_group_id = ack->assoc_group_id;
  b.secondary_address = ack->secondary_address;
  co_await lookup_all(c, b, o);
  co_await mgmt_ifids(c, b, o);
  co_await server_alive2(c, b, o);
  c.close();
  co_return b;
}

}  // namespace rampart::probe
