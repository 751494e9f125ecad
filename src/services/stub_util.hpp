// Shared by the service handlers: decode a request stub, encode a response
// stub, and turn a decode error into the fault the fault policy names.
#pragma once

#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/runtime/fault_policy.hpp"
#include "rampart/runtime/interface.hpp"

namespace rampart::services::detail {

/// The fault for a stub that does not unmarshal: runtime::react decides
/// (an ndr or base error in a call is rpc_x_bad_stub_data, C10).
inline runtime::CallOutcome bad_stub(const Error& e) {
  const runtime::Reaction r = runtime::react(e, runtime::Phase::in_call);
  if (r.kind != runtime::Reaction::Kind::fault || r.fault_status == 0)
    return runtime::CallOutcome::fault(pdu::status::kRpcBadStubData);
  return runtime::CallOutcome::fault(r.fault_status, r.did_not_execute);
}

/// Encodes [out] parameters in the request's data representation (the
/// response carries the request's drep, C706 14.1).
template <class T>
runtime::CallOutcome reply(const T& value, Drep drep) {
  auto stub = ndr::encode_stub(value, drep);
  // Encoding our own values only fails on a broken invariant.
  if (!stub) return runtime::CallOutcome::fault(pdu::status::kRpcCallFailed);
  return runtime::CallOutcome::success(std::move(*stub));
}

}  // namespace rampart::services::detail
