// The malformed inputs rampart-hostile sends: every tests/golden/malformed
// file (C1, C4, C6 framing and header rules) plus generated cases for
// reassembly size (C2), fragment identity (C3), authentication (C5) and
// context redefinition (C6). Each case is a byte string sent after a valid
// bind, or alone when it is a bind itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rampart::bench {

struct MalformedCase {
  std::string name;
  std::vector<std::uint8_t> bytes;
  bool after_bind = true;  // false when `bytes` starts with its own bind
};

/// `count` request fragments back to back, each of frag_length 4280 on
/// context 0, opnum 3, call_id 1: the first of a request (PFC_FIRST_FRAG only,
/// count 1) or middle ones (no flags). Repeated, middle fragments grow one
/// call's stub without end (C2).
[[nodiscard]] std::vector<std::uint8_t> make_flood_fragments(bool first, std::size_t count);

/// The cases from `malformed_dir` (hex files with '#' comments) followed by
/// the generated ones. Throws std::runtime_error on an unreadable file.
[[nodiscard]] std::vector<MalformedCase> load_cases(const std::string& malformed_dir);

}  // namespace rampart::bench
