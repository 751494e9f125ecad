// The authenticated preamble (auth_session.hpp).
#include "auth_session.hpp"

#include <fmt/format.h>

#include "rampart/pdu/pdu.hpp"
#include "rampart/security/auth_trailer.hpp"

namespace rampart::probe {

namespace {

constexpr std::uint32_t kBindCallId = 1;
constexpr std::uint32_t kControlCallId = 2;
constexpr std::uint16_t kEptLookup = 2;
constexpr std::size_t kStubOffset = 24;  // rpcconn_request_hdr_t without an object UUID
constexpr std::size_t kNtlmSignature = 16;

wire::Octets auth_bind(const runtime::ClientSecurity& sec) {
  pdu::Pdu p;
  p.header.ptype = pdu::PType::bind;
  p.header.pfc_flags = pdu::pfc::kFirstLast | sec.bind_flags();
  p.header.call_id = kBindCallId;
  p.body = pdu::Bind{wire::kFragSize, wire::kFragSize, 0, {wire::epm_context(0)}};
  p.auth = sec.verifier();
  return pdu::encode(p);
}

// [MS-RPCE] 2.2.2.10: rpc_auth_3 goes on the bind's call_id; nothing answers it.
wire::Octets auth3(const runtime::ClientSecurity& sec) {
  pdu::Pdu a;
  a.header.ptype = pdu::PType::auth3;
  a.header.pfc_flags = pdu::pfc::kFirstLast;
  a.header.call_id = kBindCallId;
  a.body = pdu::Auth3{};
  a.auth = sec.verifier();
  return pdu::encode(a);
}

// The control call: a correctly signed ept_lookup must get a response. A
// host that did not accept the credentials (NTLM learns that only at
// auth3, which nothing answers) refuses it, and the probes would measure
// nothing; "" when answered, the reason otherwise.
asio::awaitable<std::string> control_call(ProbeConn& c, const Session& s, std::chrono::milliseconds timeout) {
  if (auto err = co_await c.write(signed_lookup(s, kControlCallId), timeout); !err.empty())
    co_return "signed control call: " + err;
  auto r = co_await c.read_pdu(timeout);
  if (r.kind != ReadOutcome::Kind::pdu) co_return "the host did not answer a correctly signed request";
  auto p = pdu::decode(r.octets);
  if (p && p->as<pdu::Response>() != nullptr) co_return "";
  if (const auto* f = p ? p->as<pdu::Fault>() : nullptr)
    co_return fmt::format("a correctly signed request was refused with fault {:#010x} (credentials not accepted?)",
                          f->status);
  co_return "the host answered a correctly signed request with something other than a response";
}

}  // namespace

wire::Octets signed_lookup(const Session& s, std::uint32_t call_id, std::uint32_t context_id_delta, bool empty_stub) {
  namespace sec = security;
  const auto stub = empty_stub ? wire::Octets{} : wire::ept_lookup_stub(1);
  auto bytes = wire::request(call_id, 0, kEptLookup, stub);
  auto* cs = s.security;
  const std::uint8_t type = cs ? cs->auth().provider->auth_type() : sec::auth_type::kNtlm;
  const std::uint32_t id = (cs ? cs->auth().context_id : 1) + context_id_delta;
  auto* prot = cs ? cs->protection() : nullptr;
  sec::append_auth_trailer(bytes, kStubOffset, {type, static_cast<std::uint8_t>(sec::AuthLevel::integrity), 0, 0, id},
                           prot ? prot->signature_length() : kNtlmSignature);
  if (prot) (void)prot->protect(bytes, kStubOffset);
  return bytes;
}

asio::awaitable<std::optional<AuthedSession>> auth_preamble(ProbeConn& c, runtime::ClientAuth auth,
                                                            std::chrono::milliseconds timeout, std::string& why) {
  // Integrity: every request is signed, and its stub stays readable, so a
  // probe changes exactly one field of a PDU whose protection is known.
  auth.level = security::AuthLevel::integrity;
  auth.verification_trailer = false;
  auto started = runtime::ClientSecurity::start(std::move(auth));
  if (!started) {
    why = "authentication: " + started.error().to_string();
    co_return std::nullopt;
  }
  AuthedSession out{std::move(*started), {}};
  if (auto err = co_await c.write(auth_bind(*out.security), timeout); !err.empty()) {
    why = "authenticated bind: " + err;
    co_return std::nullopt;
  }
  auto r = co_await c.read_pdu(timeout);
  std::optional<pdu::Pdu> p;
  if (r.kind == ReadOutcome::Kind::pdu)
    if (auto d = pdu::decode(r.octets)) p = std::move(*d);
  const auto* ack = p ? p->as<pdu::BindAck>() : nullptr;
  if (!ack || ack->results.empty() || ack->results[0].result != pdu::ContextResult::acceptance) {
    why = "authenticated bind refused";
    co_return std::nullopt;
  }
  auto next = out.security->on_server_token(*p);
  if (!next || *next == runtime::ClientSecurity::Next::alter) {
    why = next ? "the exchange needs an alter_context leg (not offered by the probes)"
               : "authentication: " + next.error().to_string();
    co_return std::nullopt;
  }
  if (*next == runtime::ClientSecurity::Next::auth3) {
    out.session.auth3 = auth3(*out.security);
    if (auto err = co_await c.write(out.session.auth3, timeout); !err.empty()) {
      why = "auth3: " + err;
      co_return std::nullopt;
    }
  }
  if (!out.security->established() || out.security->protection() == nullptr) {
    why = "the security context did not complete";
    co_return std::nullopt;
  }
  out.session.max_recv_frag = ack->max_recv_frag;
  out.session.max_xmit_frag = ack->max_xmit_frag;
  out.session.assoc_group_id = ack->assoc_group_id;
  out.session.security = out.security.get();
  if (why = co_await control_call(c, out.session, timeout); !why.empty()) co_return std::nullopt;
  co_return out;
}

}  // namespace rampart::probe
