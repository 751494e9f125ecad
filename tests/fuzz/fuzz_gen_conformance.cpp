// Fuzzes every request and response codec that rampart-idl generated from
// idl/test/conformance.idl, in NDR20 and NDR64 (generated_interface_fuzz.hpp).
#include "conformance.hpp"
#include "generated_interface_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rampart::fuzz::fuzz_interface(rampart::conformance::conformance_descriptor(), data, size);
  return 0;
}
