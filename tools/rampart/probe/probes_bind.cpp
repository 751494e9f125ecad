// Probes on the bind family (C1 framing and versions, C4 auth_length on a
// bind, C6 presentation contexts, C13 contexts per connection). Expected
// reactions are Windows' as Samba's raw_protocol suite pins them (it is
// validated against Windows servers) or as C706/[MS-RPCE] specify them.
#include <algorithm>

#include "catalogue_util.hpp"

namespace rampart::probe::detail {

namespace {

using pdu::PType;
namespace st = pdu::status;
constexpr std::uint32_t kReasonNotSpecified = 0;
constexpr std::uint32_t kReasonVersion = 4;  // protocol_version_not_supported

wire::Octets epm_bind(std::uint32_t call_id = 1) { return wire::bind(call_id, {wire::epm_context(0)}); }

Probe header_only() {
  return {"c1.frag-below-ptype-min", "C1", "a bind whose frag_length covers only the 16-octet header",
          "a bind header (5.0, PTYPE 11, first|last) with frag_length 16 and nothing after it: the PDU is "
          "complete but 56 octets shorter than the smallest bind (C706 12.6.4.3)",
          "frag_length equals the header size, so a receiver that subtracts the header from it gets 0, not a "
          "negative length; no body octet exists to be misread and no length field in the body is read. It is "
          "the shape every stack must meet when a peer truncates a bind.",
          "C706 12.6.4.3 fixes the bind body; a PDU too short for its PTYPE cannot be answered with a bind_ack. "
          "No Windows reaction is documented, so any refusal counts as correct: close (Samba 4.17) or bind_nak.",
          Safety::safe, false,
          [](const Session&) {
            auto b = epm_bind();
            b.resize(pdu::kHeaderSize);
            wire::put_u16(b, wire::kFragLengthOffset, pdu::kHeaderSize);
            return Pdus{b};
          },
          {closed(), nak(kReasonNotSpecified), nak(kReasonVersion)},
          {accepted(ReactionKind::bind_ack)}};
}

Probe below_header() {
  return {"c1.frag-below-header", "C1", "frag_length below the 16-octet common header (MS03-010 class)",
          "a whole 72-octet EPM bind whose frag_length says 10",
          "NOT SAFE: a receiver that computes frag_length - 16 without a check gets a negative (or, unsigned, "
          "a 4 GiB) body length: the arithmetic behind MS03-010-era RPCSS failures. Sent only with --unsafe.",
          "C706 12.6.1: frag_length includes the header, so no PDU is shorter than 16 octets and the stream "
          "cannot be re-framed: the connection must close. A bind too short for its body gets bind_nak "
          "reason_not_specified from Windows (raw_protocol test_no_auth_no_ctx), and a first PDU that is not "
          "RPC at all gets protocol_version_not_supported (nmap's Windows RPC match); either nak, then the "
          "close, is correct. Samba 4.17 closes without a reply.",
          Safety::unsafe, false,
          [](const Session&) {
            auto b = epm_bind();
            wire::put_u16(b, wire::kFragLengthOffset, 10);
            return Pdus{b};
          },
          {nak(kReasonNotSpecified, true), nak(kReasonVersion, true), closed()},
          {accepted(ReactionKind::bind_ack)}};
}

Probe version_minor() {
  return {"c1.version-minor", "C1", "a bind with protocol version 5.1",
          "a valid EPM bind with rpc_vers_minor 1",
          "An ordinary 72-octet bind with one version octet changed; nmap's service probe sends this shape "
          "to every port 135 it meets.",
          "C706 12.6.4.5: a server that does not support the version answers bind_nak "
          "protocol_version_not_supported with the versions it supports (Samba 4.17, nmap's Windows match).",
          Safety::safe, false,
          [](const Session&) {
            auto b = epm_bind();
            wire::put_u8(b, wire::kVersMinorOffset, 1);
            return Pdus{b};
          },
          {nak(kReasonVersion)},
          {accepted(ReactionKind::bind_ack)}};
}

Probe version_major() {
  return {"c1.version-major", "C1", "a bind with protocol version 4.0",
          "a valid EPM bind with rpc_vers 4 (the connectionless protocol's version)",
          "An ordinary 72-octet bind with one version octet changed.",
          "C706 12.6.4.5: bind_nak protocol_version_not_supported.",
          Safety::safe, false,
          [](const Session&) {
            auto b = epm_bind();
            wire::put_u8(b, wire::kVersOffset, 4);
            return Pdus{b};
          },
          {nak(kReasonVersion)},
          {accepted(ReactionKind::bind_ack)}};
}

Probe request_before_bind() {
  return {"c1.request-before-bind", "C1", "a request as the first PDU of a connection",
          "an ept_lookup request (context 0) on a connection that never bound",
          "A well-formed 64-octet request: every stack must handle a client that skips the bind.",
          "C706 12.6.4.9: requests use a context negotiated by bind; there is none. Samba 4.17 answers bind_nak "
          "protocol_version_not_supported; closing is the other refusal C706 allows.",
          Safety::safe, false,
          [](const Session&) {
            auto stub = wire::ept_lookup_stub(1);
            return Pdus{wire::request(1, 0, 2, stub)};
          },
          {nak(kReasonVersion), closed()},
          {accepted(ReactionKind::response)}};
}

Probe auth_length_lies() {
  return {"c4.bind-auth-length-lies", "C4", "a bind whose auth_length promises a verifier that is not there",
          "a valid EPM bind with auth_length 8 and no sec_trailer or auth_value",
          "The PDU is complete (frag_length is right); only the trailer geometry is false. A receiver locates "
          "the sec_trailer at frag_length - auth_length - 8 = 56, inside the 72 octets it holds, so even a "
          "careless parser reads within the PDU.",
          "raw_protocol test_invalid_auth_noctx: Windows answers bind_nak protocol_version_not_supported, "
          "checking the trailer before the contexts.",
          Safety::safe, false,
          [](const Session&) {
            auto b = epm_bind();
            wire::put_u16(b, wire::kAuthLengthOffset, 8);
            return Pdus{b};
          },
          {nak(kReasonVersion)},
          {accepted(ReactionKind::bind_ack)}};
}

Probe no_contexts() {
  return {"c6.no-contexts", "C6", "a bind with n_context_elem 0",
          "a bind (5840/5840, assoc_group 0) with an empty context list",
          "A 28-octet bind; nothing to index, nothing to allocate.",
          "raw_protocol test_no_auth_no_ctx: bind_nak reason_not_specified, then the connection is closed.",
          Safety::safe, false, [](const Session&) { return Pdus{wire::bind(1, {})}; },
          {nak(kReasonNotSpecified, true)},
          {accepted(ReactionKind::bind_ack)}};
}

Probe no_transfer_syntaxes() {
  return {"c6.no-transfer-syntaxes", "C6", "a presentation context with n_transfer_syn 0",
          "a bind with one context (EPM v3.0) that lists no transfer syntax",
          "A 52-octet bind. A server that picks transfer_syntaxes[0] without checking the count reads the "
          "next 20 octets of a PDU that ends there: within the received buffer's bounds only if it checks.",
          "raw_protocol test_no_auth_presentation_ctx_invalid2: bind_nak reason_not_specified, then close.",
          Safety::safe, false,
          [](const Session&) {
            auto ctx = wire::epm_context(0);
            ctx.transfer_syntaxes.clear();
            return Pdus{wire::bind(1, {ctx})};
          },
          {nak(kReasonNotSpecified, true)},
          {accepted(ReactionKind::bind_ack)}};
}

Probe second_bind() {
  return {"c6.second-bind", "C6", "a second bind on an association",
          "a valid EPM bind, then a second valid bind on the same connection",
          "Two ordinary binds.",
          "raw_protocol test_no_auth_valid_valid_request: the second bind gets bind_nak reason_not_specified "
          "and the connection is closed (C706 12.6.4.3: one bind per association).",
          Safety::safe, true, [](const Session&) { return Pdus{wire::bind(2, {wire::epm_context(1)})}; },
          {nak(kReasonNotSpecified, true)},
          {accepted(ReactionKind::bind_ack)}};
}

Probe alter_no_contexts() {
  return {"c6.alter-no-contexts", "C6", "an alter_context with no contexts",
          "a valid bind, then an alter_context with n_context_elem 0",
          "A 28-octet alter_context on an established association.",
          "raw_protocol test_alter_no_auth_no_ctx: fault nca_s_proto_error (did not execute), then close.",
          Safety::safe, true,
          [](const Session&) { return Pdus{wire::bind(2, {}, 0, PType::alter_context)}; },
          {fault(st::kNcaProtoError, true)},
          {accepted(ReactionKind::alter_context_resp)}};
}

Probe context_redefined() {
  return {"c6.context-redefined", "C6", "an alter_context that gives a context id a new interface",
          "after a bind of context 0 to the endpoint mapper, an alter_context defining context 0 as the "
          "management interface (mgmt v1.0, NDR20)",
          "An ordinary 72-octet alter_context; only the pairing of id and interface is wrong.",
          "C706 12.6.4.1: a negotiated presentation context keeps its syntaxes. raw_protocol "
          "test_no_auth_presentation_ctx_invalid4: an alter_context that gives a context another transfer "
          "syntax gets fault nca_s_proto_error; Samba 4.17 treats another abstract syntax the same way and "
          "closes. An acceptance means calls on context 0 may now reach another interface.",
          Safety::safe, true,
          [](const Session&) {
            pdu::PresentationContext mgmt{0, SyntaxId{Uuid::from_string("afa8bd80-7d8a-11c9-bef4-08002b102989"), 1, 0},
                                          {syntax::kNdr20}};
            return Pdus{wire::bind(2, {mgmt}, 0, PType::alter_context)};
          },
          {fault(st::kNcaProtoError, true)},
          {{ReactionKind::alter_context_resp, 0u, std::nullopt}}};
}

Probe unknown_assoc_group() {
  return {"c6.unknown-assoc-group", "C6", "a bind that joins an association group the server never made",
          "a valid EPM bind with assoc_group_id 0x52504d54",
          "An ordinary bind with one 32-bit field set; the server only looks the value up.",
          "raw_protocol test_assoc_group_fail1: bind_nak reason_not_specified.",
          Safety::safe, false, [](const Session&) { return Pdus{wire::bind(1, {wire::epm_context(0)}, 0x52504d54)}; },
          {nak(kReasonNotSpecified)},
          {accepted(ReactionKind::bind_ack)}};
}

Probe ignored_flags() {
  return {"c6.bind-ignored-flags", "C6", "a bind with PFC flags Windows ignores",
          "a valid EPM bind with pfc_flags first|last|0x08|did_not_execute|maybe|object_uuid",
          "An ordinary bind; flag bits select no code path that reads more input.",
          "raw_protocol test_no_auth_request_bind_pfc_*: Windows ignores these bits on a bind and answers "
          "bind_ack, accepting the context. Refusing is stricter than Windows (divergent).",
          Safety::safe, false,
          [](const Session&) {
            auto b = epm_bind();
            wire::put_u8(b, wire::kFlagsOffset, pdu::pfc::kFirstLast | 0x08 | pdu::pfc::kDidNotExecute |
                                                    pdu::pfc::kMaybe | pdu::pfc::kObjectUuid);
            return Pdus{b};
          },
          {bind_ack(0)},
          {}};
}

Probe context_flood() {
  return {"c13.context-flood", "C13", "up to 120 presentation contexts in one alter_context",
          "a valid bind, then one alter_context defining contexts 1..120 (EPM v3.0, NDR20), 5.3 KB, fewer if the server acknowledged a smaller fragment",
          "Bounded: one PDU inside the fragment size both sides agreed on; [MS-RPCE] servers accept "
          "thousands of contexts per connection, so 120 is ordinary load.",
          "C706 12.6.4.1: an alter_context_resp with one result per context; a server at its cap rejects "
          "the excess per context (provider_rejection, local_limit_exceeded) rather than the connection.",
          Safety::safe, true,
          [](const Session& s) {
            // 28 octets of fixed fields, 44 per context: stay inside the
            // fragment size the server acknowledged.
            const std::size_t room = s.max_recv_frag > 28 ? (s.max_recv_frag - 28) / 44 : 0;
            const auto n = static_cast<std::uint16_t>(std::min<std::size_t>(120, std::max<std::size_t>(room, 1)));
            std::vector<pdu::PresentationContext> ctxs;
            for (std::uint16_t id = 1; id <= n; ++id) ctxs.push_back(wire::epm_context(id));
            return Pdus{wire::bind(2, std::move(ctxs), 0, PType::alter_context)};
          },
          {{ReactionKind::alter_context_resp, std::nullopt, false}},
          {}};
}

}  // namespace

void add_bind_probes(std::vector<Probe>& out) {
  out.push_back(header_only());
  out.push_back(below_header());
  out.push_back(version_minor());
  out.push_back(version_major());
  out.push_back(request_before_bind());
  out.push_back(auth_length_lies());
  out.push_back(no_contexts());
  out.push_back(no_transfer_syntaxes());
  out.push_back(second_bind());
  out.push_back(alter_no_contexts());
  out.push_back(context_redefined());
  out.push_back(unknown_assoc_group());
  out.push_back(ignored_flags());
  out.push_back(context_flood());
}

}  // namespace rampart::probe::detail
