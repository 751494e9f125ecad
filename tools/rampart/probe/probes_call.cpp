// Probes on requests over a bound endpoint-mapper association: C1 fragment
// size, C2 alloc_hint, C3 fragment identity, C4 auth_length on a request,
// C6 context ids, C7/C10 NDR correlation and truncated stubs on ept_map and
// ept_lookup, and EPM lookup handles and opnums.
#include <algorithm>

#include "catalogue_util.hpp"
#include "rampart/pdu/pdu.hpp"

namespace rampart::probe::detail {

namespace {

namespace st = pdu::status;
constexpr std::uint16_t kEptLookup = 2;
constexpr std::uint16_t kEptMap = 3;
constexpr std::uint32_t kCallId = 0x21234;

wire::Octets lookup_request(std::uint8_t flags = pdu::pfc::kFirstLast, std::uint32_t call_id = kCallId) {
  auto stub = wire::ept_lookup_stub(1);
  return wire::request(call_id, 0, kEptLookup, stub, flags);
}

Probe above_max_recv() {
  return {"c1.frag-above-max-recv", "C1", "a request fragment 8 octets longer than the server's max_recv_frag",
          "after a bind, an ept_lookup request padded with zeros to max_recv_frag + 8 octets",
          "The fragment is at most 5848 octets, the size class of any ordinary fragment; frag_length is "
          "true, so the server reads exactly what arrives.",
          "raw_protocol _test_neg_xmit_check_values: one octet over the negotiated size gets fault "
          "nca_s_proto_error, then close.",
          Safety::safe, true,
          [](const Session& s) {
            const std::size_t limit = s.max_recv_frag != 0 ? s.max_recv_frag : wire::kFragSize;
            std::vector<std::uint8_t> stub(limit + 8 - 24, 0);
            return Pdus{wire::request(kCallId, 0, kEptLookup, stub)};
          },
          {fault(st::kNcaProtoError, true)},
          {accepted(ReactionKind::response)}};
}

Probe server_ptype() {
  return {"c1.ptype-from-server", "C1", "a PDU type only a server sends, from the client",
          "after a bind, a response PDU (PTYPE 2, first|last, 8-octet stub) as if the client were the server",
          "A well-formed 32-octet response PDU; only its direction is wrong.",
          "C706 12.6.4: a server receives bind, alter_context, request, auth3, co_cancel, orphaned and "
          "shutdown is its own; a response from the client is a protocol error. Samba 4.17 answers fault "
          "nca_s_proto_error and closes; closing without a reply is the other refusal.",
          Safety::safe, true,
          [](const Session&) {
            pdu::Pdu p;
            p.header.ptype = pdu::PType::response;
            p.header.call_id = kCallId;
            static constexpr std::uint8_t kStub[8] = {};
            p.body = pdu::Response{8, 0, 0, 0, kStub};
            return Pdus{pdu::encode(p)};
          },
          {fault(st::kNcaProtoError, true), closed()},
          {}};
}

Probe alloc_hint_over_cap() {
  return {"c2.alloc-hint-over-cap", "C2", "a first fragment announcing 4 MiB + 1 of stub",
          "after a bind, an ept_lookup request flagged first (not last) with alloc_hint 0x00400001",
          "A server that trusts alloc_hint preallocates 4 MiB + 1 octet: affordable even for Windows 2000. "
          "The probe never sends the rest, so nothing grows beyond that.",
          "raw_protocol test_fragmented_requests04: alloc_hint above the 4 MiB request limit ([MS-RPCE] "
          "3.3.3.5.4) on a first fragment gets fault access_denied, then close.",
          Safety::safe, true,
          [](const Session&) {
            auto r = lookup_request(pdu::pfc::kFirstFrag);
            wire::put_u32(r, wire::kAllocHintOffset, 0x00400001);
            return Pdus{r};
          },
          {fault(st::kAccessDenied, true)},
          {accepted(ReactionKind::silence)}};
}

Probe alloc_hint_huge() {
  return {"c2.alloc-hint-huge", "C2", "a single-fragment request announcing 4 GiB of stub",
          "after a bind, a first|last ept_lookup request with alloc_hint 0xffffffff",
          "NOT SAFE: a stack that preallocates alloc_hint tries to allocate 4 GiB (CVE-2022-26809 family); an "
          "old host may fail hard. Sent only with --unsafe.",
          "raw_protocol _test_neg_xmit_check_values sends alloc_hint 0xffffffff in single fragments and gets "
          "a response: alloc_hint is only a hint (C706 12.6.4.9).",
          Safety::unsafe, true,
          [](const Session&) {
            auto r = lookup_request();
            wire::put_u32(r, wire::kAllocHintOffset, 0xffffffff);
            return Pdus{r};
          },
          {response()},
          {}};
}

Probe middle_alone() {
  return {"c3.middle-fragment-alone", "C3", "a middle fragment with no first fragment",
          "after a bind, an ept_lookup request with pfc_flags 0 (neither first nor last)",
          "A complete 64-octet request whose flags say it continues a call that does not exist.",
          "raw_protocol test_none_only_requests: fault nca_s_proto_error, then close.",
          Safety::safe, true, [](const Session&) { return Pdus{lookup_request(0)}; },
          {fault(st::kNcaProtoError, true)},
          {accepted(ReactionKind::response)}};
}

Probe last_alone() {
  return {"c3.last-fragment-alone", "C3", "a last fragment with no first fragment",
          "after a bind, an ept_lookup request flagged last only",
          "A complete 64-octet request; only the first-fragment flag is missing.",
          "raw_protocol test_last_only_requests: fault nca_s_proto_error, then close.",
          Safety::safe, true, [](const Session&) { return Pdus{lookup_request(pdu::pfc::kLastFrag)}; },
          {fault(st::kNcaProtoError, true)},
          {accepted(ReactionKind::response)}};
}

Probe first_twice() {
  return {"c3.first-twice", "C3", "two first fragments of the same call",
          "after a bind, two ept_lookup fragments flagged first, both with call_id 0x21234",
          "Two 64-octet fragments; the reassembly holds at most one stub of 40 octets.",
          "raw_protocol test_first_only_requests: no answer to the first, fault nca_s_proto_error to the "
          "second, then close (C706 12.6.3: one reassembly per call).",
          Safety::safe, true,
          [](const Session&) { return Pdus{lookup_request(pdu::pfc::kFirstFrag), lookup_request(pdu::pfc::kFirstFrag)}; },
          {fault(st::kNcaProtoError, true)},
          {accepted(ReactionKind::silence), accepted(ReactionKind::response)}};
}

Probe interleaved() {
  return {"c3.interleaved-call", "C3", "a new call while another call's fragments are incomplete",
          "after a bind, a first fragment of call 50, then a first fragment of call 51 (no PFC_CONC_MPX)",
          "Two 64-octet fragments.",
          "raw_protocol test_mix_requests: fault nca_s_proto_error for call 50 (without CONC_MPX one "
          "reassembly at a time, [MS-RPCE] 3.3.1.5.2).",
          Safety::safe, true,
          [](const Session&) {
            return Pdus{lookup_request(pdu::pfc::kFirstFrag, 50), lookup_request(pdu::pfc::kFirstFrag, 51)};
          },
          {fault(st::kNcaProtoError)},
          {accepted(ReactionKind::silence), accepted(ReactionKind::response)}};
}

Probe fragment_opnum() {
  return {"c3.fragment-changes-opnum", "C3", "a later fragment that names another operation",
          "after a bind, the first half of an ept_lookup stub (opnum 2, flagged first) and its second half "
          "flagged last with opnum 3, same call_id",
          "Two fragments whose stubs add up to one 40-octet ept_lookup stub; nothing is longer than an "
          "ordinary call.",
          "raw_protocol's fragmented-request tests (validated against Windows): a later fragment's context_id, "
          "opnum and auth header are ignored and the first fragment's call is served, so the answer is "
          "ept_lookup's response (CVE-2021-23192: the first fragment governs). A server that dispatches on the "
          "later fragment's opnum mixes two operations' stubs (here a fault naming the operation).",
          Safety::safe, true,
          [](const Session&) {
            auto stub = wire::ept_lookup_stub(1);
            const auto half = stub.size() / 2;
            const std::span<const std::uint8_t> all(stub);
            return Pdus{wire::request(kCallId, 0, kEptLookup, all.first(half), pdu::pfc::kFirstFrag),
                        wire::request(kCallId, 0, kEptMap, all.subspan(half), pdu::pfc::kLastFrag)};
          },
          {accepted(ReactionKind::response)},
          {fault(st::kNcaOpRangeError), fault(st::kRpcBadStubData)}};
}

// The reactions to a verifier on an association that negotiated none.
std::vector<Expected> refuse_verifier() {
  return {fault(st::kNcaProtoError, true), fault(st::kAccessDenied, true), closed()};
}

Probe request_auth_length() {
  return {"c4.request-auth-length-lies", "C4", "a request whose auth_length claims a verifier that is not there",
          "after an unauthenticated bind, an ept_lookup request (40-octet stub) with auth_length 8 and no "
          "verifier",
          "frag_length is true; auth_length 8 puts the implied sec_trailer at octet 40 of the 64-octet PDU, "
          "inside the stub, so even a parser that believes it reads only octets it received.",
          "[MS-RPCE] 2.2.2.11: a request carries a verifier only on a secured association, and its "
          "sec_trailer lies at frag_length - auth_length - 8. Samba 4.17: fault nca_s_proto_error, then "
          "close; its later authentication check answers access_denied and closes; a bare close is also a "
          "refusal.",
          Safety::safe, true,
          [](const Session&) {
            auto r = lookup_request();
            wire::put_u16(r, wire::kAuthLengthOffset, 8);
            return Pdus{r};
          },
          refuse_verifier(),
          {accepted(ReactionKind::response)}};
}

Probe request_auth_past_frag() {
  return {"c4.request-auth-length-past-frag", "C4", "a request whose auth_length reaches outside the fragment",
          "after an unauthenticated bind, an ept_lookup request with auth_length 1024 in a 64-octet fragment",
          "NOT SAFE: the implied sec_trailer starts 968 octets before the PDU; a parser that subtracts without "
          "a check reads outside its buffer (the CVE-2015-5370 geometry). Sent only with --unsafe.",
          "[MS-RPCE] 2.2.2.11: the sec_trailer lies inside the PDU. Samba 4.17: fault nca_s_proto_error, "
          "then close.",
          Safety::unsafe, true,
          [](const Session&) {
            auto r = lookup_request();
            wire::put_u16(r, wire::kAuthLengthOffset, 1024);
            return Pdus{r};
          },
          refuse_verifier(),
          {accepted(ReactionKind::response)}};
}

Probe unknown_context() {
  return {"c6.unknown-context-id", "C6", "a request on a context id that was never negotiated",
          "after a bind of context 0, an ept_lookup request on context 12345",
          "A well-formed request; the server only looks the id up.",
          "raw_protocol test_no_auth_presentation_ctx_invalid1: fault nca_s_unk_if; the association stays up.",
          Safety::safe, true,
          [](const Session&) {
            auto stub = wire::ept_lookup_stub(1);
            return Pdus{wire::request(kCallId, 12345, kEptLookup, stub)};
          },
          {fault(st::kNcaUnknownInterface, false)},
          {accepted(ReactionKind::response)}};
}

Probe opnum_range() {
  return {"epm.opnum-out-of-range", "C10", "an endpoint-mapper opnum beyond the interface",
          "after a bind, a request for opnum 99 with an empty stub",
          "A 24-octet request; dispatch tables are indexed only after the range check this probe tests.",
          "raw_protocol test_no_auth_presentation_ctx_valid1: fault nca_s_op_rng_error; the association stays.",
          Safety::safe, true,
          [](const Session&) { return Pdus{wire::request(kCallId, 0, 99, std::span<const std::uint8_t>{})}; },
          {fault(st::kNcaOpRangeError, false)},
          {accepted(ReactionKind::response)}};
}

Probe tower_mismatch() {
  return {"c7.tower-length-mismatch", "C7", "an ept_map tower whose conformance disagrees with tower_length",
          "after a bind, the ept_map request Impacket sends (75-octet EPM tower, tower_length 75) with the "
          "array's conformance (max_count) raised to 77",
          "The conformance is larger than tower_length and than the octets sent: a server that allocates by "
          "the conformance and copies tower_length octets allocates 2 octets too many, never too few. The "
          "reverse shape (conformance below tower_length) is the heap-overflow pattern and is not sent.",
          "[MS-RPCE] 2.2.1.2.5 / C706 Appendix L: tower_octet_string is size_is(tower_length), and NDR "
          "(C706 14.3.3.2) requires the conformance to equal it, so the stub is bad: fault rpc_x_bad_stub_data. "
          "Samba reads the tower by tower_length alone and accepts the mismatch.",
          Safety::safe, true,
          [](const Session&) {
            auto stub = wire::ept_map_stub();
            wire::put_u32(stub, wire::kMapTowerConformanceOffset, wire::get_u32(stub, wire::kMapTowerLengthOffset) + 2);
            return Pdus{wire::request(kCallId, 0, kEptMap, stub)};
          },
          {fault(st::kRpcBadStubData)},
          {accepted(ReactionKind::response)}};
}

Probe truncated_map() {
  return {"c10.truncated-ept-map", "C10", "an ept_map stub cut short inside the tower",
          "after a bind, the first 40 octets of the 132-octet ept_map stub (alloc_hint 40)",
          "Shorter than the valid request, not longer. Windows and Samba unmarshal endpoint-mapper stubs with "
          "their NDR engines, which check every read against the end of the buffer; a hand-written parser "
          "that copies the 75 announced tower octets anyway reads at most 59 octets past the stub, inside "
          "the receive buffer it sized for a whole fragment. The DCOM truncated-stub shape (CAN-2003-0605) "
          "is not sent.",
          "C706 14 / [MS-RPCE] 3.1.1.5.1: a stub that ends before its parameters is bad stub data (Samba 4.17: "
          "fault 0x6f7).",
          Safety::safe, true,
          [](const Session&) {
            auto stub = wire::ept_map_stub();
            stub.resize(40);
            return Pdus{wire::request(kCallId, 0, kEptMap, stub)};
          },
          {fault(st::kRpcBadStubData)},
          {accepted(ReactionKind::response)}};
}

Probe max_ents_range() {
  return {"c7.lookup-max-ents-over-range", "C7", "ept_lookup with max_ents 501, above its [range(0,500)]",
          "after a bind, an ept_lookup of everything with max_ents 501",
          "max_ents limits the reply; a server that allocates by it allocates 501 entries, a few KB.",
          "[MS-RPCE] 2.2.1.2.4 declares max_ents [range(0,500)]; a value outside is an unmarshalling error: "
          "fault rpc_x_invalid_bound (Windows' NDR engine) or rpc_x_bad_stub_data.",
          Safety::safe, true,
          [](const Session&) {
            auto stub = wire::ept_lookup_stub(501);
            return Pdus{wire::request(kCallId, 0, kEptLookup, stub)};
          },
          {fault(kRpcInvalidBound), fault(st::kRpcBadStubData)},
          {accepted(ReactionKind::response)}};
}

Probe bogus_handle() {
  return {"epm.bogus-lookup-handle", "C15", "ept_lookup with a lookup handle the server never issued",
          "after a bind, an ept_lookup whose entry_handle is {0, 52414d50-4152-5400-0000-70726f626521}",
          "A well-formed call; the handle is only looked up.",
          "C706 (context handles): a handle the server does not know fails the call with fault "
          "nca_s_fault_context_mismatch (Samba 4.17 does). A response with status 0 means the handle was "
          "trusted.",
          Safety::safe, true,
          [](const Session&) {
            auto stub = wire::ept_lookup_stub(1, Uuid::from_string("52414d50-4152-5400-0000-70726f626521"));
            return Pdus{wire::request(kCallId, 0, kEptLookup, stub)};
          },
          {fault(st::kNcaContextMismatch)},
          // A response with a non-zero status refused the handle in the
          // operation itself: divergent, not lenient.
          {response(0)}};
}

Probe remote_stop() {
  Probe p{"c14.remote-stop-listening", "C14", "mgmt stop_server_listening from a remote, anonymous caller",
          "after a bind, an alter_context adding the management interface (context 1), then "
          "rpc_mgmt_stop_server_listening (opnum 3, empty stub)",
          "NOT SAFE: a server that obeys stops serving RPC altogether; the probe then proves it by the "
          "liveness check failing. Sent only with --unsafe.",
          "C706 Appendix Q leaves the decision to the server's authorization function; Windows refuses a "
          "remote stop unless the server installed one (RpcMgmtSetAuthorizationFn): a response with status "
          "rpc_s_access_denied (5), or a fault access_denied.",
          Safety::unsafe, true,
          [](const Session&) {
            return Pdus{wire::mgmt_alter(2, 1), wire::request(kCallId, 1, 3, std::span<const std::uint8_t>{})};
          },
          {response(st::kAccessDenied), fault(st::kAccessDenied)},
          {response(0)}};
  p.setup_replies = 1;
  return p;
}

}  // namespace

void add_call_probes(std::vector<Probe>& out) {
  out.push_back(above_max_recv());
  out.push_back(server_ptype());
  out.push_back(alloc_hint_over_cap());
  out.push_back(alloc_hint_huge());
  out.push_back(middle_alone());
  out.push_back(last_alone());
  out.push_back(first_twice());
  out.push_back(interleaved());
  out.push_back(fragment_opnum());
  out.push_back(request_auth_length());
  out.push_back(request_auth_past_frag());
  out.push_back(unknown_context());
  out.push_back(opnum_range());
  out.push_back(tower_mismatch());
  out.push_back(truncated_map());
  out.push_back(max_ents_range());
  out.push_back(bogus_handle());
  out.push_back(remote_stop());
}

}  // namespace rampart::probe::detail
