// PDU decode -> encode -> decode -> describe. Any PDU that decodes must
// re-encode to octets that decode to an equal value and re-encode
// identically, and must describe without fault. Reserved octets are ignored
// on receipt (C706 12.6) and written as zero, so the first re-encoding may
// differ from the input only there; the golden captures pin byte-exactness
// for what real peers send.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rampart/pdu/pdu.hpp"
#include "rampart/pdu/verification_trailer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rampart;
  const std::span<const std::uint8_t> input(data, size);
  auto pdu = pdu::decode(input);
  if (!pdu) {
    (void)pdu.error().to_string();
    return 0;
  }
  const auto bytes = pdu::encode(*pdu);
  if (bytes.size() != input.size()) std::abort();
  auto again = pdu::decode(bytes);
  if (!again || !(*again == *pdu)) std::abort();
  if (pdu::encode(*again) != bytes) std::abort();
  (void)pdu::describe(*pdu);
  if (const auto* q = pdu->as<pdu::Request>()) {
    auto vt = pdu::find_verification_trailer(q->stub, pdu->header.drep);
    if (vt && *vt) (void)(*vt)->trailer.describe();
  }
  return 0;
}
