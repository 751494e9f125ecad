// The members every operation's request and response struct declares:
// decode from an NDR20 decoder, encode to an encoder, a stable multi-line
// describe(), and value equality (used by the round-trip fuzz targets).
// Whole stubs go through ndr::decode_stub<T> / ndr::encode_stub (stub.hpp).
#pragma once

#include <string>

#include "rampart/ndr/decoder.hpp"
#include "rampart/ndr/encoder.hpp"
#include "rampart/ndr/stub.hpp"

#define RAMPART_STUB_CODEC(T)                                   \
  [[nodiscard]] static ::rampart::Result<T> decode(::rampart::ndr::Decoder& d); \
  [[nodiscard]] ::rampart::Result<void> encode(::rampart::ndr::Encoder& e) const; \
  [[nodiscard]] std::string describe() const;                   \
  friend bool operator==(const T&, const T&) = default
