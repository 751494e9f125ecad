// TCP streams out of a pcap or pcapng capture (libpcap's pcap_open_offline
// family reads both). Each connection's two directions are reassembled by
// sequence number: retransmissions and the duplicates a loopback or "any"
// capture shows are dropped, out-of-order segments wait for the gap before
// them, and a gap that never fills ends that direction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "input.hpp"

namespace rampart::cli {

/// The chunks of every TCP connection that carried payload, two per
/// connection (client to server first), streams numbered from `first_stream`
/// in the order the connections were first seen. The client is the side
/// that sent the SYN or, without one, the side that sent payload first.
[[nodiscard]] std::optional<LoadedInput> read_pcap(const std::string& name, const std::vector<std::uint8_t>& bytes,
                                                   std::size_t first_stream, const InputLimits& limits,
                                                   std::string& error);

}  // namespace rampart::cli
