// Privileges: rampartd starts as root only to bind port 135 and its
// sockets, then becomes an unprivileged user with no capabilities, so that a
// flaw in the RPC code does not hand a peer root (the RPCSS compromises of
// MS03-026 ran as LocalSystem). See rampartd(8), PRIVILEGES.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "config.hpp"

namespace rampartd {

/// The user and group to become.
struct Identity {
  std::string user;
  std::string group;
  uid_t uid = 0;
  gid_t gid = 0;
};

/// What start-up decided from the configuration and the starting uid:
/// the identity to drop to after binding, or none (stay as started).
/// Errors name the key and option that fix them (exit status 2): root
/// without `user` and without `allow_root`, an unknown user or group, or a
/// `user` other than the current one when not started as root.
[[nodiscard]] std::expected<std::optional<Identity>, std::string> plan_identity(const Config& config, uid_t euid);

/// Called before any thread starts, so every thread inherits it: sets
/// PR_SET_NO_NEW_PRIVS (rampartd never executes anything, so no setuid
/// program can give a privilege back) and, as root, empties the capability
/// bounding set. Effective capabilities stay until drop_to().
void restrict_process() noexcept;

/// Switches every thread to `who` (supplementary groups cleared; glibc
/// applies set*id to all threads), then checks that no thread kept a
/// capability and that root cannot be regained.
[[nodiscard]] std::expected<void, std::string> drop_to(const Identity& who);

/// The effective and permitted capability sets of every thread of this
/// process, OR-ed together (/proc/self/task/*/status CapEff, CapPrm).
struct CapabilitySets {
  std::uint64_t effective = 0;
  std::uint64_t permitted = 0;
};
[[nodiscard]] CapabilitySets current_capabilities();

}  // namespace rampartd
