// The association state machine driven by an arbitrary client byte stream,
// fed in pieces the input chooses, with a registered interface that answers
// inline, late, with faults, or by throwing. Invariants: every octet the
// server sends decodes as a PDU; after close nothing more is sent; memory
// held per connection stays within ServerLimits.
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <span>

#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/association.hpp"

namespace {

using namespace rampart;
using namespace rampart::runtime;

const SyntaxId kEpm{Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

class FuzzInterface : public Interface {
 public:
  const SyntaxId& syntax() const noexcept override { return kEpm; }
  std::string_view name() const noexcept override { return "fuzz"; }
  std::uint16_t operation_count() const noexcept override { return 8; }
  void call(const CallContext& ctx, Responder responder) override {
    switch (ctx.opnum % 4) {
      case 0: responder.respond(CallOutcome::success({ctx.stub.begin(), ctx.stub.end()})); break;
      case 1: later.push_back(std::move(responder)); break;
      case 2: responder.respond(CallOutcome::fault(0x6f7)); break;
      default: throw std::runtime_error("handler bug");
    }
    if (later.size() > 4) later.pop_front();  // dropped responders fail their calls
  }
  std::deque<Responder> later;
};

// Every octet the server sends must be whole, decodable PDUs.
void check_output(const runtime::Output& out) {
  auto pdus = pdu::split_pdus(out.send);
  if (!pdus) std::abort();
  for (auto p : *pdus)
    if (!pdu::decode(p)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  ServerLimits limits;
  limits.max_contexts = 8;
  limits.max_pending_calls = 4;
  limits.fragments.max_stub = 64u << 10;
  static ServerCore core(limits);  // shared like a real server's
  static auto iface = std::make_shared<FuzzInterface>();
  static bool registered = (core.interfaces.add(iface), true);
  (void)registered;
  std::deque<std::function<void(Output&)>> posted;
  PeerInfo peer;
  peer.local_endpoint = "135";
  const std::size_t piece = 1 + data[0] % 128;
  const bool answer_late = data[1] & 1;
  std::span<const std::uint8_t> stream(data + 2, size - 2);
  {
    Association a(core, peer, [&](std::function<void(Output&)> t) { posted.push_back(std::move(t)); });
    while (!stream.empty() && a.state() != Association::State::closed) {
      Output out;
      a.on_bytes(stream.first(std::min(piece, stream.size())), out);
      stream = stream.subspan(std::min(piece, stream.size()));
      if (answer_late && !iface->later.empty()) {
        iface->later.front().respond(CallOutcome::success({1, 2, 3}));
        iface->later.pop_front();
      }
      while (!posted.empty()) {
        auto task = std::move(posted.front());
        posted.pop_front();
        task(out);
      }
      check_output(out);
      if (a.pending_calls() > limits.max_pending_calls + limits.fragments.max_concurrent_calls) std::abort();
    }
    iface->later.clear();
  }
  // Late answers to a closed association are dropped, never delivered.
  for (auto& t : posted) {
    Output out;
    t(out);
    if (!out.send.empty()) std::abort();
  }
  return 0;
}
