// The 16-octet common header of every connection-oriented PDU (C706 12.6.1).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "rampart/base/drep.hpp"
#include "rampart/pdu/constants.hpp"
#include "rampart/pdu/errc.hpp"
#include "rampart/pdu/limits.hpp"

namespace rampart::pdu {

struct CommonHeader {
  std::uint8_t rpc_vers = 5;
  std::uint8_t rpc_vers_minor = 0;
  PType ptype = PType::request;
  std::uint8_t pfc_flags = pfc::kFirstLast;
  Drep drep;
  std::uint16_t frag_length = 0;  // whole PDU, header included
  std::uint16_t auth_length = 0;  // auth_value only, sec_trailer excluded
  std::uint32_t call_id = 0;

  /// Decodes and validates the header alone: version, drep, PTYPE, the
  /// flags the PTYPE allows, and frag_length against the PTYPE's minimum and
  /// maximum. Needs at least 16 bytes; the framer calls it before the rest
  /// of the PDU has arrived.
  [[nodiscard]] static Result<CommonHeader> decode(std::span<const std::uint8_t> bytes,
                                                   const DecodeLimits& limits = {}) noexcept;
  /// Writes the 16 octets. frag_length and auth_length are written as given.
  void encode(std::array<std::uint8_t, kHeaderSize>& out) const noexcept;

  [[nodiscard]] bool has_flag(std::uint8_t flag) const noexcept { return (pfc_flags & flag) != 0; }
  [[nodiscard]] bool is_first_frag() const noexcept { return has_flag(pfc::kFirstFrag); }
  [[nodiscard]] bool is_last_frag() const noexcept { return has_flag(pfc::kLastFrag); }
  /// "bind call_id=1 flags=first|last frag_length=72 auth_length=0 drep=..."
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const CommonHeader&, const CommonHeader&) = default;
};

/// Size bounds and allowed flags of one PTYPE (see header.cpp for the table
/// and its sources).
struct PTypeRules {
  std::uint16_t min_length;   // header + fixed body fields
  std::uint16_t max_length;   // absolute cap before negotiation
  std::uint8_t allowed_flags;
  bool bounded_by_negotiation;  // request/response/fault: capped by max_frag_length
};
[[nodiscard]] const PTypeRules& rules_for(PType t) noexcept;

/// "first|last|conc_mpx"; bit 0x04 reads as header_sign in bind-family PDUs.
[[nodiscard]] std::string flags_to_string(PType t, std::uint8_t flags);

}  // namespace rampart::pdu
