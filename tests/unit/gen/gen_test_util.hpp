// Helpers for the tests of generated code: encode and decode a whole stub
// in one transfer syntax and data representation, the wire forms by name,
// hex stubs and ndr::Errc codes.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rampart/base/hex.hpp"
#include "rampart/ndr/errc.hpp"
#include "rampart/ndr/stub.hpp"

namespace rampart::gen_test {

/// One of the four wire forms every value is checked in.
struct Wire {
  bool ndr64;
  Drep drep;
  std::string name;
};

inline const Wire kNdr20{false, Drep::little(), "ndr20_le"};
inline const Wire kNdr20Be{false, Drep::big(), "ndr20_be"};
inline const Wire kNdr64{true, Drep::little(), "ndr64_le"};
inline const Wire kNdr64Be{true, Drep::big(), "ndr64_be"};

inline std::vector<Wire> all_wires() { return {kNdr20, kNdr20Be, kNdr64, kNdr64Be}; }

/// A stub written as hex in a test (spaces allowed); a typo is a test bug.
inline std::vector<std::uint8_t> hex(std::string_view s) { return parse_hex(s).value(); }

/// The numeric code of an ndr::Errc, as ndr_code() reports it.
constexpr std::uint16_t code(ndr::Errc e) { return static_cast<std::uint16_t>(e); }

template <class T>
Result<std::vector<std::uint8_t>> encode(const T& v, const Wire& w) {
  return w.ndr64 ? ndr::encode_stub<T, ndr::Ndr64>(v, w.drep) : ndr::encode_stub<T, ndr::Ndr20>(v, w.drep);
}

template <class T>
Result<T> decode(std::span<const std::uint8_t> stub, const Wire& w, const ndr::DecodeLimits& limits = {}) {
  return w.ndr64 ? ndr::decode_stub<T, ndr::Ndr64>(stub, w.drep, limits)
                 : ndr::decode_stub<T, ndr::Ndr20>(stub, w.drep, limits);
}

/// Encodes `v`, decodes it back and re-encodes: the value and the octets
/// must both survive.
template <class T>
void expect_round_trip(const T& v) {
  for (const auto& w : all_wires()) {
    SCOPED_TRACE(w.name);
    auto bytes = encode(v, w);
    ASSERT_TRUE(bytes.has_value()) << bytes.error().to_string();
    auto back = decode<T>(*bytes, w);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_EQ(*back, v);
    EXPECT_EQ(back->describe(), v.describe());
    auto again = encode(*back, w);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, *bytes);
  }
}

/// The ndr::Errc a failed decode reports (0 if it did not fail in ndr).
template <class R>
std::uint16_t ndr_code(const R& r) {
  if (r.has_value() || r.error().domain() != ErrorDomain::ndr) return 0;
  return r.error().code();
}

}  // namespace rampart::gen_test
