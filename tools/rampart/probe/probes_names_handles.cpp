// Probes on names and handles: C8 a [string] out-parameter with no room
// for its terminator (mgmt inq_princ_name), and C15 the lifetime of the
// endpoint mapper's lookup handles: a handle used after it was freed, after
// the walk it belongs to ended, and on another association. The handle probes are conversations
// (Probe::steps): the handle is one the server issued on the connection.
#include <fmt/format.h>

#include "catalogue_util.hpp"
#include "classifier.hpp"
#include "rampart/pdu/pdu.hpp"

namespace rampart::probe::detail {

namespace {

namespace st = pdu::status;
constexpr std::uint16_t kEptLookup = 2;
constexpr std::uint16_t kEptLookupHandleFree = 4;
constexpr std::uint16_t kInqPrincName = 4;
constexpr std::uint32_t kCallId = 0x21234;
constexpr std::uint32_t kAuthnWinNt = 10;  // RPC_C_AUTHN_WINNT ([MS-RPCE] 2.2.1.1.7)
constexpr std::uint32_t kInsufficientBuffer = 0x0000007a;  // ERROR_INSUFFICIENT_BUFFER ([MS-ERREF] 2.2)
constexpr std::uint32_t kUnknownAuthnService = 0x000006d3;  // RPC_S_UNKNOWN_AUTHN_SERVICE

using Replies = std::span<const std::vector<std::uint8_t>>;

Pdus lookup(std::uint32_t call_id, std::uint32_t max_ents, const wire::LookupHandle& h = {}) {
  return Pdus{wire::request(call_id, 0, kEptLookup, wire::ept_lookup_stub(max_ents, h.uuid, h.attributes))};
}

// The handle a first page handed back, when it handed one back at all: a
// map of one entry (or none) ends the walk at once and issues no handle.
std::optional<wire::LookupHandle> issued(std::span<const std::uint8_t> reply) {
  auto h = wire::lookup_handle_of(reply);
  if (!h || h->uuid.is_nil()) return std::nullopt;
  return h;
}

// [out, string, size_is(princ_name_size)] char princ_name[] with
// princ_name_size 0: any element is written past the caller's buffer.
// The stub opens with the array's max_count, offset and actual_count
// (NDR20 little-endian, C706 14.3.3.4).
std::string princ_name_overflow(std::span<const std::uint8_t> stub) {
  if (stub.size() < 12) return {};
  const std::uint32_t max_count = wire::get_u32(stub, 0);
  const std::uint32_t actual = wire::get_u32(stub, 8);
  if (actual == 0 && max_count == 0) return {};
  return fmt::format("princ_name has max_count {} and actual_count {} for a princ_name_size of 0", max_count, actual);
}

Probe princ_name_no_room() {
  Probe p{"c8.princ-name-no-room", "C8", "mgmt inq_princ_name with no room for the name's terminator",
          "after a bind, an alter_context adding the management interface (context 1), then "
          "rpc_mgmt_inq_princ_name (opnum 4) for authn_proto 10 with princ_name_size 0",
          "NOT SAFE: princ_name_size sizes the [out] buffer the server fills; a stack that copies its "
          "principal name into that buffer without a bound (the C8 pattern, e.g. a strncpy of "
          "princ_name_size - 1 octets) writes past a zero-octet allocation. Sent only with --unsafe.",
          "C706 Appendix Q / 14.3.4: princ_name is a [string] of at most princ_name_size elements, and a "
          "string holds at least its terminator, so size 0 leaves no valid answer but a refusal: the NDR "
          "bound check (fault rpc_x_invalid_bound, rampartd), bad stub data (current Samba), the operation "
          "not provided (nca_s_op_rng_error, Samba 4.17), or a status with an empty array "
          "(insufficient buffer, unknown authentication service). No Windows reaction is documented. A "
          "reply whose array holds anything, or a status 0, wrote past the buffer.",
          Safety::unsafe, true,
          [](const Session&) {
            return Pdus{wire::mgmt_alter(2, 1),
                        wire::request(kCallId, 1, kInqPrincName, wire::inq_princ_name_stub(kAuthnWinNt, 0))};
          },
          {fault(kRpcInvalidBound), fault(st::kRpcBadStubData), fault(st::kNcaOpRangeError),
           response(kInsufficientBuffer), response(kUnknownAuthnService)},
          {response(0)}};
  p.setup_replies = 1;
  p.inspect = princ_name_overflow;
  return p;
}

Probe handle_after_free() {
  Probe p{"c15.lookup-handle-after-free", "C15", "an ept_lookup with a lookup handle after it was freed",
          "after a bind, ept_lookup (max_ents 1) to obtain a lookup handle, ept_lookup_handle_free of it, "
          "then ept_lookup with the freed handle",
          "Three well-formed calls on one association; the freed handle is only looked up. Nothing is "
          "registered or removed.",
          "C706 Appendix O: ept_lookup_handle_free ends the handle's context. A context handle the server "
          "no longer holds fails the call with fault nca_s_fault_context_mismatch, as for a handle never "
          "issued (rampartd and Samba 4.17). A response with status 0 means the freed context was used. "
          "Inconclusive when the first page issued no handle (a map of at most one entry).",
          Safety::safe, true,
          [](const Session&) { return lookup(kCallId, 1); },
          {fault(st::kNcaContextMismatch)},
          {response(0)}};
  p.steps.push_back([](const Session&, Replies replies) -> std::optional<Pdus> {
    auto h = issued(replies[0]);
    if (!h) return std::nullopt;
    Pdus out{wire::request(kCallId + 1, 0, kEptLookupHandleFree,
                           wire::ept_lookup_handle_free_stub(h->uuid, h->attributes))};
    out.push_back(lookup(kCallId + 2, 1, *h).front());
    return out;
  });
  p.setup_replies = 1;  // the reply to ept_lookup_handle_free
  return p;
}

Probe handle_after_walk() {
  Probe p{"c15.lookup-handle-after-walk", "C15", "an ept_lookup with a lookup handle after its walk ended",
          "after a bind, ept_lookup (max_ents 1) to obtain a lookup handle, ept_lookup with it for the rest "
          "(max_ents 500), then ept_lookup with the same handle again",
          "Three well-formed calls on one association; the second returns at most the map, as any lookup "
          "does.",
          "smbtorture's epmapper test and Samba: a call with the handle after the last entries were handed "
          "out gets status ept_s_not_registered and a zeroed handle (Windows alike, INTEROP); a server that "
          "freed the handle when the walk ended faults nca_s_fault_context_mismatch. Status 0 means the walk "
          "started again from a handle that should be spent. Inconclusive when the first page issued no "
          "handle.",
          Safety::safe, true,
          [](const Session&) { return lookup(kCallId, 1); },
          {response(st::kEptNotRegistered), fault(st::kNcaContextMismatch)},
          {response(0)}};
  p.steps.push_back([](const Session&, Replies replies) -> std::optional<Pdus> {
    auto h = issued(replies[0]);
    if (!h) return std::nullopt;
    return lookup(kCallId + 1, 500, *h);
  });
  p.steps.push_back([](const Session&, Replies replies) -> std::optional<Pdus> {
    // The rest of the walk must have come back, ending it (a nil handle);
    // a fault, or a map too large for one page, leaves nothing to test.
    auto rest = wire::lookup_handle_of(replies[1]);
    if (!rest || !rest->uuid.is_nil() || reaction_from_pdu(replies[1]).kind != ReactionKind::response)
      return std::nullopt;
    return lookup(kCallId + 2, 1, *issued(replies[0]));
  });
  return p;
}

Probe handle_other_association() {
  Probe p{"c15.lookup-handle-other-association", "C15",
          "an ept_lookup with a lookup handle issued to another association",
          "after a bind, ept_lookup (max_ents 1) to obtain a lookup handle; then, on a second connection bound "
          "afresh (its own association group) while the first stays open, ept_lookup with that handle",
          "Two well-formed calls on two connections; the handle is only looked up. The first connection is "
          "closed when the probe ends, as any client's.",
          "[MS-RPCE] 3.3.1.4.1: the scope of a context handle is its association; passed to a different "
          "association the server SHOULD reject it, and a context handle the association does not hold fails "
          "the call with fault nca_s_fault_context_mismatch (rampartd and Samba 4.17). A response with status "
          "0 continued another association's walk (the Samba CVE-2021-3738 class). Inconclusive when the "
          "first page issued no handle.",
          Safety::safe, true,
          [](const Session&) { return lookup(kCallId, 1); },
          {fault(st::kNcaContextMismatch)},
          {response(0)}};
  p.steps.push_back([](const Session&, Replies replies) -> std::optional<Pdus> {
    auto h = issued(replies[0]);
    if (!h) return std::nullopt;
    return lookup(kCallId + 1, 1, *h);
  });
  p.last_step_on_new_association = true;
  return p;
}

}  // namespace

void add_name_handle_probes(std::vector<Probe>& out) {
  out.push_back(princ_name_no_room());
  out.push_back(handle_after_free());
  out.push_back(handle_after_walk());
  out.push_back(handle_other_association());
}

}  // namespace rampart::probe::detail
