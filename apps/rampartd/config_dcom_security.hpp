// Reads the launch and access permissions of [dcom] (default_launch,
// default_access, [[dcom.class_security]]) into ClassPermissions
// (rampart/dcom/class_permissions.hpp; rampartd.toml, rampartd(8)).
#pragma once

#include "config.hpp"
#include "config_util.hpp"

namespace rampartd::cfg {

/// Reads the permission keys of the [dcom] table `t` into `out`; keys it
/// does not name keep their defaults ("*").
[[nodiscard]] Status parse_dcom_security(const toml::table& t, rampart::dcom::ClassPermissions& out);

}  // namespace rampartd::cfg
