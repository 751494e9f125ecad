// A whole connection-oriented PDU: header, body and optional auth verifier,
// with the three operations every wire type has: decode, encode, describe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rampart/pdu/bodies.hpp"
#include "rampart/pdu/header.hpp"

namespace rampart::pdu {

struct Pdu {
  CommonHeader header;
  Body body;
  std::optional<AuthVerifier> auth;

  [[nodiscard]] PType ptype() const noexcept { return header.ptype; }
  template <class T>
  [[nodiscard]] const T* as() const noexcept { return std::get_if<T>(&body); }
  template <class T>
  [[nodiscard]] T* as() noexcept { return std::get_if<T>(&body); }

  friend bool operator==(const Pdu&, const Pdu&) = default;
};

/// Decodes exactly one PDU: `bytes.size()` must equal its frag_length.
/// Every rule of docs/hardening.md C1, C4 and C6 that can be checked on one PDU is
/// checked here; byte views in the result point into `bytes`.
[[nodiscard]] Result<Pdu> decode(std::span<const std::uint8_t> bytes,
                                 const DecodeLimits& limits = {});

/// Appends the PDU to `out`, computing frag_length and auth_length (the
/// values in pdu.header are ignored). Bodies are written in the header's
/// drep. Throws std::length_error if the result exceeds 65535 octets, which
/// only a caller bug can cause (the fragmenter bounds every PDU it builds).
void encode(const Pdu& pdu, std::vector<std::uint8_t>& out);
[[nodiscard]] std::vector<std::uint8_t> encode(const Pdu& pdu);

/// Stable, multi-line text: one header line, then indented body fields.
/// `rampart explain` prints it and the golden tests pin it.
[[nodiscard]] std::string describe(const Pdu& pdu);

/// Splits octets holding whole PDUs back to back (what a server writes, a
/// capture's stream) at each frag_length, read in its PDU's drep. Fails with
/// frag_length_too_small / truncated_body when a PDU is cut short; the PDUs
/// themselves are not validated (decode does that).
[[nodiscard]] Result<std::vector<std::span<const std::uint8_t>>> split_pdus(std::span<const std::uint8_t> bytes);

/// Names for the well-known transfer syntaxes in describe output
/// ("NDR20", "NDR64", "bind-time features 0x0003"), empty when unknown.
[[nodiscard]] std::string syntax_label(const SyntaxId& s);

}  // namespace rampart::pdu
