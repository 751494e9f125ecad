#include "rampart/pdu/status.hpp"
#include "rampart/runtime/interface.hpp"

namespace rampart::runtime {

void Responder::respond(CallOutcome outcome) {
  if (!slot_) return;
  auto slot = std::move(slot_);
  std::function<void(CallOutcome)> deliver;
  {
    std::lock_guard lock(slot->mutex);
    if (slot->answered) return;
    slot->answered = true;
    if (!slot->call_returned) {
      slot->inline_outcome = std::move(outcome);
      return;
    }
    deliver = slot->deliver;
  }
  if (deliver) deliver(std::move(outcome));
}

Responder::~Responder() {
  // A handler that drops its responder without answering fails the call
  // rather than leaving the client waiting for the call timeout.
  if (slot_) respond(CallOutcome::fault(pdu::status::kRpcCallFailed));
}

}  // namespace rampart::runtime
