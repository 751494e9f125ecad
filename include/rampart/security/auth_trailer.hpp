// The connection-oriented auth trailer ([MS-RPCE] 2.2.2.11 sec_trailer,
// C706 13.2.6.1 auth_verifier_co_t) and its geometry inside a PDU
// (HARDENING C4), independent of pdu/ so the security layer sits on base/.
//
//   | header 16 | fixed body | stub | auth pad | sec_trailer 8 | auth_value |
//   0           stub_offset                    frag_length - auth_length - 8
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/byte_reader.hpp"
#include "rampart/base/byte_writer.hpp"
#include "rampart/base/drep.hpp"
#include "rampart/base/error.hpp"

namespace rampart::security {

/// auth_level ([MS-RPCE] 2.2.1.1.8, C706 13.1.2.1).
enum class AuthLevel : std::uint8_t {
  none = 1,
  connect = 2,
  call = 3,
  packet = 4,
  integrity = 5,  // RPC_C_AUTHN_LEVEL_PKT_INTEGRITY
  privacy = 6,    // RPC_C_AUTHN_LEVEL_PKT_PRIVACY
};

/// auth_type values this layer knows ([MS-RPCE] 2.2.1.1.7).
namespace auth_type {
inline constexpr std::uint8_t kNone = 0;
inline constexpr std::uint8_t kSpnego = 9;
inline constexpr std::uint8_t kNtlm = 10;
inline constexpr std::uint8_t kKerberos = 16;
}  // namespace auth_type

inline constexpr std::size_t kSecTrailerSize = 8;
inline constexpr std::size_t kCommonHeaderSize = 16;
/// [MS-RPCE] 2.2.2.11: senders pad the stub to a 16-octet multiple; the pad
/// is therefore at most 15 octets.
inline constexpr std::size_t kAuthPadAlignment = 16;

struct SecTrailer {
  std::uint8_t auth_type = 0;
  std::uint8_t auth_level = 0;
  std::uint8_t auth_pad_length = 0;
  std::uint8_t auth_reserved = 0;
  std::uint32_t auth_context_id = 0;  // in the PDU's drep

  /// Reads the 8 octets and checks what needs no context: auth_level in
  /// 1..6, auth_reserved 0, auth_pad_length below the 16-octet alignment.
  [[nodiscard]] static Result<SecTrailer> decode(ByteReader& r);
  void encode(ByteWriter& w) const;
  /// "auth_type=10 auth_level=6 auth_pad_length=4 auth_context_id=79231"
  [[nodiscard]] std::string describe() const;
  friend bool operator==(const SecTrailer&, const SecTrailer&) = default;
};

/// Pad octets that bring a stub of `stub_length` to the alignment.
[[nodiscard]] constexpr std::size_t auth_pad_for(std::size_t stub_length) noexcept {
  return (kAuthPadAlignment - stub_length % kAuthPadAlignment) % kAuthPadAlignment;
}

/// Where the parts of an authenticated PDU lie, all checked against the
/// PDU's length. `stub_length` excludes the auth pad.
struct AuthLayout {
  Drep drep;
  std::size_t stub_offset = 0;
  std::size_t stub_length = 0;
  std::size_t pad_length = 0;
  std::size_t trailer_offset = 0;
  std::size_t auth_value_offset = 0;
  std::size_t auth_length = 0;
  SecTrailer trailer;
};

/// Finds and validates the trailer of a whole PDU whose stub starts at
/// `stub_offset` (24 for request/response, 40 with an object UUID). C4: the
/// sec_trailer sits at frag_length - auth_length - 8, after the fixed body,
/// 4-octet aligned, and auth_pad_length fits inside the stub.
[[nodiscard]] Result<AuthLayout> locate_auth_trailer(std::span<const std::uint8_t> pdu,
                                                     std::size_t stub_offset);

/// As locate_auth_trailer, for a later fragment of a call: the trailer's
/// auth_level is not range-checked, because Windows ignores a later
/// fragment's auth_type, auth_level and auth_context_id and so does the
/// caller (it protects at the first fragment's level); the geometry, the
/// pad and auth_reserved are checked as ever.
[[nodiscard]] Result<AuthLayout> locate_continuation_trailer(std::span<const std::uint8_t> pdu,
                                                             std::size_t stub_offset);

/// Appends auth pad, sec_trailer (with the pad length filled in) and
/// `auth_length` zero octets for the auth_value, then sets frag_length and
/// auth_length in the header. `pdu` holds header, fixed body and stub, and
/// the caller keeps the result within the negotiated max_xmit_frag.
void append_auth_trailer(std::vector<std::uint8_t>& pdu, std::size_t stub_offset,
                         SecTrailer trailer, std::size_t auth_length);

}  // namespace rampart::security
