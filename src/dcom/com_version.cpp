#include "rampart/dcom/com_version.hpp"

#include <algorithm>

#include "rampart/dcom/errc.hpp"

namespace rampart::dcom {

Result<ComVersion> negotiate(ComVersion peer, ComVersion ours) noexcept {
  // [MS-DCOM] 1.7: the major version must match; a different one is
  // RPC_E_VERSION_MISMATCH. 2.2.11 defines minors 1..7; 5.0 is no version.
  if (peer.major != ours.major) return fail(Errc::version_mismatch, "COMVERSION major version is not 5");
  if (peer.minor == 0) return fail(Errc::version_mismatch, "COMVERSION 5.0 is not a defined version");
  // [MS-DCOM] 1.7: both sides use the lower of the two minor versions.
  return ComVersion{ours.major, std::min(peer.minor, ours.minor)};
}

}  // namespace rampart::dcom
