// Fuzzes every EPM v3 and mgmt v1 request and response codec rampartd
// serves: the code generated from idl/c706/epm.idl and mgmt.idl.
//
// Input: one selector octet, then the stub. The selector's low five bits
// pick the type (26 types), bit 5 picks big-endian drep. Every successful
// decode must re-encode, decode back to an equal value and re-encode to
// the same octets; describe() must not fail. Anything else aborts, since
// it is a broken invariant, never a property of the input.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "epm.hpp"
#include "mgmt.hpp"
#include "rampart/ndr/stub.hpp"

namespace {

using namespace rampart;
namespace epm = spec::epm;
namespace mgmt = spec::mgmt;

template <class T>
void exercise(std::span<const std::uint8_t> stub, Drep drep) {
  auto v = ndr::decode_stub<T>(stub, drep);
  if (!v) return;
  (void)v->describe();
  auto bytes = ndr::encode_stub(*v, drep);
  if (!bytes) std::abort();
  auto back = ndr::decode_stub<T>(*bytes, drep);
  if (!back || !(*back == *v)) std::abort();
  auto again = ndr::encode_stub(*back, drep);
  if (!again || *again != *bytes) std::abort();
}

using Exercise = void (*)(std::span<const std::uint8_t>, Drep);

constexpr Exercise kTypes[] = {
    exercise<epm::ept_insert_request>,          exercise<epm::ept_insert_response>,
    exercise<epm::ept_delete_request>,          exercise<epm::ept_delete_response>,
    exercise<epm::ept_lookup_request>,          exercise<epm::ept_lookup_response>,
    exercise<epm::ept_map_request>,             exercise<epm::ept_map_response>,
    exercise<epm::ept_lookup_handle_free_request>, exercise<epm::ept_lookup_handle_free_response>,
    exercise<epm::ept_inq_object_request>,       exercise<epm::ept_inq_object_response>,
    exercise<epm::ept_mgmt_delete_request>,      exercise<epm::ept_mgmt_delete_response>,
    exercise<epm::ept_map_auth_request>,         exercise<epm::ept_map_auth_response>,
    exercise<mgmt::rpc__mgmt_inq_if_ids_request>,          exercise<mgmt::rpc__mgmt_inq_if_ids_response>,
    exercise<mgmt::rpc__mgmt_inq_stats_request>,          exercise<mgmt::rpc__mgmt_inq_stats_response>,
    exercise<mgmt::rpc__mgmt_is_server_listening_request>, exercise<mgmt::rpc__mgmt_is_server_listening_response>,
    exercise<mgmt::rpc__mgmt_stop_server_listening_request>, exercise<mgmt::rpc__mgmt_stop_server_listening_response>,
    exercise<mgmt::rpc__mgmt_inq_princ_name_request>,      exercise<mgmt::rpc__mgmt_inq_princ_name_response>,
};
constexpr std::size_t kTypeCount = sizeof(kTypes) / sizeof(kTypes[0]);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::size_t type = (selector & 0x1f) % kTypeCount;
  const Drep drep = (selector & 0x20) != 0 ? Drep::big() : Drep::little();
  kTypes[type](std::span<const std::uint8_t>(data + 1, size - 1), drep);
  return 0;
}
