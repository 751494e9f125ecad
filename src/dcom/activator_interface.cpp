// The IRemoteSCMActivator interface rampartd serves: the generated
// dispatcher, except that an activation of an out-of-process class is
// checked here on the transport thread (activator.hpp steps 1-4) and
// forwarded to its class server on a bounded pool, so a slow or hung class
// server never blocks the event loop (docs/hardening.md C16).
#include <memory>

#include "rampart/dcom/activator.hpp"
#include "pooled_dispatcher.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/runtime/stub_codecs.hpp"

namespace rampart::dcom {

namespace ra = spec::remact;
using runtime::CallContext;
using runtime::CallOutcome;

namespace {

ndr::DecodeLimits activator_decode_limits() {
  ndr::DecodeLimits l;
  // One activation blob (64 KiB at most, ActivationLimits) and ORPCTHIS.
  l.max_alloc_bytes = 256 * 1024;
  l.max_array_elements = 128 * 1024;
  l.max_depth = 16;
  return l;
}

class ActivatorInterface final : public PooledDispatcher {
 public:
  ActivatorInterface(std::shared_ptr<Activator> activator, std::size_t threads, std::size_t queue)
      : PooledDispatcher(std::make_shared<ra::IRemoteSCMActivator_dispatcher>(activator, activator_decode_limits()),
                         threads, queue),
        activator_(std::move(activator)) {}

  void call(const CallContext& ctx, runtime::Responder responder) override {
    const bool activation =
        ctx.opnum == static_cast<std::uint16_t>(ra::IRemoteSCMActivator_opnum::RemoteCreateInstance) ||
        ctx.opnum == static_cast<std::uint16_t>(ra::IRemoteSCMActivator_opnum::RemoteGetClassObject);
    if (!activation || !activator_->forwarder()) return inner_->call(ctx, std::move(responder));
    if (ctx.transfer_syntax == syntax::kNdr64) return handle<ndr::Ndr64>(ctx, std::move(responder));
    handle<ndr::Ndr20>(ctx, std::move(responder));
  }

 private:
  template <ndr::WireFormat F>
  void handle(const CallContext& ctx, runtime::Responder responder) {
    if (ctx.opnum == static_cast<std::uint16_t>(ra::IRemoteSCMActivator_opnum::RemoteCreateInstance))
      return handle_op<F, ra::RemoteCreateInstance_request, ra::RemoteCreateInstance_response>(
          ctx, std::move(responder), false);
    handle_op<F, ra::RemoteGetClassObject_request, ra::RemoteGetClassObject_response>(ctx, std::move(responder), true);
  }

  template <ndr::WireFormat F, class Request, class Response>
  void handle_op(const CallContext& ctx, runtime::Responder responder, bool class_object) {
    auto request = ndr::decode_request_stub<Request, F>(ctx.stub, ctx.drep, activator_decode_limits());
    if (!request) return responder.respond(runtime::stub_fault(request.error()));
    auto props = activator_->check_request(ctx, request->orpcthis, request->pActProperties);
    const auto security = call_security(ctx);
    // Refusals, the launch list's included, are answered (and logged) by
    // the activator itself; only an admitted activation is forwarded.
    if (!props || !activator_->forwarder()->forwards(props->clsid) ||
        !activator_->permissions()->current()->may_launch(props->clsid, security.principal))
      return inner_->call(ctx, std::move(responder));
    auto slot = std::make_shared<runtime::Responder>(std::move(responder));
    const Drep drep = ctx.drep;
    auto job = [activator = activator_, peer = ctx.peer, drep, slot,
                forward = ForwardRequest{props->clsid, props->iids, security.level, security.principal, class_object}] {
      Response out;
      auto reply = activator->forward(peer, forward);
      if (reply)
        out.ppActProperties = std::move(*reply);
      else
        out.return_value = static_cast<std::int32_t>(reply.error());
      slot->respond(runtime::stub_reply<F>(out, drep));
    };
    if (pool_.submit(std::move(job))) return;
    // Every forwarding thread is busy and the queue is full: the server is
    // not answering in time, as far as this client can tell.
    Response out;
    out.return_value = static_cast<std::int32_t>(kServerExecFailure);
    slot->respond(runtime::stub_reply<F>(out, drep));
  }

  std::shared_ptr<Activator> activator_;
};

}  // namespace

std::shared_ptr<runtime::Interface> make_activator_interface(std::shared_ptr<Activator> activator,
                                                             std::size_t forward_threads, std::size_t forward_queue) {
  return std::make_shared<ActivatorInterface>(std::move(activator), forward_threads, forward_queue);
}

}  // namespace rampart::dcom
