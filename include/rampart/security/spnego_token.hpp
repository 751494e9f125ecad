// The inner mechanism token of a SPNEGO message (RFC 4178 4.2), read with
// strict DER bounds. Only used to find the NTLM AUTHENTICATE message whose
// NegotiateFlags decide the NTLM keys ([MS-NLMP] 3.4.5): MIT's SPNEGO
// mechanism does the negotiation itself.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/security/crypto.hpp"

namespace rampart::security {

/// mechToken of a negTokenInit (wrapped in the RFC 2743 3.1 InitialContext
/// token or bare) or responseToken of a negTokenResp.
[[nodiscard]] Result<std::vector<std::uint8_t>> spnego_inner_token(ByteSpan token);

/// True when a negTokenInit or negTokenResp carries a mechListMIC (RFC 4178
/// 4.2.1, 4.2.2). The MIC is made with the inner mechanism's per-message
/// state, so NTLM's sequence numbers count it ([MS-SPNG] 3.3.5.1).
[[nodiscard]] bool spnego_has_mech_list_mic(ByteSpan token);

/// True when `token` is a negTokenResp whose negState is accept-completed
/// (RFC 4178 4.2.2), the only answer a closing leg may get once the
/// initiator completed; false for any other state, a missing negState, a
/// negTokenInit or bytes that do not parse.
[[nodiscard]] bool spnego_accept_completed(ByteSpan token);
/// `token` rebuilt with a bare AP-REQ when it is a negTokenInit whose
/// mechToken is a Kerberos AP-REQ in the RFC 2743 3.1 framing (krb5 or the
/// MS KRB5 OID, TOK_ID 01 00); nullopt for any other token. A DCE-style
/// initiator sends the AP-REQ bare ([MS-KILE] 3.4.5.1, MIT and Heimdal
/// do); Impacket frames it and sets GSS_C_DCE_STYLE all the same, which
/// Windows accepts and MIT refuses as a defective token.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> spnego_with_bare_ap_req(ByteSpan token);

}  // namespace rampart::security
