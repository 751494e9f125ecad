// Fuzzes the NDR engine directly: arrays, strings, pointers with deferred
// referents, full-pointer aliasing, unions and nesting depth.
//
// Input: one selector octet (low nibble: the shape; bit 4: big-endian
// drep), then the stub. Decodes must fail cleanly or succeed; successful
// string and array decodes must round-trip through the encoder.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "rampart/ndr/construct.hpp"
#include "rampart/ndr/decoder.hpp"
#include "rampart/ndr/encoder.hpp"

namespace {

using namespace rampart;
using ndr::Decoder;
using Bytes = std::vector<std::uint8_t>;

/// struct { long v; [unique] struct Node* next; [unique] short* extra; }
struct Node {
  std::uint32_t v = 0;
  std::unique_ptr<Node> next;
  std::optional<std::uint16_t> extra;
  static Result<void> decode_scalars(Decoder& d, Node& n) {
    n.v = RAMPART_TRY(d.u32());
    if (!RAMPART_TRY(d.unique_pointer()).is_null()) {
      RAMPART_CHECK(d.charge(1, sizeof(Node)));
      n.next = std::make_unique<Node>();
    }
    if (!RAMPART_TRY(d.ref_pointer()).is_null()) n.extra.emplace();
    return {};
  }
  static Result<void> decode_buffers(Decoder& d, Node& n) {
    if (n.extra) *n.extra = RAMPART_TRY(d.u16());
    if (n.next) RAMPART_CHECK(ndr::decode_construct(d, *n.next));
    return {};
  }
};

template <class T>
void array_round_trip(Decoder& d, Drep drep, int kind) {
  Result<std::vector<T>> v = kind == 0 ? d.template conformant_array<T>()
                             : kind == 1 ? d.template varying_array<T>(64)
                                         : d.template conformant_varying_array<T>();
  if (!v) return;
  Bytes out;
  ByteWriter w(out, drep);
  ndr::Encoder e(w);
  if (!e.conformant_varying_array(std::span<const T>(*v), v->size())) std::abort();
  Decoder back(out, drep);
  auto again = back.template conformant_varying_array<T>(v->size(), v->size());
  // Compared as octets: a NaN element is not equal to itself.
  if (!again || again->size() != v->size() ||
      (!v->empty() && std::memcmp(again->data(), v->data(), v->size() * sizeof(T)) != 0))
    std::abort();
}

void strings(Decoder& d, Drep drep, std::uint8_t shape) {
  ndr::StringSpec spec;
  if (shape & 1) spec.fixed_size = 64;
  if (shape & 2) spec.max_length = 16;
  Bytes out;
  ByteWriter w(out, drep);
  ndr::Encoder e(w);
  if (shape & 4) {
    auto s = d.wstring(spec);
    if (!s) return;
    if (!e.wstring(*s, spec)) std::abort();
    Decoder back(out, drep);
    if (auto t = back.wstring(spec); !t || *t != *s) std::abort();
  } else {
    auto s = d.string(spec);
    if (!s) return;
    if (!e.string(*s, spec)) std::abort();
    Decoder back(out, drep);
    if (auto t = back.string(spec); !t || *t != *s) std::abort();
  }
}

void pointers(Decoder& d) {
  for (int i = 0; i < 64; ++i) {
    auto p = d.full_pointer(static_cast<std::uint16_t>(i & 1));
    if (!p) return;
    if (p->first && !p->is_null() && !d.u32()) return;
  }
}

/// union switch (long) { case 1: small; case 2: double; } - other values
/// have no arm.
bool union_arm(Decoder& d, std::uint32_t kind) {
  if (kind == 1) return d.u8().has_value();
  if (kind == 2) return d.f64().has_value();
  return false;  // a stub would return d.unknown_arm() here
}

void unions(Decoder& d) {
  for (int i = 0; i < 16; ++i) {
    auto kind = (i & 1) ? d.encapsulated_union(ndr::DiscriminantWidth::u16, 8)
                        : d.discriminant(ndr::DiscriminantWidth::u32);
    if (!kind || !union_arm(d, *kind)) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t sel = data[0];
  const Drep drep = (sel & 0x10) != 0 ? Drep::big() : Drep::little();
  ndr::DecodeLimits limits;
  limits.max_depth = 16;
  limits.max_alloc_bytes = 1 << 20;
  Decoder d(std::span<const std::uint8_t>(data + 1, size - 1), drep, limits);
  const std::uint8_t shape = sel & 0x0f;
  switch (shape) {
    case 0: case 1: case 2: array_round_trip<std::uint32_t>(d, drep, shape); break;
    case 3: array_round_trip<std::uint16_t>(d, drep, 2); break;
    case 4: array_round_trip<double>(d, drep, 0); break;
    case 5: array_round_trip<std::uint8_t>(d, drep, 2); break;
    case 6: case 7: strings(d, drep, static_cast<std::uint8_t>(data[size - 1] & 7)); break;
    case 8: {
      Node n;
      (void)ndr::decode_construct(d, n);
      if (d.depth() != 0) std::abort();
      break;
    }
    case 9: {
      auto count = d.conformance();
      if (count) (void)ndr::decode_elements<Node>(d, *count, 12);
      if (d.depth() != 0) std::abort();
      break;
    }
    case 10: pointers(d); break;
    case 11: unions(d); break;
    default: {
      auto h = d.context_handle();
      if (h) (void)d.in_range(h->attributes, 0u, 1u);
      (void)d.enum16();
      (void)d.finish();
    }
  }
  if (d.allocated() > limits.max_alloc_bytes) std::abort();
  return 0;
}
