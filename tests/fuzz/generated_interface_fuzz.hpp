// One libFuzzer body for every interface rampart-idl generates: it drives
// the interface's descriptor, so a new interface needs only a two-line
// fuzz_gen_<name>.cpp (the shape of Samba's lib/fuzzing/fuzz_ndr_X.c).
//
// Input: a selector octet, then a stub. The selector picks the operation
// (low bits, modulo the count), request or response (bit 5), NDR64 (bit 6)
// and big-endian (bit 7). A stub that decodes must re-encode, decode again
// and re-encode to the same octets, and describe without failing; anything
// else aborts, since it is a broken invariant, never a property of input.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <span>

#include "rampart/runtime/interface_descriptor.hpp"

namespace rampart::fuzz {

inline void fuzz_interface(const runtime::InterfaceDescriptor& itf, const std::uint8_t* data, std::size_t size) {
  if (size == 0 || itf.operations.empty()) return;
  const std::uint8_t selector = data[0];
  const auto& op = itf.operations[(selector & 0x1f) % itf.operations.size()];
  const bool response = (selector & 0x20) != 0;
  const auto& codecs = op.codecs[(selector & 0x40) != 0 ? 1 : 0];
  const Drep drep = (selector & 0x80) != 0 ? Drep::big() : Drep::little();
  const std::span<const std::uint8_t> stub(data + 1, size - 1);
  const auto decode = response ? codecs.decode_response : codecs.decode_request;
  const auto encode = response ? codecs.encode_response : codecs.encode_request;
  const auto describe = response ? codecs.describe_response : codecs.describe_request;
  auto value = decode(stub, drep);
  if (!value) return;
  if (!describe(stub, drep)) std::abort();
  auto bytes = encode(*value, drep);
  if (!bytes) std::abort();
  auto back = decode(*bytes, drep);
  if (!back) std::abort();
  auto again = encode(*back, drep);
  if (!again || *again != *bytes) std::abort();
}

}  // namespace rampart::fuzz
