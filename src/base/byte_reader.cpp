#include "rampart/base/byte_reader.hpp"

namespace rampart {

// C706 14.2.5: floating-point values follow the drep's float format. Only
// IEEE 754 is implemented; VAX, Cray and IBM formats are refused rather than
// misread.
Result<float> ByteReader::f32() noexcept {
  if (drep_.float_rep != FloatRep::ieee)
    return fail(BaseErrc::unsupported_drep, "only IEEE floating point is supported", pos_);
  return std::bit_cast<float>(RAMPART_TRY(u32()));
}

Result<double> ByteReader::f64() noexcept {
  if (drep_.float_rep != FloatRep::ieee)
    return fail(BaseErrc::unsupported_drep, "only IEEE floating point is supported", pos_);
  return std::bit_cast<double>(RAMPART_TRY(u64()));
}

}  // namespace rampart
