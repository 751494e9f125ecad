// Reads [limits] into runtime::ServerLimits (see config_limits.cpp).
#pragma once

#include "config_util.hpp"
#include "rampart/runtime/server_limits.hpp"

namespace rampartd::cfg {

/// Overrides the fields `t` names; the others keep their defaults.
[[nodiscard]] Status parse_limits(const toml::table& t, rampart::runtime::ServerLimits& out);

}  // namespace rampartd::cfg
