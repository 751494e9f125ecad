// Whole-stub helpers: decode a complete request or response stub into a
// type with `static Result<T> decode(BasicDecoder<F>&)`, requiring that
// nothing follows the last parameter, and encode one back.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "rampart/ndr/decoder.hpp"
#include "rampart/ndr/encoder.hpp"

namespace rampart::ndr {

template <class T, WireFormat F = Ndr20>
[[nodiscard]] Result<T> decode_stub(std::span<const std::uint8_t> stub, Drep drep,
                                    const DecodeLimits& limits = {}) {
  BasicDecoder<F> d(stub, drep, limits);
  auto v = RAMPART_TRY(T::decode(d));
  RAMPART_CHECK(d.finish());
  return v;
}

/// A server's reading of a request stub: the parameters must all be there,
/// but octets after the last one are ignored, as Windows and Samba ignore
/// them ([MS-RPCE] 3.3.3.x gives no rule; Samba's raw_protocol
/// test_neg_xmit_* sends thousands of zero octets after mgmt inq_if_ids'
/// empty [in] and expects an answer). Nothing is read from them.
template <class T, WireFormat F = Ndr20>
[[nodiscard]] Result<T> decode_request_stub(std::span<const std::uint8_t> stub, Drep drep,
                                            const DecodeLimits& limits = {}) {
  BasicDecoder<F> d(stub, drep, limits);
  return T::decode(d);
}

/// Capacity an encoded stub starts with: most responses (an ept_map with
/// one tower is 152 octets) then encode without growing the buffer.
inline constexpr std::size_t kStubReserve = 256;

template <class T, WireFormat F = Ndr20>
[[nodiscard]] Result<std::vector<std::uint8_t>> encode_stub(const T& v, Drep drep) {
  std::vector<std::uint8_t> out;
  out.reserve(kStubReserve);
  ByteWriter w(out, drep);
  BasicEncoder<F> e(w);
  RAMPART_CHECK(v.encode(e));
  return out;
}

}  // namespace rampart::ndr
