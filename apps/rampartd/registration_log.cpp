#include "registration_log.hpp"

#include <fmt/format.h>

#include "log.hpp"
#include "rampart/binding/string_binding.hpp"
#include "rampart/binding/tower.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/status.hpp"

#include <algorithm>

namespace rampartd {

namespace epm = rampart::spec::epm;
using rampart::runtime::CallContext;
using rampart::runtime::CallOutcome;

namespace {

// "12345778-... v0.0 ncacn_ip_tcp:[49701]" for each entry, "; "-separated.
std::string describe_entries(const std::vector<epm::ept_entry_t>& entries) {
  std::string out;
  for (const auto& e : entries) {
    std::string text = e.tower ? "(bad tower)" : "(no tower)";
    if (e.tower) {
      if (auto tower = rampart::binding::Tower::decode(e.tower->tower_octet_string)) {
        if (auto view = tower->binding()) {
          text = fmt::format("{} {}", view->interface.to_string(),
                             rampart::binding::StringBinding::from_tower(*view).format());
        }
      }
    }
    if (!e.annotation.empty()) text += fmt::format(" \"{}\"", e.annotation);
    out += (out.empty() ? "" : "; ") + text;
  }
  return out;
}

std::string outcome_text(const CallOutcome& outcome, rampart::Drep drep) {
  if (outcome.is_fault()) return fmt::format("fault 0x{:08x}", outcome.fault_status);
  // ept_insert and ept_delete answer the same [out] shape: one status.
  auto reply = rampart::ndr::decode_stub<epm::ept_insert_response>(outcome.stub, drep);
  if (!reply) return "(reply does not decode)";
  const char* name = reply->status == 0 ? "ok" : reply->status == epm::ept_s_not_registered ? "ept_s_not_registered" : "error";
  return fmt::format("{} (0x{:08x})", name, reply->status);
}

// The interface UUID of an entry's tower, if it decodes.
std::optional<rampart::Uuid> entry_interface(const epm::ept_entry_t& e) {
  if (!e.tower) return std::nullopt;
  auto tower = rampart::binding::Tower::decode(e.tower->tower_octet_string);
  if (!tower) return std::nullopt;
  auto view = tower->binding();
  if (!view) return std::nullopt;
  return view->interface.uuid;
}

}  // namespace

RegistrationLog::RegistrationLog(std::shared_ptr<rampart::services::EndpointMapper> epm,
                                 rampart::ndr::DecodeLimits limits, std::shared_ptr<StateStore> state,
                                 std::vector<RegistrationRule> rules)
    : epm_(std::move(epm)), limits_(limits), state_(std::move(state)), rules_(std::move(rules)) {}

bool RegistrationLog::permitted(const rampart::runtime::PeerInfo& peer, const std::vector<epm::ept_entry_t>& entries) const {
  if (rules_.empty() || peer.transport != rampart::runtime::TransportKind::local) return true;
  if (!peer.credentials) return false;
  const auto uid = peer.credentials->uid;
  if (uid == 0) return true;
  for (const auto& e : entries) {
    // An entry whose tower does not decode is refused by the service itself.
    const auto iface = entry_interface(e);
    if (!iface) continue;
    const bool allowed = std::any_of(rules_.begin(), rules_.end(), [&](const RegistrationRule& r) {
      return r.uid == uid &&
             (r.any_interface || std::find(r.interfaces.begin(), r.interfaces.end(), *iface) != r.interfaces.end());
    });
    if (!allowed) return false;
  }
  return true;
}

void RegistrationLog::log_call(const CallContext& ctx, std::string_view what, const std::vector<epm::ept_entry_t>& entries,
                               const std::string& status) const {
  const auto& cred = ctx.peer.credentials;
  log::event(status.starts_with("refused") ? spdlog::level::warn : spdlog::level::info, what,
             {{"peer", ctx.peer.address},
              log::num("conn", ctx.peer.connection_id),
              {"pid", cred ? std::to_string(cred->pid) : "-", cred.has_value()},
              {"uid", cred ? std::to_string(cred->uid) : "-", cred.has_value()},
              {"gid", cred ? std::to_string(cred->gid) : "-", cred.has_value()},
              {"socket", ctx.peer.local_endpoint},
              {"entries", describe_entries(entries)},
              {"status", status}});
}

void RegistrationLog::call(const CallContext& ctx, rampart::runtime::Responder responder) {
  const auto op = static_cast<epm::ept_opnum>(ctx.opnum);
  // Every other call goes straight to the endpoint mapper, answered inline.
  if (op != epm::ept_opnum::ept_insert && op != epm::ept_opnum::ept_delete) return epm_->call(ctx, std::move(responder));
  // Decoded a second time, with the service's own limits, for the policy
  // and the log: registrations are rare and come from local callers (C14).
  std::vector<epm::ept_entry_t> entries;
  if (op == epm::ept_opnum::ept_insert) {
    if (auto r = rampart::ndr::decode_request_stub<epm::ept_insert_request>(ctx.stub, ctx.drep, limits_)) entries = std::move(r->entries);
  } else if (auto r = rampart::ndr::decode_request_stub<epm::ept_delete_request>(ctx.stub, ctx.drep, limits_)) {
    entries = std::move(r->entries);
  }
  const char* what = op == epm::ept_opnum::ept_insert ? "registration" : "unregistration";
  if (op == epm::ept_opnum::ept_insert && !permitted(ctx.peer, entries)) {
    // [registration.allow]: refused like a remote caller's ept_insert
    // (access denied, did not execute), before the map is touched.
    log_call(ctx, what, entries, "refused by [[registration.allow]]");
    return responder.respond(CallOutcome::fault(rampart::pdu::status::kAccessDenied, true));
  }
  CallOutcome outcome = epm_->handle(ctx);
  log_call(ctx, what, entries, outcome_text(outcome, ctx.drep));
  // Static registrations (owner nullopt, services::EndpointMapper::owner_for)
  // are durable before they are acknowledged (state_store.hpp).
  const auto& static_path = epm_->database().config().static_socket_path;
  if (state_ && state_->enabled() && !outcome.is_fault() && !static_path.empty() &&
      ctx.peer.transport == rampart::runtime::TransportKind::local && ctx.peer.local_endpoint == static_path) {
    if (auto saved = state_->save(epm_->database()); !saved) {
      log::event(spdlog::level::err, "registration state not saved", {{"error", saved.error()}});
    }
  }
  responder.respond(std::move(outcome));
}

}  // namespace rampartd
