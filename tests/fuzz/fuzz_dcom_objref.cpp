// Fuzzes ObjRef::decode ([MS-DCOM] 2.2.18; docs/hardening.md C9). An OBJREF
// that decodes must encode to an OBJREF that decodes to the same value
// (octets may differ: an empty binding list is one zero or two, and
// OBJREF_EXTENDED's padding is re-encoded as zeros); hostile input is only
// ever an error result.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rampart/dcom/objref.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rampart::dcom::ObjRefLimits limits;
  limits.max_custom_data = 4096;
  limits.max_element_data = 4096;
  const std::span<const std::uint8_t> in(data, size);
  auto o = rampart::dcom::ObjRef::decode(in, limits);
  if (!o) return 0;
  (void)o->describe();
  auto bytes = o->encode(limits);
  if (!bytes) std::abort();
  auto again = rampart::dcom::ObjRef::decode(*bytes, limits);
  if (!again || *again != *o) std::abort();
  return 0;
}
