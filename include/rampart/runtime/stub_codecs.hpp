// Support for generated interface code (rampart-idl): the type-erased
// codecs an InterfaceDescriptor holds, and the dispatcher's mapping of a
// stub that does not decode to its fault.
#pragma once

#include <any>
#include <span>
#include <string>
#include <vector>

#include "rampart/ndr/errc.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/runtime/client_errc.hpp"
#include "rampart/runtime/fault_policy.hpp"
#include "rampart/runtime/interface.hpp"
#include "rampart/runtime/interface_descriptor.hpp"

namespace rampart::runtime {

template <class T, ndr::WireFormat F>
Result<std::any> erased_decode(std::span<const std::uint8_t> stub, Drep drep) {
  auto v = ndr::decode_stub<T, F>(stub, drep);
  if (!v) return std::unexpected(std::move(v).error());
  return std::any(std::move(*v));
}

template <class T, ndr::WireFormat F>
Result<std::vector<std::uint8_t>> erased_encode(const std::any& value, Drep drep) {
  const T* v = std::any_cast<T>(&value);
  if (v == nullptr) return fail(ndr::Errc::value_too_large, "value is not of this operation's stub type");
  return ndr::encode_stub<T, F>(*v, drep);
}

template <class T, ndr::WireFormat F>
Result<std::string> erased_describe(std::span<const std::uint8_t> stub, Drep drep) {
  auto v = ndr::decode_stub<T, F>(stub, drep);
  if (!v) return std::unexpected(std::move(v).error());
  return v->describe();
}

template <class Request, class Response, ndr::WireFormat F>
constexpr StubCodecs stub_codecs() noexcept {
  return StubCodecs{&erased_decode<Request, F>,   &erased_encode<Request, F>,
                    &erased_decode<Response, F>,  &erased_encode<Response, F>,
                    &erased_describe<Request, F>, &erased_describe<Response, F>};
}

/// The fault for a request stub that does not unmarshal: the fault policy
/// decides (an ndr or base error in a call is rpc_x_bad_stub_data, 0x6f7),
/// and the implementation never runs.
inline CallOutcome stub_fault(const Error& e) {
  const Reaction r = react(e, Phase::in_call);
  if (r.kind != Reaction::Kind::fault || r.fault_status == 0)
    return CallOutcome::fault(pdu::status::kRpcBadStubData);
  return CallOutcome::fault(r.fault_status, r.did_not_execute);
}

/// Encodes [out] parameters in the call's transfer syntax and drep.
template <ndr::WireFormat F, class T>
CallOutcome stub_reply(const T& value, Drep drep) {
  auto stub = ndr::encode_stub<T, F>(value, drep);
  // The implementation's values break an IDL constraint (a count that
  // disagrees with its array): the call fails rather than sending them.
  if (!stub) return CallOutcome::fault(pdu::status::kRpcCallFailed);
  return CallOutcome::success(std::move(*stub));
}

/// A client proxy's request stub, in the transfer syntax the connection's
/// context negotiated and the drep its PDUs carry.
template <class Request>
Result<std::vector<std::uint8_t>> encode_request(const Request& request, const SyntaxId& transfer, Drep drep) {
  if (transfer == syntax::kNdr64) return ndr::encode_stub<Request, ndr::Ndr64>(request, drep);
  if (transfer == syntax::kNdr20) return ndr::encode_stub<Request, ndr::Ndr20>(request, drep);
  return fail(ClientErrc::unknown_context, "the context's transfer syntax is neither NDR20 nor NDR64");
}

/// A client proxy's response: a fault is ClientErrc::call_faulted; the
/// stub is decoded in the context's transfer syntax and the reply's drep.
template <class Response>
Result<Response> decode_reply(const StubReply& reply, const SyntaxId& transfer) {
  if (reply.fault_status != 0) return fail(ClientErrc::call_faulted, "the server answered with a fault");
  if (transfer == syntax::kNdr64) return ndr::decode_stub<Response, ndr::Ndr64>(reply.stub, reply.drep);
  return ndr::decode_stub<Response, ndr::Ndr20>(reply.stub, reply.drep);
}

}  // namespace rampart::runtime
