// What `rampart explain` reads: PDUs as raw octets, as hex text (the
// tests/golden .hex format, '#' comments), or TCP streams in a pcap/pcapng
// capture. Every input becomes chunks: runs of octets sent in one direction
// of one conversation, in the order they were seen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::cli {

enum class Direction : std::uint8_t {
  client_to_server,
  server_to_client,
  unknown,  // decided per PDU from its PTYPE
};
[[nodiscard]] std::string_view to_string(Direction d) noexcept;  // "c2s", "s2c", "?"

enum class InputFormat : std::uint8_t { automatic, raw, hex, pcap };
[[nodiscard]] std::optional<InputFormat> parse_input_format(std::string_view text) noexcept;

/// Octets of one direction of one conversation, with where each part of
/// them came from (a capture frame number), so PDUs can be ordered across
/// the two directions by the frame that carried their first octet.
struct Chunk {
  std::size_t stream = 0;  // conversation number, from 0
  Direction direction = Direction::unknown;
  std::string source;       // file name, or "frames a-b" for captures
  std::vector<std::uint8_t> bytes;
  /// (offset into bytes, frame number) at each point a new frame starts.
  std::vector<std::pair<std::size_t, std::size_t>> frames;
  /// Set when the capture lost octets of this direction (a sequence gap);
  /// the octets after the gap are dropped.
  std::optional<std::string> gap;

  /// The frame that carried bytes[offset], or 0 when unknown.
  [[nodiscard]] std::size_t frame_at(std::size_t offset) const noexcept;
};

/// Bounds on what explain reads, so a hostile capture cannot exhaust memory.
struct InputLimits {
  std::size_t max_file_octets = 256u << 20;     // a whole input file
  std::size_t max_stream_octets = 64u << 20;    // one direction of one TCP connection
  std::size_t max_connections = 4096;           // TCP connections in one capture
  std::size_t max_out_of_order = 4096;          // buffered out-of-order segments per direction
};

struct LoadedInput {
  std::vector<Chunk> chunks;
  std::vector<std::string> notes;  // non-fatal remarks (skipped packets, gaps)
};

/// Reads all of `path` ("-" is standard input), at most `max` octets.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> read_all(const std::string& path, std::size_t max,
                                                                std::string& error);

/// The format of `bytes` when `wanted` is automatic: pcap and pcapng by
/// their magic numbers, hex when the text parses as hex, raw otherwise.
[[nodiscard]] InputFormat detect_format(const std::vector<std::uint8_t>& bytes) noexcept;

/// The direction a golden file's name gives ("03-c2s-request.hex"), if any.
[[nodiscard]] Direction direction_from_name(std::string_view path) noexcept;

/// Turns one file's octets into chunks. Raw and hex inputs give one chunk
/// in `stream`; captures give two per TCP connection, numbered from
/// `stream`. Fails with a message when the input cannot be read at all.
[[nodiscard]] std::optional<LoadedInput> load_input(const std::string& name, std::vector<std::uint8_t> bytes,
                                                    InputFormat format, std::size_t stream,
                                                    const InputLimits& limits, std::string& error);

}  // namespace rampart::cli
