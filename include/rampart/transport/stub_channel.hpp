// The runtime::StubChannel of a BlockingClient, for the client proxies
// rampart-idl generates: `conformance_client proxy(transport::stub_channel(c));`
// after `c.connect(...)` and `c.bind(syntax)`.
#pragma once

#include "rampart/runtime/interface_descriptor.hpp"
#include "rampart/transport/client.hpp"

namespace rampart::transport {

/// The client must outlive the channel; each call blocks until its answer
/// (bounded by ClientOptions::call_timeout).
inline runtime::StubChannel stub_channel(BlockingClient& client) {
  return [&client](const SyntaxId& interface, std::uint16_t opnum, std::span<const std::uint8_t> stub,
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
}

}  // namespace rampart::transport
