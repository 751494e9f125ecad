// Fuzzes parse_activation_reply ([MS-DCOM] 2.2.22, 3.2.4.1.1; docs/hardening.md
// C9): what a DCOM client reads back from a server it activated on. The
// first octet chooses the interfaces asked for (one or two); the rest is
// ppActProperties' abData. Hostile input is only ever an error result; a
// reply that parses answers exactly the interfaces asked for, in order, with
// an OBJREF_STANDARD on the reply's OXID for each S_OK and an authnHint that
// is an authentication level.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rampart/dcom/activation_exchange.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using rampart::Uuid;
  if (size < 1) return 0;
  static const std::array<Uuid, 2> kIids{Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02"),
                                         Uuid::from_string("11111111-2222-3333-4444-555555555555")};
  const std::span<const Uuid> requested(kIids.data(), (data[0] & 1) ? 2 : 1);
  auto r = rampart::dcom::parse_activation_reply(std::span<const std::uint8_t>(data + 1, size - 1), requested);
  if (!r) return 0;
  if (r->interfaces.size() != requested.size()) std::abort();
  if (r->authn_hint < 1 || r->authn_hint > 6) std::abort();
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const auto& itf = r->interfaces[i];
    if (itf.iid != requested[i]) std::abort();
    if ((itf.hresult == 0) != itf.objref.has_value()) std::abort();
    if (itf.objref && itf.objref->std.oxid != r->oxid) std::abort();
  }
  return 0;
}
