// ClientAssociation fed arbitrary server bytes, during a bind or after one.
// Input: [mode, contexts, piece] then the server's byte stream.
//   mode bit 0: bind completes first with a well-formed bind_ack (the
//               stream is what follows); otherwise the stream answers the bind
//   mode bit 1: request PFC_CONC_MPX
//   mode bit 2: cancel the oldest pending call after every piece
//   mode bit 3: ...as orphaned rather than co_cancel
// Invariants: no crash; every PDU the client produces decodes and respects
// the negotiated size; memory stays bounded (small caps, checked counts).
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>

#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/client_association.hpp"

namespace {

using namespace rampart;

constexpr int kMaxCalls = 64;
const SyntaxId kIface{Uuid::from_string("12345678-1234-abcd-ef00-0123456789ab"), 1, 0};

void check_output(const runtime::Output& out, std::uint16_t max_xmit) {
  auto pieces = pdu::split_pdus(out.send);
  if (!pieces) std::abort();
  for (auto piece : *pieces) {
    if (max_xmit != 0 && piece.size() > max_xmit) std::abort();
    if (!pdu::decode(piece)) std::abort();
  }
}

struct Driver {
  runtime::ClientAssociation client;
  std::vector<std::uint8_t> stub = std::vector<std::uint8_t>(6000, 0x5a);  // two fragments
  int calls = 0;

  explicit Driver(const runtime::ClientLimits& l) : client(l) {}

  void start_calls(std::size_t n) {
    runtime::Output out;
    const auto ctx = client.context_for(kIface);
    for (std::size_t i = 0; i < n && ctx && calls < kMaxCalls; ++i, ++calls) {
      std::span<const std::uint8_t> s(stub.data(), calls % 2 ? stub.size() : 8);
      if (!client.begin_call({std::nullopt, *ctx, 0, std::nullopt, s}, out)) break;
    }
    check_output(out, client.max_xmit_frag());
  }

  void feed(std::span<const std::uint8_t> bytes, std::size_t calls_at_once) {
    std::vector<runtime::ClientEvent> events;
    client.on_bytes(bytes, events);
    if (events.size() > bytes.size()) std::abort();  // every event consumed input (C11)
    for (const auto& e : events) {
      if (std::holds_alternative<runtime::client_event::Bound>(e)) start_calls(calls_at_once);
      if (const auto* c = std::get_if<runtime::client_event::CallCompleted>(&e)) {
        if (c->stub.size() > client.limits().fragments.max_stub) std::abort();
        start_calls(1);
      }
      if (std::holds_alternative<runtime::client_event::CallFaulted>(e)) start_calls(1);
    }
    if (client.pending_calls() > client.limits().max_pending_calls) std::abort();
  }
};

std::vector<std::uint8_t> good_bind_ack(std::size_t contexts, bool conc_mpx) {
  pdu::Pdu p;
  p.header.ptype = pdu::PType::bind_ack;
  p.header.call_id = 1;
  p.header.pfc_flags = pdu::pfc::kFirstLast | (conc_mpx ? pdu::pfc::kConcMpx : 0);
  pdu::BindAck ack{4280, 4280, 0x5150, "135", {}};
  for (std::size_t i = 0; i < contexts; ++i) ack.results.push_back({pdu::ContextResult::acceptance, 0, syntax::kNdr20});
  p.body = std::move(ack);
  return pdu::encode(p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t mode = data[0];
  const std::size_t contexts = 1 + data[1] % 3;
  const std::size_t piece = 1 + data[2] % 251;
  const bool conc_mpx = mode & 2;
  std::span<const std::uint8_t> stream(data + 3, size - 3);

  runtime::ClientLimits limits;
  limits.fragments.max_stub = 64u << 10;  // small caps so the fuzzer reaches them
  limits.fragments.max_fragments = 64;
  limits.max_pending_calls = 4;
  limits.max_buffered = 128u << 10;
  Driver d(limits);

  // Every context offers NDR20, NDR64 and bind-time features, so captured
  // bind_acks (acceptance of either syntax, negotiate_ack) are plausible.
  std::vector<runtime::ClientContext> offer;
  for (std::size_t i = 0; i < contexts; ++i)
    offer.push_back({static_cast<std::uint16_t>(i), kIface,
                     {syntax::kNdr20, syntax::kNdr64, syntax::make_bind_time_feature(3)}});
  runtime::Output out;
  if (!d.client.begin_bind(offer, out, conc_mpx)) std::abort();
  check_output(out, 0);
  const std::size_t at_once = conc_mpx ? 3 : 1;
  if (mode & 1) d.feed(good_bind_ack(contexts, conc_mpx), at_once);

  while (!stream.empty()) {
    const auto chunk = stream.first(std::min(piece, stream.size()));
    d.feed(chunk, at_once);
    stream = stream.subspan(chunk.size());
    if ((mode & 4) && d.client.pending_calls() > 0) {
      runtime::Output c;
      const auto ids = d.client.pending_call_ids();
      (void)d.client.cancel(ids.front(), mode & 8, c);
      check_output(c, d.client.max_xmit_frag());
      if (mode & 8) d.start_calls(1);
    }
  }
  return 0;
}
