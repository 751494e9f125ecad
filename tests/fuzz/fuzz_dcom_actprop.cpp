// Fuzzes parse_activation_properties ([MS-DCOM] 2.2.22; docs/hardening.md
// C9): the CustomHeader's sizes against the blob, each property inside its
// own slice. Hostile input is only ever an error result; a request that
// parses names a class and at least one interface within the limits.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rampart/dcom/activation_properties.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rampart::dcom::ActivationLimits limits;
  auto r = rampart::dcom::parse_activation_properties(std::span<const std::uint8_t>(data, size), limits);
  if (!r) return 0;
  if (r->iids.empty() || r->iids.size() > limits.max_iids) std::abort();
  if (r->properties.empty() || r->properties.size() > 10) std::abort();
  if (r->server_name && r->server_name->size() > limits.max_name_units) std::abort();
  return 0;
}
