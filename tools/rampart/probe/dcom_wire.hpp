// DCOM requests for the probes on port 135 ([MS-DCOM] 3.1.2.5): binds of
// IObjectExporter, IRemoteSCMActivator and IActivation, and their stubs,
// encoded with the stubs generated from idl/ms-dcom, with the one field a
// probe is about overwritten afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/drep.hpp"
#include "rampart/base/uuid.hpp"
#include "wire.hpp"

namespace rampart::probe::dcom_wire {

using wire::Octets;

/// The context ids the DCOM interfaces are bound on, after the preamble's
/// endpoint-mapper context 0.
inline constexpr std::uint16_t kExporterContext = 5;
inline constexpr std::uint16_t kScmContext = 6;
inline constexpr std::uint16_t kActivationContext = 7;

/// Opnums ([MS-DCOM] 3.1.2.5.1, 3.1.2.5.2.3).
inline constexpr std::uint16_t kResolveOxid2 = 4;
inline constexpr std::uint16_t kServerAlive2 = 5;
inline constexpr std::uint16_t kRemoteCreateInstance = 4;
inline constexpr std::uint16_t kRemoteActivation = 0;

/// A class id no registry holds: the probes never ask for a real class.
extern const Uuid kProbeClsid;

/// An alter_context adding one DCOM interface (version 0.0, NDR20) as `context_id`.
[[nodiscard]] Octets exporter_alter(std::uint32_t call_id);
[[nodiscard]] Octets scm_alter(std::uint32_t call_id);
[[nodiscard]] Octets activation_alter(std::uint32_t call_id);

/// The activation properties blob of an activation of kProbeClsid for
/// IUnknown ([MS-DCOM] 2.2.22: dwSize, dwReserved, CustomHeader, then
/// InstantiationInfoData, ActivationContextInfoData, LocationInfoData,
/// ScmRequestInfoData), the shape Impacket sends.
[[nodiscard]] Octets activation_blob();
/// Offset of CustomHeader.totalSize inside activation_blob().
inline constexpr std::size_t kBlobTotalSizeOffset = 8 + 16;

/// An OBJREF_CUSTOM of CLSID_ActivationPropertiesIn around `blob`
/// ([MS-DCOM] 2.2.18.6).
[[nodiscard]] Octets act_properties_objref(std::span<const std::uint8_t> blob);

/// RemoteCreateInstance's stub: ORPCTHIS `major`.`minor`, no pUnkOuter,
/// pActProperties = `objref` (NULL when empty).
[[nodiscard]] Octets create_instance_stub(std::optional<Octets> objref, std::uint16_t major = 5,
                                          std::uint16_t minor = 7);
/// RemoteActivation's stub for kProbeClsid and IUnknown, protseq ncacn_ip_tcp.
[[nodiscard]] Octets remote_activation_stub(std::optional<std::u16string> object_name, std::uint16_t major = 5,
                                            std::uint16_t minor = 7);
/// ResolveOxid2 of `oxid`, protseq ncacn_ip_tcp.
[[nodiscard]] Octets resolve_oxid2_stub(std::uint64_t oxid);

/// RemoteActivation's phr (the activation's own result; the call's
/// error_status_t comes last), when the response decodes.
[[nodiscard]] std::optional<std::uint32_t> remote_activation_phr(std::span<const std::uint8_t> stub, Drep drep);

/// What ServerAlive2 answered ([MS-DCOM] 3.1.2.5.1.6).
struct AliveInfo {
  std::uint32_t status = 0;
  std::uint16_t major = 0;
  std::uint16_t minor = 0;
  std::vector<std::string> bindings;  // "tower_id:address", string bindings first, then "sec:..."
};
[[nodiscard]] std::optional<AliveInfo> server_alive2_reply(std::span<const std::uint8_t> stub, Drep drep);

}  // namespace rampart::probe::dcom_wire
