// Fuzzes the codecs rampart-idl generated from the endpoint mapper, mgmt
// and ORPC shape IDLs (idl/test/*_compat.idl, orpc_shapes.idl), in NDR20
// and NDR64. Input: an octet choosing the interface, then the input of
// generated_interface_fuzz.hpp.
#include "epm_compat.hpp"
#include "generated_interface_fuzz.hpp"
#include "mgmt_compat.hpp"
#include "orpc_shapes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const rampart::runtime::InterfaceDescriptor* interfaces[] = {
      &rampart::epm_compat::epm_compat_descriptor(),
      &rampart::mgmt_compat::mgmt_compat_descriptor(),
      &rampart::orpc_shapes::IRemUnknown_shape_descriptor(),
  };
  rampart::fuzz::fuzz_interface(*interfaces[data[0] % 3], data + 1, size - 1);
  return 0;
}
