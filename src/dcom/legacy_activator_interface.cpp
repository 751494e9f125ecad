// The IActivation interface rampartd serves: the generated dispatcher,
// except that a RemoteActivation of an out-of-process class is checked here
// on the transport thread (legacy_activator.hpp) and forwarded to its class
// server on a bounded pool, so a slow or hung class server never blocks
// the event loop (docs/hardening.md C16). Everything else, refusals
// included, is the dispatcher's, so it decodes, bounds and answers exactly
// as without a forwarder.
#include <memory>

#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/legacy_activator.hpp"
#include "pooled_dispatcher.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/stub_codecs.hpp"

namespace rampart::dcom {

namespace sa = spec::activation;
using runtime::CallContext;

namespace {

ndr::DecodeLimits legacy_decode_limits(const ActivationLimits& limits) {
  ndr::DecodeLimits l;
  // The Blaster bound: no name longer than a host name with a port is
  // copied (docs/hardening.md C8).
  l.max_string_length = static_cast<std::uint32_t>(limits.max_name_units);
  l.max_alloc_bytes = 256 * 1024;
  l.max_array_elements = 64 * 1024;
  l.max_depth = 16;
  return l;
}

class LegacyActivatorInterface final : public PooledDispatcher {
 public:
  LegacyActivatorInterface(std::shared_ptr<LegacyActivator> activator, std::size_t threads, std::size_t queue)
      : PooledDispatcher(std::make_shared<sa::IActivation_dispatcher>(activator, legacy_decode_limits(activator->limits())),
                         threads, queue),
        activator_(std::move(activator)),
        limits_(legacy_decode_limits(activator_->limits())) {}

  void call(const CallContext& ctx, runtime::Responder responder) override {
    const bool activation = ctx.opnum == static_cast<std::uint16_t>(sa::IActivation_opnum::RemoteActivation);
    if (!activation || !activator_->forwarder()) return inner_->call(ctx, std::move(responder));
    if (ctx.transfer_syntax == syntax::kNdr64) return handle<ndr::Ndr64>(ctx, std::move(responder));
    handle<ndr::Ndr20>(ctx, std::move(responder));
  }

 private:
  template <ndr::WireFormat F>
  void handle(const CallContext& ctx, runtime::Responder responder) {
    // The same decode limits as the dispatcher's: the Blaster shape fails
    // here and gets the dispatcher's fault below, never a forward.
    auto request = ndr::decode_request_stub<sa::RemoteActivation_request, F>(ctx.stub, ctx.drep, limits_);
    if (!request) return inner_->call(ctx, std::move(responder));
    auto forward = activator_->forwardable(ctx, *request);
    if (!forward) return inner_->call(ctx, std::move(responder));
    auto slot = std::make_shared<runtime::Responder>(std::move(responder));
    const Drep drep = ctx.drep;
    const std::uint32_t interfaces = request->Interfaces;
    auto job = [activator = activator_, peer = ctx.peer, drep, slot, request = std::move(*request),
                forward = std::move(*forward)] {
      slot->respond(runtime::stub_reply<F>(activator->forward(peer, request, forward), drep));
    };
    if (pool_.submit(std::move(job))) return;
    // Every forwarding thread is busy and the queue is full: the server is
    // not answering in time, as far as this client can tell.
    sa::RemoteActivation_response out;
    out.Interfaces = interfaces;
    out.ppInterfaceData.assign(interfaces, std::nullopt);
    out.pResults.assign(interfaces, static_cast<std::int32_t>(hr::kNoInterface));
    out.pServerVersion = {kComVersion.major, kComVersion.minor};
    out.phr = static_cast<std::int32_t>(kServerExecFailure);
    slot->respond(runtime::stub_reply<F>(out, drep));
  }

  std::shared_ptr<LegacyActivator> activator_;
  ndr::DecodeLimits limits_;
};

}  // namespace

std::shared_ptr<runtime::Interface> make_legacy_activator_interface(std::shared_ptr<LegacyActivator> activator,
                                                                    std::size_t forward_threads,
                                                                    std::size_t forward_queue) {
  return std::make_shared<LegacyActivatorInterface>(std::move(activator), forward_threads, forward_queue);
}

}  // namespace rampart::dcom
