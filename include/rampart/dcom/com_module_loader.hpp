// Loading COM modules (com_module.hpp) into a ComServer, for rampartd's
// `[dcom] modules`. A module runs inside rampartd with all of its rights,
// so it is loaded only from a file that no one but root (or the user
// rampartd was started as) can have written:
//  - the path is absolute and canonical (no symbolic link, no `..`);
//  - the file is a regular file owned by root or by the effective user,
//    and not writable by group or others;
//  - every directory above it is owned by root or the effective user and
//    is not writable by group or others, unless it is sticky (/tmp: others
//    cannot rename or replace an entry they do not own).
// The checked file is opened once (O_NOFOLLOW) and loaded through that
// descriptor (/proc/self/fd/N), so the file checked is the file loaded.
// Then its build string must equal RAMPART_COM_MODULE_BUILD, its entry
// point runs, and what it registered is checked before anything is added
// to the server. A refused module is an error naming the path and the
// reason; nothing of it is registered. Loaded modules are never unloaded.
// A module may not serve an interface that rampartd serves as a service,
// nor a CLSID that is already served.
#pragma once

#include <sys/types.h>

#include <expected>
#include <string>

#include "rampart/dcom/com_module.hpp"

namespace rampart::dcom {

/// Checks the file and directory rules above for `path`.
[[nodiscard]] std::expected<void, std::string> check_module_path(const std::string& path, uid_t euid);

/// Loads the module at `path` and registers its interfaces and classes
/// with `server`. Returns the names of the classes it added.
[[nodiscard]] std::expected<std::vector<std::string>, std::string> load_com_module(const std::string& path,
                                                                                    ComServer& server);

}  // namespace rampart::dcom
