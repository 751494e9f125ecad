// NDR type serialization version 1 ([MS-RPCE] 2.2.6): one value of a type
// marked [encode, decode], as MIDL's type pickling writes it. The generated
// <T>_encode / <T>_decode call these.
//
//   common header (2.2.6.1), 8 octets: Version 1, Endianness (0x10 little,
//     0x00 big), CommonHeaderLength 8 (little-endian), Filler 0xcccccccc;
//   private header (2.2.6.2), 8 octets: ObjectBufferLength (in the
//     header's byte order), Filler 0;
//   the object buffer: the value in NDR20, marshalled as a top-level [ref]
//     parameter would be (a conformant structure's max_count first, then its
//     flat part, then the deferred referents), padded to a multiple of 8.
//
// Decoding refuses a common header other than version 1 with length 8 and
// a known endianness, and an ObjectBufferLength that is not a multiple of 8
// or runs past the buffer (bad_pickle_header; count_exceeds_remaining), as
// well as octets after the object buffer (trailing_bytes) and a value that
// leaves more than its 8-octet padding of the object buffer unread
// (trailing_bytes). The fillers are not checked: they carry nothing.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "rampart/ndr/decoder.hpp"
#include "rampart/ndr/encoder.hpp"

namespace rampart::ndr {

inline constexpr std::size_t kPickleHeaderSize = 16;  // common + private header
inline constexpr std::uint8_t kPickleVersion = 1;
inline constexpr std::uint8_t kPickleLittleEndian = 0x10;
inline constexpr std::uint8_t kPickleBigEndian = 0x00;
inline constexpr std::uint32_t kPickleFiller = 0xcccccccc;

namespace detail {

template <class T>
concept PickleConformant = requires(const T& v) { T::conformance_of(v); };

template <class T>
Result<void> pickle_body(BasicEncoder<Ndr20>& e, const T& v) {
  if constexpr (PickleConformant<T>) RAMPART_CHECK(e.conformance(RAMPART_TRY(T::conformance_of(v))));
  RAMPART_CHECK(T::encode_scalars(e, v));
  return T::encode_buffers(e, v);
}

template <class T>
Result<void> unpickle_body(BasicDecoder<Ndr20>& d, T& v) {
  auto guard = RAMPART_TRY(d.enter());
  if constexpr (PickleConformant<T>) {
    const auto max_count = RAMPART_TRY(d.conformance());
    RAMPART_CHECK(T::decode_scalars(d, v, max_count));
  } else {
    RAMPART_CHECK(T::decode_scalars(d, v));
  }
  return T::decode_buffers(d, v);
}

}  // namespace detail

/// The 16 header octets and the object buffer for `v`, in `drep`'s byte
/// order (MIDL writes the machine's: little-endian on Windows).
template <class T>
[[nodiscard]] Result<std::vector<std::uint8_t>> pickle_encode(const T& v, Drep drep = Drep::little()) {
  std::vector<std::uint8_t> object;
  {
    ByteWriter w(object, drep);
    BasicEncoder<Ndr20> e(w);
    RAMPART_CHECK(detail::pickle_body(e, v));
    e.align(8);
  }
  if (object.size() > 0xffffffffu) return fail(Errc::value_too_large, "object buffer above 4 GiB");
  std::vector<std::uint8_t> out;
  out.reserve(kPickleHeaderSize + object.size());
  ByteWriter h(out, drep);
  h.u8(kPickleVersion);
  h.u8(drep.is_little() ? kPickleLittleEndian : kPickleBigEndian);
  for (std::uint8_t b : {0x08, 0x00}) h.u8(b);  // CommonHeaderLength: little-endian always
  h.u32(kPickleFiller);
  h.u32(static_cast<std::uint32_t>(object.size()));
  h.u32(0);
  out.insert(out.end(), object.begin(), object.end());
  return out;
}

/// One value from a whole serialization (headers and object buffer).
template <class T>
[[nodiscard]] Result<T> pickle_decode(std::span<const std::uint8_t> blob, const DecodeLimits& limits = {}) {
  if (blob.size() < kPickleHeaderSize)
    return fail(Errc::bad_pickle_header, "shorter than the 16-octet serialization headers", blob.size());
  if (blob[0] != kPickleVersion) return fail(Errc::bad_pickle_header, "type serialization version is not 1", 0);
  if (blob[1] != kPickleLittleEndian && blob[1] != kPickleBigEndian)
    return fail(Errc::bad_pickle_header, "unknown endianness in the common header", 1);
  if (blob[2] != 0x08 || blob[3] != 0x00)
    return fail(Errc::bad_pickle_header, "common header length is not 8", 2);
  const bool little = blob[1] == kPickleLittleEndian;
  const std::uint32_t length =
      little ? static_cast<std::uint32_t>(blob[8] | blob[9] << 8 | blob[10] << 16 | std::uint32_t{blob[11]} << 24)
             : static_cast<std::uint32_t>(std::uint32_t{blob[8]} << 24 | blob[9] << 16 | blob[10] << 8 | blob[11]);
  if (length % 8 != 0) return fail(Errc::bad_pickle_header, "object buffer length is not a multiple of 8", 8);
  if (length > blob.size() - kPickleHeaderSize)
    return fail(Errc::count_exceeds_remaining, "object buffer length runs past the buffer", 8);
  if (length < blob.size() - kPickleHeaderSize)
    return fail(Errc::trailing_bytes, "octets after the object buffer", kPickleHeaderSize + length);
  BasicDecoder<Ndr20> d(blob.subspan(kPickleHeaderSize, length), little ? Drep::little() : Drep::big(), limits);
  T v{};
  RAMPART_CHECK(detail::unpickle_body(d, v));
  if (d.remaining() >= 8)
    return fail(Errc::trailing_bytes, "object buffer longer than the value and its padding",
                kPickleHeaderSize + d.position());
  return v;
}

}  // namespace rampart::ndr
