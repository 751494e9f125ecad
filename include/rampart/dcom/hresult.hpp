// Status values DCOM puts on the wire ([MS-ERREF] 2.1 HRESULT and 2.2 Win32
// error codes), named as the specifications name them.
#pragma once

#include <cstdint>

namespace rampart::dcom::hr {

inline constexpr std::uint32_t kOk = 0x00000000;                  // S_OK
inline constexpr std::uint32_t kNoInterface = 0x80004002;         // E_NOINTERFACE
inline constexpr std::uint32_t kAccessDenied = 0x80070005;        // E_ACCESSDENIED
inline constexpr std::uint32_t kOutOfMemory = 0x8007000e;         // E_OUTOFMEMORY
inline constexpr std::uint32_t kInvalidArg = 0x80070057;          // E_INVALIDARG
inline constexpr std::uint32_t kClassNotRegistered = 0x80040154;  // REGDB_E_CLASSNOTREG
inline constexpr std::uint32_t kVersionMismatch = 0x80010110;     // RPC_E_VERSION_MISMATCH
inline constexpr std::uint32_t kInvalidIpid = 0x80010113;         // RPC_E_INVALID_IPID
inline constexpr std::uint32_t kInvalidObjref = 0x8001011d;       // RPC_E_INVALID_OBJREF

// Win32 codes the object resolver returns as error_status_t ([MS-ERREF] 2.2).
inline constexpr std::uint32_t kErrorAccessDenied = 0x00000005;   // ERROR_ACCESS_DENIED
inline constexpr std::uint32_t kOrInvalidOxid = 0x00000776;       // OR_INVALID_OXID (1910)
inline constexpr std::uint32_t kOrInvalidOid = 0x00000777;        // OR_INVALID_OID (1911)
inline constexpr std::uint32_t kOrInvalidSet = 0x00000778;        // OR_INVALID_SET (1912)

}  // namespace rampart::dcom::hr
