// Helpers and small constructed types shared by the NDR engine tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <vector>

#include "rampart/ndr/construct.hpp"
#include "rampart/ndr/decoder.hpp"
#include "rampart/ndr/encoder.hpp"

namespace rampart::ndr::test {

using Bytes = std::vector<std::uint8_t>;

/// Little-endian u32 as four octets.
inline void le32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
/// Big-endian u32 as four octets.
inline void be32(Bytes& b, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline Bytes le32s(std::initializer_list<std::uint32_t> vs) {
  Bytes b;
  for (auto v : vs) le32(b, v);
  return b;
}

/// struct Inner { unsigned long y; [unique] unsigned long* r; }
struct Inner {
  std::uint32_t y = 0;
  std::optional<std::uint32_t> r;

  static Result<void> decode_scalars(Decoder& d, Inner& v) {
    v.y = RAMPART_TRY(d.u32());
    if (!RAMPART_TRY(d.unique_pointer()).is_null()) v.r.emplace();
    return {};
  }
  static Result<void> decode_buffers(Decoder& d, Inner& v) {
    if (v.r) *v.r = RAMPART_TRY(d.u32());
    return {};
  }
  static Result<void> encode_scalars(Encoder& e, const Inner& v) {
    e.u32(v.y);
    e.unique_pointer(v.r.has_value());
    return {};
  }
  static Result<void> encode_buffers(Encoder& e, const Inner& v) {
    if (v.r) e.u32(*v.r);
    return {};
  }
  friend bool operator==(const Inner&, const Inner&) = default;
};

/// struct Outer { unsigned short x; [unique] unsigned long* p; [unique] Inner* q; }
struct Outer {
  std::uint16_t x = 0;
  std::optional<std::uint32_t> p;
  std::optional<Inner> q;

  static Result<void> decode_scalars(Decoder& d, Outer& v) {
    v.x = RAMPART_TRY(d.u16());
    if (!RAMPART_TRY(d.unique_pointer()).is_null()) v.p.emplace();
    if (!RAMPART_TRY(d.unique_pointer()).is_null()) v.q.emplace();
    return {};
  }
  static Result<void> decode_buffers(Decoder& d, Outer& v) {
    if (v.p) *v.p = RAMPART_TRY(d.u32());
    if (v.q) RAMPART_CHECK(decode_construct(d, *v.q));
    return {};
  }
  static Result<void> encode_scalars(Encoder& e, const Outer& v) {
    e.u16(v.x);
    e.unique_pointer(v.p.has_value());
    e.unique_pointer(v.q.has_value());
    return {};
  }
  static Result<void> encode_buffers(Encoder& e, const Outer& v) {
    if (v.p) e.u32(*v.p);
    if (v.q) RAMPART_CHECK(encode_construct(e, *v.q));
    return {};
  }
  friend bool operator==(const Outer&, const Outer&) = default;
};

/// struct Node { unsigned long v; [unique] struct Node* next; } (self-referencing, C12)
struct Node {
  std::uint32_t v = 0;
  std::unique_ptr<Node> next;

  static Result<void> decode_scalars(Decoder& d, Node& n) {
    n.v = RAMPART_TRY(d.u32());
    if (!RAMPART_TRY(d.unique_pointer()).is_null()) {
      RAMPART_CHECK(d.charge(1, sizeof(Node)));
      n.next = std::make_unique<Node>();
    }
    return {};
  }
  static Result<void> decode_buffers(Decoder& d, Node& n) {
    if (n.next) RAMPART_CHECK(decode_construct(d, *n.next));
    return {};
  }
};

}  // namespace rampart::ndr::test
