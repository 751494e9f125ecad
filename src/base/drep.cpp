#include "rampart/base/drep.hpp"

#include <fmt/format.h>

namespace rampart {

const char* ErrorCodeTraits<BaseErrc>::name(BaseErrc e) noexcept {
  switch (e) {
    case BaseErrc::truncated: return "truncated";
    case BaseErrc::unsupported_drep: return "unsupported_drep";
    case BaseErrc::bad_drep: return "bad_drep";
    case BaseErrc::overflow: return "overflow";
    case BaseErrc::bad_uuid_text: return "bad_uuid_text";
    case BaseErrc::bad_alignment: return "bad_alignment";
  }
  return "unknown";
}

Result<Drep> Drep::decode(const std::array<std::uint8_t, 4>& label) noexcept {
  const std::uint8_t int_nibble = label[0] >> 4;
  const std::uint8_t char_nibble = label[0] & 0x0f;
  if (int_nibble > 1) return fail(BaseErrc::bad_drep, "integer representation is not 0 or 1", 0);
  if (char_nibble > 1) return fail(BaseErrc::bad_drep, "character representation is not 0 or 1", 0);
  if (label[1] > 3) return fail(BaseErrc::bad_drep, "floating-point representation above 3", 1);
  if (label[2] != 0 || label[3] != 0) return fail(BaseErrc::bad_drep, "reserved drep octets are not zero", 2);
  return Drep{static_cast<IntRep>(int_nibble), static_cast<CharRep>(char_nibble),
              static_cast<FloatRep>(label[1])};
}

std::array<std::uint8_t, 4> Drep::encode() const noexcept {
  return {static_cast<std::uint8_t>((static_cast<unsigned>(int_rep) << 4) | static_cast<unsigned>(char_rep)),
          static_cast<std::uint8_t>(float_rep), 0, 0};
}

std::string Drep::describe() const {
  static constexpr const char* kFloat[] = {"IEEE", "VAX", "Cray", "IBM"};
  return fmt::format("{}-endian, {}, {} float", is_little() ? "little" : "big",
                     char_rep == CharRep::ascii ? "ASCII" : "EBCDIC",
                     kFloat[static_cast<unsigned>(float_rep)]);
}

}  // namespace rampart
