// Loading COM modules (com_module.hpp) into a ComServer, for rampartd's
// `[dcom] modules`. The file must pass the trust rules of
// rampart/base/trusted_module.hpp (root-owned file and directories, loaded
// through the descriptor that was checked) and carry
// RAMPART_COM_MODULE_BUILD; then its entry point runs, and what it
// registered is checked before anything is added to the server. A refused
// module is an error naming the path and the reason; nothing of it is
// registered. Loaded modules are never unloaded. A module may not serve an
// interface that rampartd serves as a service, nor a CLSID that is already
// served.
#pragma once

#include <expected>
#include <string>

#include "rampart/base/trusted_module.hpp"
#include "rampart/dcom/com_module.hpp"

namespace rampart::dcom {

using base::check_module_path;

/// Loads the module at `path` and registers its interfaces and classes
/// with `server`. Returns the names of the classes it added.
[[nodiscard]] std::expected<std::vector<std::string>, std::string> load_com_module(const std::string& path,
                                                                                    ComServer& server);

}  // namespace rampart::dcom
