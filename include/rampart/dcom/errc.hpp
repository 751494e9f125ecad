// Error codes of the DCOM layer (ErrorDomain::dcom): what a DCOM peer sent
// that Rampart refuses, and exporter states a request cannot change. The
// reaction each one gets on the wire is chosen in one table,
// dcom::react (include/rampart/dcom/fault_policy.hpp).
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::dcom {

enum class Errc : std::uint16_t {
  // OBJREF ([MS-DCOM] 2.2.18): RPC_E_INVALID_OBJREF.
  objref_truncated = 1,      // fewer octets than the form's fixed part
  objref_bad_signature,      // signature is not 'MEOW' (0x574f454d)
  objref_bad_flags,          // flags not exactly one of the four forms
  objref_null_iid,           // iid is GUID_NULL
  objref_trailing_bytes,     // octets after the form's last field
  objref_bad_extended,       // OBJREF_EXTENDED signatures, nElms or DATAELEMENT sizes
  objref_custom_too_large,   // custom data above ObjRefLimits::max_custom_data
  // DUALSTRINGARRAY ([MS-DCOM] 2.2.19): RPC_E_INVALID_OBJREF where it sits in an OBJREF.
  dsa_truncated,             // wNumEntries units do not fit
  dsa_too_large,             // wNumEntries above DsaLimits::max_entries
  dsa_bad_security_offset,   // wSecurityOffset outside 1 .. wNumEntries - 1
  dsa_missing_terminator,    // a binding or a section without its zero
  dsa_bad_binding,           // a zero tower id / authn service where one is required, an empty address
  dsa_too_many_bindings,     // more bindings than DsaLimits::max_bindings
  dsa_name_too_long,         // an address or principal above DsaLimits::max_name_units
  // COMVERSION ([MS-DCOM] 2.2.11, 1.7): RPC_E_VERSION_MISMATCH.
  version_mismatch,
  // Object exporter ([MS-DCOM] 3.1.2.5.1).
  unknown_oxid,              // OR_INVALID_OXID
  unknown_oid,               // OR_INVALID_OID
  unknown_set,               // OR_INVALID_SET
  unknown_ipid,              // RPC_E_INVALID_IPID
  too_many_sets,             // ExporterLimits::max_sets_per_client / max_sets: E_OUTOFMEMORY
  too_many_oids_in_set,      // ExporterLimits::max_oids_per_set: E_OUTOFMEMORY
  too_many_objects,          // ExporterLimits::max_objects: E_OUTOFMEMORY
  bad_reference_count,       // a release of more references than are held: E_INVALIDARG
  below_authn_level,         // an ORPC call below the exporter's level (3.1.1.5.4): E_ACCESSDENIED
  // Activation properties ([MS-DCOM] 2.2.22): fault E_INVALIDARG (the MS03-039 shapes).
  actprop_bad_sizes,         // dwSize, totalSize, headerSize and pSizes disagree with the blob
  actprop_bad_property,      // a property that does not decode inside its own slice
  actprop_unknown_property,  // a pclsid this reader does not know, or one named twice
  actprop_missing_property,  // no InstantiationInfoData or ScmRequestInfoData
  actprop_bad_value,         // a NULL remoteRequest or pIID, too many IIDs, a name too long
  // The client side (dcom_client.hpp): outcomes a server's answer causes, never sent.
  unusable_binding,          // no OXID binding names the target host with a port
  call_failed,               // a method returned a failure HRESULT or error_status_t
  // Permissions (class_permissions.hpp).
  access_denied,             // an object call its class's access list refuses: E_ACCESSDENIED
};

}  // namespace rampart::dcom

namespace rampart {
template <>
struct ErrorCodeTraits<dcom::Errc> {
  static constexpr ErrorDomain domain = ErrorDomain::dcom;
  static const char* name(dcom::Errc e) noexcept;
};
}  // namespace rampart
