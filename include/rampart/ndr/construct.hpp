// Deferred pointer order for constructed types (C706 14.3.12).
//
// NDR writes a construct's flat part first and the referents of the
// pointers embedded in it afterwards (C706 14.3.12.3): for a structure or
// an array of structures, all the scalars (with referent ids in place of
// pointers) come first, then each non-NULL referent in pointer order, and
// a referent's own embedded referents follow that referent (depth first).
// A top-level pointer's referent follows the pointer at once
// (C706 14.3.12.1), but it is itself a construct, so the same rule applies
// inside it.
//
// Types with embedded pointers take part through two static functions per
// direction, which is also the shape generated stubs will have:
//
//   static Result<void> decode_scalars(D&, T&);   // referent ids only
//   static Result<void> decode_buffers(D&, T&);   // referents, in order
//   static Result<void> encode_scalars(E&, const T&);
//   static Result<void> encode_buffers(E&, const T&);
//
// and the helpers below sequence them and count nesting depth (C12).
#pragma once

#include <concepts>
#include <cstdint>
#include <vector>

#include "rampart/base/error.hpp"

namespace rampart::ndr {

template <class T, class D>
concept DeferredDecodable = requires(D& d, T& v) {
  { T::decode_scalars(d, v) } -> std::same_as<Result<void>>;
  { T::decode_buffers(d, v) } -> std::same_as<Result<void>>;
};

template <class T, class E>
concept DeferredEncodable = requires(E& e, const T& v) {
  { T::encode_scalars(e, v) } -> std::same_as<Result<void>>;
  { T::encode_buffers(e, v) } -> std::same_as<Result<void>>;
};

/// One whole construct: its scalars, then its deferred referents.
template <class T, class D>
  requires DeferredDecodable<T, D>
[[nodiscard]] Result<void> decode_construct(D& d, T& v) {
  auto guard = RAMPART_TRY(d.enter());
  RAMPART_CHECK(T::decode_scalars(d, v));
  return T::decode_buffers(d, v);
}

/// `count` elements of an array of constructs: every element's scalars,
/// then every element's referents. `min_wire_size` is the smallest wire
/// size of one element's scalars; the count is checked against what remains
/// and charged against the allocation budget before anything is allocated.
template <class T, class D>
  requires DeferredDecodable<T, D>
[[nodiscard]] Result<std::vector<T>> decode_elements(D& d, std::uint64_t count,
                                                     std::size_t min_wire_size) {
  RAMPART_CHECK(d.need(count, min_wire_size));
  RAMPART_CHECK(d.charge(count, sizeof(T)));
  auto guard = RAMPART_TRY(d.enter());
  std::vector<T> out(static_cast<std::size_t>(count));
  for (auto& v : out) RAMPART_CHECK(T::decode_scalars(d, v));
  for (auto& v : out) RAMPART_CHECK(T::decode_buffers(d, v));
  return out;
}

template <class T, class E>
  requires DeferredEncodable<T, E>
[[nodiscard]] Result<void> encode_construct(E& e, const T& v) {
  RAMPART_CHECK(T::encode_scalars(e, v));
  return T::encode_buffers(e, v);
}

template <class T, class E>
  requires DeferredEncodable<T, E>
[[nodiscard]] Result<void> encode_elements(E& e, const std::vector<T>& in) {
  for (const auto& v : in) RAMPART_CHECK(T::encode_scalars(e, v));
  for (const auto& v : in) RAMPART_CHECK(T::encode_buffers(e, v));
  return {};
}

}  // namespace rampart::ndr
