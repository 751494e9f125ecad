// Data representation label (C706 14.1, "Data Representation Format Label").
//
// Four octets in every PDU header: octet 0 holds the integer representation
// (high nibble: 0 big-endian, 1 little-endian) and the character
// representation (low nibble: 0 ASCII, 1 EBCDIC); octet 1 the floating-point
// representation (0 IEEE, 1 VAX, 2 Cray, 3 IBM); octets 2 and 3 are reserved
// and must be zero.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "rampart/base/error.hpp"

namespace rampart {

enum class BaseErrc : std::uint16_t {
  truncated = 1,        // fewer bytes remain than the field needs
  unsupported_drep,     // a legal representation Rampart does not implement (VAX/Cray/IBM floats)
  bad_drep,             // not a legal representation label
  overflow,             // checked arithmetic would overflow
  bad_uuid_text,        // a UUID string that is not 8-4-4-4-12 hex
  bad_alignment,        // alignment that is not a power of two up to 16
};

template <>
struct ErrorCodeTraits<BaseErrc> {
  static constexpr ErrorDomain domain = ErrorDomain::base;
  static const char* name(BaseErrc e) noexcept;
};

enum class IntRep : std::uint8_t { big_endian = 0, little_endian = 1 };
enum class CharRep : std::uint8_t { ascii = 0, ebcdic = 1 };
enum class FloatRep : std::uint8_t { ieee = 0, vax = 1, cray = 2, ibm = 3 };

struct Drep {
  IntRep int_rep = IntRep::little_endian;
  CharRep char_rep = CharRep::ascii;
  FloatRep float_rep = FloatRep::ieee;

  /// The label every Windows and Samba peer sends: 10 00 00 00.
  static constexpr Drep little() noexcept { return {}; }
  static constexpr Drep big() noexcept { return {IntRep::big_endian, CharRep::ascii, FloatRep::ieee}; }

  /// Decodes the 4-octet label, rejecting unknown values and non-zero
  /// reserved octets. VAX/Cray/IBM floats are legal labels and decode here;
  /// reading a float under them fails with unsupported_drep.
  [[nodiscard]] static Result<Drep> decode(const std::array<std::uint8_t, 4>& label) noexcept;
  [[nodiscard]] std::array<std::uint8_t, 4> encode() const noexcept;
  [[nodiscard]] bool is_little() const noexcept { return int_rep == IntRep::little_endian; }
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const Drep&, const Drep&) = default;
};

}  // namespace rampart
