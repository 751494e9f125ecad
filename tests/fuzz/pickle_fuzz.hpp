// The type serialization ([MS-RPCE] 2.2.6) of one [encode, decode] type
// under fuzzing: a blob that decodes must re-encode in the byte order its
// header named, decode again to an equal value and re-encode to the same
// octets; describe() must not fail. Used by fuzz_gen_specs and by the
// per-type targets generated from fuzz_pickle_type.cpp.in.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <span>

#include "rampart/ndr/pickle.hpp"

namespace rampart::fuzz {

template <class T>
void fuzz_pickle(std::span<const std::uint8_t> blob) {
  auto value = ndr::pickle_decode<T>(blob);
  if (!value) return;
  const Drep drep = blob[1] == ndr::kPickleLittleEndian ? Drep::little() : Drep::big();
  auto bytes = ndr::pickle_encode(*value, drep);
  if (!bytes) std::abort();
  auto back = ndr::pickle_decode<T>(*bytes);
  if (!back || !(*back == *value)) std::abort();
  auto again = ndr::pickle_encode(*back, drep);
  if (!again || *again != *bytes) std::abort();
  (void)value->describe();
}

}  // namespace rampart::fuzz
