// PDUs every benchmark driver sends: the bind that opens each connection.
#pragma once

#include <cstdint>
#include <vector>

#include "rampart/pdu/pdu.hpp"

namespace rampart::bench {

/// max_xmit_frag and max_recv_frag the drivers offer, as Impacket does.
inline constexpr std::uint16_t kBenchFrag = 4280;

/// A bind of EPM v3 as context 0 and mgmt v1 as context 1, NDR20.
[[nodiscard]] pdu::Pdu bind_pdu(std::uint32_t call_id = 1);
/// bind_pdu(1), encoded.
[[nodiscard]] std::vector<std::uint8_t> make_bind();

}  // namespace rampart::bench
