// The activation properties blob of IRemoteSCMActivator ([MS-DCOM] 2.2.22):
// the OBJREF_CUSTOM data of CLSID_ActivationPropertiesIn, read strictly.
//
// Layout: dwSize, dwReserved, then the CustomHeader (type-serialized,
// [MS-RPCE] 2.2.6), then one type-serialized property per
// CustomHeader.pclsid entry, pSizes[i] octets each. Rules (the MS03-039
// shapes; each refusal faults E_INVALIDARG through dcom::react):
//  - dwSize equals the octets after dwReserved; CustomHeader.totalSize
//    equals dwSize; headerSize equals the CustomHeader's serialized length;
//  - cIfs is 1..10 ([MS-DCOM] 2.2.28.1), pclsid and pSizes hold cIfs
//    entries, and headerSize + the sum of pSizes equals totalSize (64-bit
//    sum, no wrap);
//  - each property is decoded inside its own pSizes slice and must fill it
//    (up to its padding); a pclsid this reader does not know, or one named
//    twice, is refused;
//  - InstantiationInfoData and ScmRequestInfoData must be present, with a
//    non-NULL pIID and remoteRequest; the other six are optional;
//  - at most ActivationLimits::max_iids interfaces; the server name of
//    SecurityInfoData at most ActivationLimits::max_name_units.
// Leniency: a property whose ObjectBufferLength leaves out its final
// padding (Impacket 0.10.0 writes the unpadded length) is read as if the
// length were rounded up to 8, when the slice holds that padding.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/dcom/com_version.hpp"

namespace rampart::dcom {

struct ActivationLimits {
  /// The whole blob; as ObjRefLimits::max_custom_data.
  std::size_t max_blob = 64 * 1024;
  /// Interfaces one activation may ask for. [MS-DCOM] 2.2.28.1 allows
  /// 0x8000; clients ask for one or a few, and each costs an IPID.
  std::uint32_t max_iids = 64;
  /// A server name (SecurityInfoData pServerInfo->pwszName): the Blaster
  /// shape is an overlong name; a DNS name with a port fits in 300 units.
  std::size_t max_name_units = 300;
};

namespace actprop {
inline const Uuid kInstantiationInfo = Uuid::from_string("000001ab-0000-0000-c000-000000000046");
inline const Uuid kSpecialProperties = Uuid::from_string("000001b9-0000-0000-c000-000000000046");
inline const Uuid kInstanceInfo = Uuid::from_string("000001ad-0000-0000-c000-000000000046");
inline const Uuid kScmRequestInfo = Uuid::from_string("000001aa-0000-0000-c000-000000000046");
inline const Uuid kActivationContextInfo = Uuid::from_string("000001a5-0000-0000-c000-000000000046");
inline const Uuid kLocationInfo = Uuid::from_string("000001a4-0000-0000-c000-000000000046");
inline const Uuid kSecurityInfo = Uuid::from_string("000001a6-0000-0000-c000-000000000046");
inline const Uuid kScmReplyInfo = Uuid::from_string("000001b6-0000-0000-c000-000000000046");
inline const Uuid kPropsOutInfo = Uuid::from_string("00000339-0000-0000-c000-000000000046");
inline const Uuid kActivationPropertiesIn = Uuid::from_string("00000338-0000-0000-c000-000000000046");
inline const Uuid kActivationPropertiesOut = Uuid::from_string("00000339-0000-0000-c000-000000000046");
}  // namespace actprop

struct ActivationRequest {
  Uuid clsid;
  std::vector<Uuid> iids;
  ComVersion client_version;
  std::uint32_t client_imp_level = 0;
  std::vector<std::uint16_t> protseqs;
  std::optional<std::u16string> server_name;  // SecurityInfoData, if sent
  std::vector<Uuid> properties;               // the pclsid entries, in order
};

[[nodiscard]] Result<ActivationRequest> parse_activation_properties(std::span<const std::uint8_t> blob,
                                                                    const ActivationLimits& limits = {});

}  // namespace rampart::dcom
