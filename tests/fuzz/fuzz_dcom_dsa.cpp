// Fuzzes DualStringArray ([MS-DCOM] 2.2.19): the packed form inside an
// OBJREF and the units of the NDR form. What parses must encode and parse
// back to the same value; the first octet picks small limits sometimes so
// the limit paths are reached.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "rampart/base/byte_reader.hpp"
#include "rampart/dcom/dual_string_array.hpp"

using rampart::dcom::DsaLimits;
using rampart::dcom::DualStringArray;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  DsaLimits limits;
  if ((data[0] & 1) != 0) {
    limits.max_bindings = 2;
    limits.max_name_units = 8;
    limits.max_entries = 64;
  }
  rampart::ByteReader r(std::span<const std::uint8_t>(data + 1, size - 1));
  auto d = DualStringArray::decode_packed(r, limits);
  if (!d) return 0;
  (void)d->describe();
  std::vector<std::uint8_t> packed;
  // Windows' empty principal names parse but are refused on encode only
  // when they break a rule Rampart keeps for what it sends; an empty name
  // is allowed, so every parsed array must encode.
  if (!d->encode_packed(packed, limits)) std::abort();
  rampart::ByteReader r2(packed);
  auto again = DualStringArray::decode_packed(r2, limits);
  if (!again || *again != *d || r2.remaining() != 0) std::abort();
  return 0;
}
