// The DCOM reaction table (fault_policy.hpp). Each row cites its source.
#include "rampart/dcom/fault_policy.hpp"

#include "rampart/dcom/errc.hpp"
#include "rampart/dcom/hresult.hpp"

namespace rampart::dcom {

namespace {

constexpr DcomReaction status(std::uint32_t code) noexcept { return {DcomReaction::Kind::status, code}; }
constexpr DcomReaction fault(std::uint32_t code) noexcept { return {DcomReaction::Kind::fault, code}; }
constexpr std::uint32_t kRpcBadStubData = 0x000006f7;  // RPC_X_BAD_STUB_DATA, as runtime::react

DcomReaction react_dcom(Errc e) noexcept {
  switch (e) {
    // [MS-DCOM] 3.2.4.1.2: an OBJREF the receiver cannot unmarshal is
    // RPC_E_INVALID_OBJREF; a DUALSTRINGARRAY travels inside one.
    case Errc::objref_truncated:
    case Errc::objref_bad_signature:
    case Errc::objref_bad_flags:
    case Errc::objref_null_iid:
    case Errc::objref_trailing_bytes:
    case Errc::objref_bad_extended:
    case Errc::objref_custom_too_large:
    case Errc::dsa_truncated:
    case Errc::dsa_too_large:
    case Errc::dsa_bad_security_offset:
    case Errc::dsa_missing_terminator:
    case Errc::dsa_bad_binding:
    case Errc::dsa_too_many_bindings:
    case Errc::dsa_name_too_long: return fault(hr::kInvalidObjref);
    // [MS-DCOM] 1.7: a COMVERSION major other than 5 fails the
    // call with RPC_E_VERSION_MISMATCH, as a fault (Windows sends it so).
    case Errc::version_mismatch: return fault(hr::kVersionMismatch);
    // [MS-DCOM] 3.1.2.5.1: the object resolver returns these as its
    // error_status_t.
    case Errc::unknown_oxid: return status(hr::kOrInvalidOxid);
    case Errc::unknown_oid: return status(hr::kOrInvalidOid);
    case Errc::unknown_set: return status(hr::kOrInvalidSet);
    case Errc::too_many_sets:
    case Errc::too_many_oids_in_set:
    case Errc::too_many_objects: return status(hr::kOutOfMemory);
    // [MS-DCOM] 3.1.1.5.6: an IPID the exporter does not hold.
    case Errc::unknown_ipid: return fault(hr::kInvalidIpid);
    case Errc::bad_reference_count: return status(hr::kInvalidArg);
    // [MS-DCOM] 3.1.1.5.4: an ORPC call below the object exporter's
    // authentication level; a fault, as the call never reaches the object.
    case Errc::below_authn_level: return fault(hr::kAccessDenied);
    // [MS-DCOM] 3.1.1.5.4: the caller is not in the access list of the
    // object's class; the same fault as a call below the level.
    case Errc::access_denied: return fault(hr::kAccessDenied);
    // [MS-DCOM] 3.1.2.5.2.3.2: activation properties that do not parse;
    // Rampart faults the call (E_INVALIDARG) and serves the next one.
    case Errc::actprop_bad_sizes:
    case Errc::actprop_bad_property:
    case Errc::actprop_unknown_property:
    case Errc::actprop_missing_property:
    case Errc::actprop_bad_value: return fault(hr::kInvalidArg);
    // Only a client reports these, about a server's answer; a server never
    // raises them, so the row exists for completeness of the table.
    case Errc::unusable_binding:
    case Errc::call_failed: return fault(kRpcBadStubData);
  }
  return fault(kRpcBadStubData);
}

}  // namespace

DcomReaction react(const Error& error) noexcept {
  if (error.domain() == ErrorDomain::dcom) return react_dcom(error.code_as<Errc>());
  return fault(kRpcBadStubData);
}

}  // namespace rampart::dcom

namespace rampart {
const char* ErrorCodeTraits<dcom::Errc>::name(dcom::Errc e) noexcept {
  using dcom::Errc;
  switch (e) {
    case Errc::objref_truncated: return "objref_truncated";
    case Errc::objref_bad_signature: return "objref_bad_signature";
    case Errc::objref_bad_flags: return "objref_bad_flags";
    case Errc::objref_null_iid: return "objref_null_iid";
    case Errc::objref_trailing_bytes: return "objref_trailing_bytes";
    case Errc::objref_bad_extended: return "objref_bad_extended";
    case Errc::objref_custom_too_large: return "objref_custom_too_large";
    case Errc::dsa_truncated: return "dsa_truncated";
    case Errc::dsa_too_large: return "dsa_too_large";
    case Errc::dsa_bad_security_offset: return "dsa_bad_security_offset";
    case Errc::dsa_missing_terminator: return "dsa_missing_terminator";
    case Errc::dsa_bad_binding: return "dsa_bad_binding";
    case Errc::dsa_too_many_bindings: return "dsa_too_many_bindings";
    case Errc::dsa_name_too_long: return "dsa_name_too_long";
    case Errc::version_mismatch: return "version_mismatch";
    case Errc::unknown_oxid: return "unknown_oxid";
    case Errc::unknown_oid: return "unknown_oid";
    case Errc::unknown_set: return "unknown_set";
    case Errc::unknown_ipid: return "unknown_ipid";
    case Errc::too_many_sets: return "too_many_sets";
    case Errc::too_many_oids_in_set: return "too_many_oids_in_set";
    case Errc::too_many_objects: return "too_many_objects";
    case Errc::bad_reference_count: return "bad_reference_count";
    case Errc::below_authn_level: return "below_authn_level";
    case Errc::access_denied: return "access_denied";
    case Errc::actprop_bad_sizes: return "actprop_bad_sizes";
    case Errc::actprop_bad_property: return "actprop_bad_property";
    case Errc::actprop_unknown_property: return "actprop_unknown_property";
    case Errc::actprop_missing_property: return "actprop_missing_property";
    case Errc::actprop_bad_value: return "actprop_bad_value";
    case Errc::unusable_binding: return "unusable_binding";
    case Errc::call_failed: return "call_failed";
  }
  return "unknown";
}
}  // namespace rampart
