#include "rampart/pdu/status.hpp"

namespace rampart::pdu::status {

std::string_view name(std::uint32_t code) noexcept {
  switch (code) {
    case kAccessDenied: return "access_denied";
    case kOutOfMemory: return "out_of_memory";
    case kRpcCallFailed: return "rpc_s_call_failed";
    case kRpcBadStubData: return "rpc_x_bad_stub_data";
    case kNcaOpRangeError: return "nca_s_op_rng_error";
    case kNcaUnknownInterface: return "nca_s_unk_if";
    case kNcaProtoError: return "nca_s_proto_error";
    case kNcaServerTooBusy: return "nca_s_server_too_busy";
    case kNcaUnsupportedType: return "nca_s_unsupported_type";
    case kNcaFaultCancel: return "nca_s_fault_cancel";
    case kNcaContextMismatch: return "nca_s_fault_context_mismatch";
    case kNcaRemoteNoMemory: return "nca_s_fault_remote_no_memory";
    case kSecPkgError: return "rpc_s_sec_pkg_error";
    case kEptNotRegistered: return "ept_s_not_registered";
    default: return {};
  }
}

}  // namespace rampart::pdu::status
