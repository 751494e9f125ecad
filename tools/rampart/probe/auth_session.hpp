// The authenticated preamble of the probes that need credentials
// (Probe::needs_auth): the endpoint mapper's bind carrying the provider's
// first token, the bind_ack's token stepped, then auth3 ([MS-RPCE]
// 3.3.1.5.2, NTLM's three legs), then one correctly signed ept_lookup that
// must be answered, so that a probe's refusal is evidence about the field it
// changes and not about credentials the host never accepted.
#pragma once

#include <asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "probe.hpp"
#include "probe_conn.hpp"
#include "rampart/runtime/client_security.hpp"
#include "wire.hpp"

namespace rampart::probe {

struct AuthedSession {
  std::unique_ptr<runtime::ClientSecurity> security;
  Session session;  // session.security points into `security`
};

/// Binds the endpoint mapper on `c` with `auth` (its level raised or
/// lowered to packet integrity, no verification trailer) and checks the
/// context with one signed ept_lookup; nullopt with `why` when the host
/// refuses, the exchange fails or the signed call is not answered.
[[nodiscard]] asio::awaitable<std::optional<AuthedSession>> auth_preamble(ProbeConn& c, runtime::ClientAuth auth,
                                                                          std::chrono::milliseconds timeout,
                                                                          std::string& why);

/// An ept_lookup request (call `call_id`, context 0) whose sec_trailer
/// names the session's auth_context_id + `context_id_delta`, signed by the
/// session's context when there is one (without, as in the catalogue's
/// tests, the NTLM-sized signature stays zero). `empty_stub` sends no stub.
[[nodiscard]] wire::Octets signed_lookup(const Session& s, std::uint32_t call_id, std::uint32_t context_id_delta = 0,
                                         bool empty_stub = false);

}  // namespace rampart::probe
