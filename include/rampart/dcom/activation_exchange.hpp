// The client's side of remote activation ([MS-DCOM] 3.2.4.1.1 and
// 2.2.22): the activation properties blob a client sends to
// IRemoteSCMActivator, and the reply blob it reads back, strictly.
//
// Request: an OBJREF_CUSTOM (iid IID_IActivationPropertiesIn, clsid
// CLSID_ActivationPropertiesIn) whose data is dwSize, dwReserved, the
// CustomHeader and the properties, each type-serialized ([MS-RPCE] 2.2.6)
// and padded to 8. By default the four properties Impacket sends, in its
// order: InstantiationInfoData, ActivationContextInfoData, LocationInfoData,
// ScmRequestInfoData. ActivationParams::windows_properties adds
// SpecialPropertiesData and SecurityInfoData and uses the order Windows
// clients send (Special, Instantiation, ActivationContext, Security,
// Location, ScmRequest).
//
// Reply rules (each refusal is a dcom::Errc; the client drops the reply):
//  - an OBJREF_CUSTOM with iid IID_IActivationPropertiesOut and clsid
//    CLSID_ActivationPropertiesOut ([MS-DCOM] 2.2.22, 3.1.2.5.2.3.2);
//  - dwSize is the blob after dwReserved, CustomHeader.totalSize equals it,
//    headerSize is the header's serialized length, headerSize plus pSizes
//    sum to totalSize, each property decodes inside its own slice;
//  - exactly PropsOutInfo and ScmReplyInfoData, each once, nothing else;
//  - PropsOutInfo names the interfaces asked for, in order; each S_OK
//    entry has an interface pointer that is an OBJREF_STANDARD for that
//    IID on the reply's OXID ([MS-DCOM] 3.2.4.1.1.2);
//  - ScmReplyInfoData.remoteReply and pdsaOxidBindings are not NULL
//    ([MS-DCOM] 2.2.22.2.8), the bindings are a strict DUALSTRINGARRAY, the
//    server's COMVERSION negotiates, authnHint is an RPC authentication
//    level (1..6, [MS-RPCE] 2.2.1.1.8).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/dcom/activation_properties.hpp"
#include "rampart/dcom/com_version.hpp"
#include "rampart/dcom/dual_string_array.hpp"
#include "rampart/dcom/objref.hpp"

namespace rampart::dcom {

/// [MS-DCOM] 2.2.22: the interface identifiers of the two property
/// collections, the OBJREF_CUSTOM iid of request and reply.
inline const Uuid kIidActivationPropertiesIn = Uuid::from_string("000001a2-0000-0000-c000-000000000046");
inline const Uuid kIidActivationPropertiesOut = Uuid::from_string("000001a3-0000-0000-c000-000000000046");
/// IUnknown and IClassFactory ([MS-DCOM] 1.9).
inline const Uuid kIidIUnknown = Uuid::from_string("00000000-0000-0000-c000-000000000046");
inline const Uuid kIidIClassFactory = Uuid::from_string("00000001-0000-0000-c000-000000000046");

struct ActivationParams {
  Uuid clsid;
  std::vector<Uuid> iids;  // 1 .. ActivationLimits::max_iids
  ComVersion client_version = kComVersion;
  /// RequestedProtseqs of ScmRequestInfoData: ncacn_ip_tcp.
  std::vector<std::uint16_t> protseqs{kTowerNcacnIpTcp};
  /// ClientImpLevel ([MS-DCOM] 2.2.22.2.4.1): RPC_C_IMP_LEVEL_IDENTIFY (2), as Impacket.
  std::uint32_t imp_level = 2;
  /// CLSCTX_REMOTE_SERVER (0x10) in InstantiationInfoData.classCtx.
  std::uint32_t class_ctx = 0x10;
  /// Adds SpecialPropertiesData and SecurityInfoData (the server name
  /// below, if any) in the order Windows sends.
  bool windows_properties = false;
  std::optional<std::u16string> server_name;
};

/// The defaults above for `clsid` and `iids`.
[[nodiscard]] inline ActivationParams activation_params(const Uuid& clsid, std::vector<Uuid> iids) {
  ActivationParams p;
  p.clsid = clsid;
  p.iids = std::move(iids);
  return p;
}

/// The abData of pActProperties (the packed OBJREF_CUSTOM).
[[nodiscard]] Result<std::vector<std::uint8_t>> encode_activation_request(const ActivationParams& params);

struct ActivatedInterface {
  Uuid iid;
  std::uint32_t hresult = 0;
  std::optional<ObjRefStandard> objref;  // present exactly when hresult is S_OK
};

struct ActivationReply {
  std::uint64_t oxid = 0;
  DualStringArray oxid_bindings;
  Uuid ipid_rem_unknown;
  std::uint32_t authn_hint = 0;
  ComVersion server_version;
  std::vector<ActivatedInterface> interfaces;
};

/// Reads ppActProperties' abData; `requested` are the IIDs asked for.
[[nodiscard]] Result<ActivationReply> parse_activation_reply(std::span<const std::uint8_t> objref,
                                                             std::span<const Uuid> requested,
                                                             const ActivationLimits& limits = {});

}  // namespace rampart::dcom
