// Fuzzes every EPM v3 and mgmt v1 request and response codec.
//
// Input: one selector octet, then the stub. The selector's low five bits
// pick the type (26 types), bit 5 picks big-endian drep. Every successful
// decode must re-encode, decode back to an equal value and re-encode to
// the same octets; describe() must not fail. Anything else aborts, since
// it is a broken invariant, never a property of the input.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rampart/interfaces/epm.hpp"
#include "rampart/interfaces/mgmt.hpp"

namespace {

using namespace rampart;

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
    exercise<epm::EptInsertRequest>,          exercise<epm::EptInsertResponse>,
    exercise<epm::EptDeleteRequest>,          exercise<epm::EptDeleteResponse>,
    exercise<epm::EptLookupRequest>,          exercise<epm::EptLookupResponse>,
    exercise<epm::EptMapRequest>,             exercise<epm::EptMapResponse>,
    exercise<epm::EptLookupHandleFreeRequest>, exercise<epm::EptLookupHandleFreeResponse>,
    exercise<epm::EptInqObjectRequest>,       exercise<epm::EptInqObjectResponse>,
    exercise<epm::EptMgmtDeleteRequest>,      exercise<epm::EptMgmtDeleteResponse>,
    exercise<epm::EptMapAuthRequest>,         exercise<epm::EptMapAuthResponse>,
    exercise<mgmt::InqIfIdsRequest>,          exercise<mgmt::InqIfIdsResponse>,
    exercise<mgmt::InqStatsRequest>,          exercise<mgmt::InqStatsResponse>,
    exercise<mgmt::IsServerListeningRequest>, exercise<mgmt::IsServerListeningResponse>,
    exercise<mgmt::StopServerListeningRequest>, exercise<mgmt::StopServerListeningResponse>,
    exercise<mgmt::InqPrincNameRequest>,      exercise<mgmt::InqPrincNameResponse>,
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
