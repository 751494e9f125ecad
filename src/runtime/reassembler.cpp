#include "rampart/runtime/reassembler.hpp"

#include <algorithm>

#include "rampart/base/checked.hpp"

namespace rampart::runtime {

ReassembledCall::ReassembledCall(ReassembledCall&& other) noexcept { *this = std::move(other); }

ReassembledCall& ReassembledCall::operator=(ReassembledCall&& other) noexcept {
  const bool owns = !other.owned.empty() && other.stub.data() == other.owned.data();
  identity = std::move(other.identity);
  first_flags = other.first_flags;
  fragments = other.fragments;
  owned = std::move(other.owned);  // vector move keeps the heap buffer
  stub = owns ? std::span<const std::uint8_t>(owned) : other.stub;
  return *this;
}

std::optional<CallIdentity> identity_of(const pdu::Pdu& f) noexcept {
  CallIdentity id;
  id.call_id = f.header.call_id;
  id.ptype = f.header.ptype;
  id.drep = f.header.drep;
  if (f.auth) id.auth = std::array<std::uint32_t, 3>{f.auth->auth_type, f.auth->auth_level, f.auth->auth_context_id};
  if (const auto* q = f.as<pdu::Request>()) {
    id.context_id = q->context_id;
    id.opnum = q->opnum;
    id.object = q->object;
    return id;
  }
  if (const auto* r = f.as<pdu::Response>()) {
    id.context_id = r->context_id;
    return id;
  }
  return std::nullopt;
}

namespace {

std::span<const std::uint8_t> stub_of(const pdu::Pdu& f) noexcept {
  if (const auto* q = f.as<pdu::Request>()) return q->stub;
  return f.as<pdu::Response>()->stub;
}

std::uint32_t alloc_hint_of(const pdu::Pdu& f) noexcept {
  if (const auto* q = f.as<pdu::Request>()) return q->alloc_hint;
  return f.as<pdu::Response>()->alloc_hint;
}

// C2, [MS-RPCE] 3.3.3.5.4: a request fragment that is not the last and
// announces more stub than the cap still admits is refused at once, as
// Windows does (raw_protocol test_fragmented_requests04), instead of waiting
// for octets that could never be accepted. A first|last fragment's hint is
// ignored: its stub is already whole. Responses are held to the total only.
Result<void> check_alloc_hint(const pdu::Pdu& f, std::size_t received, std::size_t max_stub) {
  const auto* q = f.as<pdu::Request>();
  if (!q || f.header.is_last_frag()) return {};
  if (q->alloc_hint > max_stub - received)
    return fail(FragErrc::alloc_hint_too_large, "alloc_hint above what the reassembly cap admits", 16);
  return {};
}

// C3: the first fragment fixes the call; each later one must match it.
Result<void> check_same_call(const CallIdentity& first, const CallIdentity& later) {
  if (later.call_id != first.call_id) return fail(FragErrc::call_id_mismatch, "fragment of another call", 12);
  if (later.ptype != first.ptype) return fail(FragErrc::ptype_mismatch, "fragment changes PTYPE", 2);
  if (later.drep != first.drep) return fail(FragErrc::drep_mismatch, "fragment changes data representation", 4);
  if (later.context_id != first.context_id)
    return fail(FragErrc::context_mismatch, "fragment changes presentation context", 20);
  if (later.opnum != first.opnum) return fail(FragErrc::opnum_mismatch, "fragment changes opnum", 22);
  if (later.object != first.object) return fail(FragErrc::object_mismatch, "fragment changes object UUID", 24);
  if (later.auth != first.auth) return fail(FragErrc::auth_mismatch, "fragment changes auth context", 10);
  return {};
}

}  // namespace

Reassembler::Partial* Reassembler::find(std::uint32_t call_id) noexcept {
  auto it = std::ranges::find_if(calls_, [&](const Partial& p) { return p.identity.call_id == call_id; });
  return it == calls_.end() ? nullptr : &*it;
}

Result<std::optional<ReassembledCall>> Reassembler::add(const pdu::Pdu& f) {
  auto id = identity_of(f);
  if (!id) return fail(FragErrc::not_a_fragment, "only requests and responses are fragmented", 2);
  const auto stub = stub_of(f);
  if (f.header.is_first_frag()) return start(f, std::move(*id), stub, alloc_hint_of(f));
  // Without CONC_MPX the one open call must be this one; a mismatch is a
  // C3 violation, not an unknown call.
  Partial* p = concurrent_ ? find(id->call_id) : (calls_.empty() ? nullptr : &calls_.front());
  if (!p) return fail(FragErrc::unexpected_fragment, "continuation fragment with no call in progress", 3);
  return append(*p, f, *id, stub);
}

Result<std::optional<ReassembledCall>> Reassembler::start(const pdu::Pdu& f, CallIdentity id,
                                                          std::span<const std::uint8_t> stub,
                                                          std::uint32_t alloc_hint) {
  if (!concurrent_ && !calls_.empty())
    return fail(FragErrc::call_in_progress, "new call while another is reassembling", 3);
  if (concurrent_ && find(id.call_id))
    return fail(FragErrc::call_in_progress, "first fragment repeats an open call_id", 12);
  if (stub.size() > limits_.max_stub) return fail(FragErrc::stub_too_large, "stub above the reassembly cap", 24);
  if (auto hint = check_alloc_hint(f, 0, limits_.max_stub); !hint) return std::unexpected(hint.error());
  if (f.header.is_last_frag()) {
    ReassembledCall call;
    call.identity = std::move(id);
    call.first_flags = f.header.pfc_flags;
    call.fragments = 1;
    call.stub = stub;
    return call;
  }
  if (calls_.size() >= limits_.max_concurrent_calls)
    return fail(FragErrc::too_many_calls, "too many calls reassembling at once", 12);
  Partial p{std::move(id), f.header.pfc_flags, 1, {}};
  // C2: alloc_hint is a hint; reserve no more than the cap allows.
  p.stub.reserve(std::min<std::size_t>({alloc_hint, limits_.max_stub, limits_.max_initial_reserve}));
  p.stub.insert(p.stub.end(), stub.begin(), stub.end());
  calls_.push_back(std::move(p));
  return std::nullopt;
}

Result<std::optional<ReassembledCall>> Reassembler::append(Partial& p, const pdu::Pdu& f, const CallIdentity& id,
                                                           std::span<const std::uint8_t> stub) {
  const std::uint32_t call_id = p.identity.call_id;
  auto fail_and_drop = [&](Error e) -> Result<std::optional<ReassembledCall>> {
    abandon(call_id);
    return std::unexpected(e);
  };
  if (auto same = check_same_call(p.identity, id); !same) return fail_and_drop(same.error());
  const auto total = checked_add(p.stub.size(), stub.size());
  if (!total || *total > limits_.max_stub)
    return fail_and_drop(Error(FragErrc::stub_too_large, "reassembled stub above the cap", 24));
  if (auto hint = check_alloc_hint(f, p.stub.size(), limits_.max_stub); !hint) return fail_and_drop(hint.error());
  if (p.fragments + 1 > limits_.max_fragments)
    return fail_and_drop(Error(FragErrc::too_many_fragments, "fragment count above the cap", 3));
  p.stub.insert(p.stub.end(), stub.begin(), stub.end());
  ++p.fragments;
  if (!f.header.is_last_frag()) return std::nullopt;
  ReassembledCall call;
  call.identity = std::move(p.identity);
  call.first_flags = p.first_flags;
  call.fragments = p.fragments;
  call.owned = std::move(p.stub);
  call.stub = call.owned;
  abandon(call_id);
  return call;
}

void Reassembler::abandon(std::uint32_t call_id) noexcept {
  std::erase_if(calls_, [&](const Partial& p) { return p.identity.call_id == call_id; });
}

std::size_t Reassembler::buffered_bytes() const noexcept {
  std::size_t n = 0;
  for (const auto& p : calls_) n += p.stub.capacity();
  return n;
}

}  // namespace rampart::runtime
