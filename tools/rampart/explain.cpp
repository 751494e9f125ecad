#include "explain.hpp"

#include <algorithm>
#include <map>
#include <span>

#include <fmt/format.h>

#include "conversation.hpp"
#include "rampart/pdu/pdu.hpp"

namespace rampart::cli {

namespace {

// One PDU's octets (or the unsplittable rest of a direction) and where they came from.
struct Unit {
  const Chunk* chunk = nullptr;
  std::size_t offset = 0;
  std::span<const std::uint8_t> bytes;
  std::size_t frame = 0;
  std::size_t order = 0;  // position in the input, for a stable order without frames
};

// Splits a chunk at each frag_length (pdu::split_pdus). When the octets end
// inside a PDU or a frag_length is impossible, the PDUs before it are kept
// and the rest becomes one unit that decode will refuse with its rule.
std::vector<std::span<const std::uint8_t>> split_chunk(std::span<const std::uint8_t> bytes) {
  auto whole = pdu::split_pdus(bytes);
  if (whole) return std::move(*whole);
  // split_pdus reports the offset of the bad PDU, or of its frag_length
  // field (8 octets in); the first split that succeeds is the good prefix.
  const std::size_t at = whole.error().offset();
  for (std::size_t start : {at >= 8 ? at - 8 : at, at}) {
    if (start > bytes.size()) continue;
    auto prefix = pdu::split_pdus(bytes.first(start));
    if (!prefix) continue;
    prefix->push_back(bytes.subspan(start));
    return std::move(*prefix);
  }
  return {bytes};
}

std::vector<Unit> units_of(const std::vector<Chunk>& chunks) {
  std::vector<Unit> units;
  for (const Chunk& c : chunks) {
    std::size_t offset = 0;
    for (auto pdu : split_chunk(c.bytes)) {
      units.push_back(Unit{&c, offset, pdu, c.frame_at(offset), units.size()});
      offset += pdu.size();
    }
  }
  // Within a conversation, PDUs go in the order their first octet was
  // captured; inputs without frames keep the order they were given in.
  std::stable_sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
    if (a.chunk->stream != b.chunk->stream) return a.chunk->stream < b.chunk->stream;
    return a.frame < b.frame;  // all 0 without a capture: the given order stays
  });
  return units;
}

}  // namespace

std::size_t ExplainResult::violations() const noexcept {
  return static_cast<std::size_t>(std::count_if(pdus.begin(), pdus.end(), [](const PduReport& r) { return r.violation.has_value(); }));
}

ExplainResult explain(const std::vector<Chunk>& chunks) {
  ExplainResult out;
  std::map<std::size_t, Conversation> conversations;
  for (const Chunk& c : chunks)
    if (c.gap) out.notes.push_back(fmt::format("{} ({}): {}", c.source, to_string(c.direction), *c.gap));
  for (const Unit& u : units_of(chunks)) {
    PduReport r;
    r.index = out.pdus.size() + 1;
    r.stream = u.chunk->stream;
    r.direction = u.chunk->direction;
    if (r.direction == Direction::unknown)
      r.direction = direction_of_ptype(u.bytes.size() > 2 ? u.bytes[2] : 0);
    r.source = u.chunk->source;
    r.offset = u.offset;
    r.frame = u.frame;
    r.length = u.bytes.size();
    conversations[r.stream].explain(u.bytes, r.direction, r);
    out.pdus.push_back(std::move(r));
  }
  return out;
}

}  // namespace rampart::cli
