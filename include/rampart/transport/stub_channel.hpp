// The runtime::StubChannel of a BlockingClient and the
// runtime::AsyncStubChannel of an AsyncClient, for the client proxies
// rampart-idl generates: `conformance_client proxy(transport::stub_channel(c));`
// after `c.connect(...)` and `c.bind(syntax)`. The proxies marshal in the
// transfer syntax the server accepted (ClientOptions::transfer_syntaxes
// offers NDR20, NDR64 or both) and in ClientOptions::drep.
#pragma once

#include <memory>

#include "rampart/runtime/interface_descriptor.hpp"
#include "rampart/transport/client.hpp"

namespace rampart::transport {

/// The client must outlive the channel; each call blocks until its answer
/// (bounded by ClientOptions::call_timeout).
inline runtime::StubChannel stub_channel(BlockingClient& client) {
  auto call = [&client](const SyntaxId& interface, std::uint16_t opnum, std::span<const std::uint8_t> stub,
                        const std::optional<Uuid>& object) -> Result<runtime::StubReply> {
    CallRequest request;
    request.interface = interface;
    request.opnum = opnum;
    request.stub.assign(stub.begin(), stub.end());
    request.object = object;
    auto reply = client.call(request);
    if (!reply) return std::unexpected(std::move(reply).error());
    return runtime::StubReply{std::move(reply->stub), reply->drep, reply->fault_status};
  };
  auto negotiated = [&client](const SyntaxId& interface) {
    return client.transfer_syntax(interface).value_or(syntax::kNdr20);
  };
  return runtime::StubChannel(std::move(call), std::move(negotiated), client.options().drep);
}

/// Calls go through AsyncClient::async_call; completions run on the
/// client's io_context. The channel keeps the client alive.
inline runtime::AsyncStubChannel async_stub_channel(std::shared_ptr<AsyncClient> client) {
  runtime::AsyncStubChannel channel;
  channel.drep = client->drep();
  channel.transfer_syntax = [client](const SyntaxId& interface) {
    return client->transfer_syntax(interface).value_or(syntax::kNdr20);
  };
  channel.call = [client](const SyntaxId& interface, std::uint16_t opnum, std::vector<std::uint8_t> stub,
                          const std::optional<Uuid>& object, runtime::AsyncStubChannel::Done done) {
    CallRequest request;
    request.interface = interface;
    request.opnum = opnum;
    request.stub = std::move(stub);
    request.object = object;
    client->async_call(std::move(request), [done = std::move(done)](Result<CallReply> reply) {
      if (!reply) return done(std::unexpected(std::move(reply).error()));
      done(runtime::StubReply{std::move(reply->stub), reply->drep, reply->fault_status});
    });
  };
  return channel;
}

}  // namespace rampart::transport
