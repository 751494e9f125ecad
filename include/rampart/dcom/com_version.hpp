// COMVERSION negotiation ([MS-DCOM] 2.2.11 and 1.7). Versions 5.1 .. 5.7
// exist; a peer with major version 5 and a newer minor is spoken to at the
// newest version both know, any other major version (and 5.0, which was
// never defined) is refused with RPC_E_VERSION_MISMATCH.
#pragma once

#include <cstdint>

#include "rampart/base/error.hpp"

namespace rampart::dcom {

struct ComVersion {
  std::uint16_t major = 5;
  std::uint16_t minor = 7;
  friend bool operator==(const ComVersion&, const ComVersion&) = default;
};

/// The version Rampart speaks: the newest [MS-DCOM] 2.2.11 lists.
inline constexpr ComVersion kComVersion{5, 7};

/// The version to use with a peer that announced `peer` (Errc::version_mismatch
/// when there is none).
[[nodiscard]] Result<ComVersion> negotiate(ComVersion peer, ComVersion ours = kComVersion) noexcept;

}  // namespace rampart::dcom
