#include "rampart/security/ntlm_pdu_protection.hpp"

#include "rampart/security/errc.hpp"

namespace rampart::security {
namespace {

// [MS-RPCE] 3.3.1.5.2.2: packet and integrity sign, privacy seals. Samba
// handles packet like integrity, as Windows does for NTLM; call (3) is
// handled as packet ([MS-RPCE] 2.2.1.1.8: connection-oriented RPC upgrades
// call to packet).
Result<AuthLevel> protected_level(const SecTrailer& t, std::size_t trailer_offset) {
  const auto level = static_cast<AuthLevel>(t.auth_level);
  if (level != AuthLevel::call && level != AuthLevel::packet && level != AuthLevel::integrity &&
      level != AuthLevel::privacy) {
    return fail(Errc::bad_auth_level, "auth_level carries no per-PDU protection",
                trailer_offset + 1);
  }
  return level;
}

// With ESS the MAC covers the PDU from its first header octet (see the
// header comment). NTLMv1 without ESS checksums only stub and auth pad, as
// Windows and Samba do: its CRC-32 never covered headers.
std::span<const std::uint8_t> covered_octets(std::span<const std::uint8_t> pdu,
                                             const AuthLayout& l, const NtlmSealer& sealer) {
  if (sealer.extended_session_security()) return pdu.first(l.auth_value_offset);
  return pdu.subspan(l.stub_offset, l.stub_length + l.pad_length);
}

}  // namespace

SignedRegions signed_regions(const AuthLayout& layout, bool header_sign) noexcept {
  return {header_sign ? 0 : layout.stub_offset, layout.auth_value_offset};
}

Result<AuthLayout> ntlm_protect_pdu(std::span<std::uint8_t> pdu, std::size_t stub_offset,
                                    NtlmSealer& sealer) {
  const AuthLayout l = RAMPART_TRY(locate_auth_trailer(pdu, stub_offset));
  if (l.auth_length != kNtlmSignatureSize) {
    return fail(Errc::bad_signature_length, "NTLM auth_value must be 16 octets", 10);
  }
  const AuthLevel level = RAMPART_TRY(protected_level(l.trailer, l.trailer_offset));
  const auto covered = covered_octets(pdu, l, sealer);
  NtlmSignature sig{};
  if (level == AuthLevel::privacy) {
    auto stub_and_pad = pdu.subspan(l.stub_offset, l.stub_length + l.pad_length);
    sig = RAMPART_TRY(sealer.seal(stub_and_pad, covered));
  } else {
    sig = RAMPART_TRY(sealer.sign(covered));
  }
  std::copy(sig.begin(), sig.end(), pdu.begin() + static_cast<std::ptrdiff_t>(l.auth_value_offset));
  return l;
}

namespace {

// The signature check, and at privacy the unsealing in place, of a PDU whose
// trailer `l` located, at `level`.
Result<void> open_pdu(std::span<std::uint8_t> pdu, const AuthLayout& l, AuthLevel level, NtlmSealer& sealer) {
  if (l.auth_length != kNtlmSignatureSize) {
    return fail(Errc::bad_signature_length, "NTLM auth_value must be 16 octets", 10);
  }
  const auto covered = covered_octets(pdu, l, sealer);
  const auto sig = std::span<const std::uint8_t>(pdu).subspan(l.auth_value_offset);
  if (level == AuthLevel::privacy) {
    auto stub_and_pad = pdu.subspan(l.stub_offset, l.stub_length + l.pad_length);
    return sealer.unseal(stub_and_pad, covered, sig);
  }
  return sealer.verify(covered, sig);
}

}  // namespace

Result<AuthLayout> ntlm_unprotect_pdu(std::span<std::uint8_t> pdu, std::size_t stub_offset,
                                      NtlmSealer& sealer, const EstablishedAuth& established) {
  const AuthLayout l = RAMPART_TRY(locate_auth_trailer(pdu, stub_offset));
  if (l.trailer.auth_type != established.auth_type) {
    return fail(Errc::auth_type_changed, "auth_type differs from the established context",
                l.trailer_offset);
  }
  if (static_cast<AuthLevel>(l.trailer.auth_level) != established.level) {
    return fail(Errc::auth_level_changed, "auth_level differs from the established one",
                l.trailer_offset + 1);
  }
  if (l.trailer.auth_context_id != established.context_id) {
    return fail(Errc::auth_context_changed, "auth_context_id differs from the established one",
                l.trailer_offset + 4);
  }
  const AuthLevel level = RAMPART_TRY(protected_level(l.trailer, l.trailer_offset));
  RAMPART_CHECK(open_pdu(pdu, l, level, sealer));
  return l;
}

Result<AuthLayout> ntlm_unprotect_continuation(std::span<std::uint8_t> pdu, std::size_t stub_offset,
                                               NtlmSealer& sealer, const EstablishedAuth& established) {
  const AuthLayout l = RAMPART_TRY(locate_continuation_trailer(pdu, stub_offset));
  RAMPART_CHECK(open_pdu(pdu, l, established.level, sealer));
  return l;
}

}  // namespace rampart::security
