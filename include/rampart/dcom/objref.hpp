// OBJREF ([MS-DCOM] 2.2.18): an object reference, packed little-endian
// inside MInterfacePointer.abData, in one of four forms, checked strictly.
//
// Rules (each refusal is an Errc the DCOM fault policy turns into
// RPC_E_INVALID_OBJREF, [MS-DCOM] 3.2.4.1.2):
//  - signature 'MEOW' (0x574f454d); flags exactly one of STANDARD (1),
//    HANDLER (2), CUSTOM (4), EXTENDED (8); iid not GUID_NULL (2.2.18);
//  - standard/handler/extended: a STDOBJREF (2.2.18.2; flags bits other
//    than SORF_NOPING are ignored, as the spec says) and a strict
//    DUALSTRINGARRAY (dual_string_array.hpp);
//  - custom (2.2.18.6): cbExtension 0 is not required (senders differ),
//    the data runs to the end of abData and is at most
//    ObjRefLimits::max_custom_data; `reserved` is kept but not believed;
//  - extended (2.2.18.7): Signature1 and Signature2 0x4e535956, nElms 1,
//    one DATAELEMENT whose cbRounded is cbSize rounded up to 8 and whose
//    data fits;
//  - nothing may follow the form's last field (the OBJREF must fill
//    ulCntData exactly); every length is checked against what remains
//    before anything is copied (docs/hardening.md C9).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/dcom/dual_string_array.hpp"

namespace rampart::dcom {

inline constexpr std::uint32_t kObjRefSignature = 0x574f454d;          // "MEOW"
inline constexpr std::uint32_t kObjRefExtendedSignature = 0x4e535956;  // 2.2.18.7
inline constexpr std::uint32_t kSorfNoPing = 0x00001000;               // 2.2.18.2

struct ObjRefLimits {
  DsaLimits dsa;
  /// OBJREF_CUSTOM data. The activation property blobs are the largest
  /// custom data DCOM itself sends; 64 KiB holds any request with the
  /// [MS-DCOM] 2.2.28.1 limits that a real client builds.
  std::size_t max_custom_data = 64 * 1024;
  /// OBJREF_EXTENDED's one DATAELEMENT (an envoy context, 2.2.18.7).
  std::size_t max_element_data = 64 * 1024;
};

struct StdObjRef {
  std::uint32_t flags = 0;
  std::uint32_t public_refs = 0;
  std::uint64_t oxid = 0;
  std::uint64_t oid = 0;
  Uuid ipid;
  [[nodiscard]] bool no_ping() const noexcept { return (flags & kSorfNoPing) != 0; }
  friend bool operator==(const StdObjRef&, const StdObjRef&) = default;
};

struct ObjRefStandard {
  StdObjRef std;
  DualStringArray resolver_address;  // saResAddr
  friend bool operator==(const ObjRefStandard&, const ObjRefStandard&) = default;
};

struct ObjRefHandler {
  StdObjRef std;
  Uuid clsid;
  DualStringArray resolver_address;
  friend bool operator==(const ObjRefHandler&, const ObjRefHandler&) = default;
};

struct ObjRefCustom {
  Uuid clsid;
  std::uint32_t cb_extension = 0;
  std::uint32_t reserved = 0;
  std::vector<std::uint8_t> object_data;  // pObjectData: the rest of abData
  friend bool operator==(const ObjRefCustom&, const ObjRefCustom&) = default;
};

struct DataElement {
  Uuid data_id;
  std::vector<std::uint8_t> data;  // cbSize octets (the padding is dropped)
  friend bool operator==(const DataElement&, const DataElement&) = default;
};

struct ObjRefExtended {
  StdObjRef std;
  DualStringArray resolver_address;
  DataElement element;
  friend bool operator==(const ObjRefExtended&, const ObjRefExtended&) = default;
};

struct ObjRef {
  Uuid iid;
  std::variant<ObjRefStandard, ObjRefHandler, ObjRefCustom, ObjRefExtended> form;

  /// Decodes abData; it must hold exactly one OBJREF.
  [[nodiscard]] static Result<ObjRef> decode(std::span<const std::uint8_t> data, const ObjRefLimits& limits = {});
  /// The packed form. Refuses what decode() would refuse.
  [[nodiscard]] Result<std::vector<std::uint8_t>> encode(const ObjRefLimits& limits = {}) const;
  /// OBJREF_STANDARD = 1, HANDLER = 2, CUSTOM = 4, EXTENDED = 8.
  [[nodiscard]] std::uint32_t flags() const noexcept;
  [[nodiscard]] std::string describe() const;
  friend bool operator==(const ObjRef&, const ObjRef&) = default;
};

}  // namespace rampart::dcom
