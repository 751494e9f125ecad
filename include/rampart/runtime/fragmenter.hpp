// Fragmenter: splits a request or response stub into PDUs no larger than the
// negotiated transmit size (C706 12.6.3.1 max_xmit_frag).
#pragma once

#include <cstdint>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/pdu/pdu.hpp"
#include "rampart/security/security_provider.hpp"

namespace rampart::runtime {

/// Appends the fragments of `whole` (a request or response whose body holds
/// the complete stub) to `out`. Every fragment repeats the body's fixed
/// fields; alloc_hint is the stub octets remaining from that fragment on;
/// PFC_FIRST_FRAG and PFC_LAST_FRAG mark the ends; the stub of every
/// fragment but the last is a multiple of 8 octets (C706 12.6.2: so that NDR
/// alignment survives splitting). Authenticated fragments come with the
/// security providers. Throws std::invalid_argument if max_frag_length
/// cannot hold the header, the fixed fields and 8 stub octets (negotiation
/// never allows less than 2048, so only a caller bug gets here).
/// Returns the number of fragments appended.
std::size_t fragment(const pdu::Pdu& whole, std::uint16_t max_frag_length, std::vector<std::uint8_t>& out);

/// The authenticated form ([MS-RPCE] 2.2.2.11-12): every fragment carries
/// its own auth pad (the stub padded to 16 octets), a sec_trailer with the
/// protection's frozen type, level and context id, and an auth_value of
/// protection.signature_length() octets filled in by protection.protect()
/// (signed, or sealed at privacy). Stub pieces of all but the last fragment
/// are multiples of 16 so only the last needs a pad. Returns the number of
/// fragments, or the provider's error (nothing is appended then).
[[nodiscard]] Result<std::size_t> fragment_protected(const pdu::Pdu& whole, std::uint16_t max_frag_length,
                                                     security::PduProtection& protection,
                                                     std::vector<std::uint8_t>& out);

/// Number of fragments fragment() would produce.
[[nodiscard]] std::size_t fragment_count(const pdu::Pdu& whole, std::uint16_t max_frag_length);

}  // namespace rampart::runtime
