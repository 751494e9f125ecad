// Reads [dcom] into DcomConfig (see config_dcom.cpp and rampartd.toml).
#pragma once

#include "config.hpp"
#include "config_util.hpp"

namespace rampartd::cfg {

/// Overrides the fields `t` names; the others keep their defaults.
[[nodiscard]] Status parse_dcom(const toml::table& t, DcomConfig& out);
/// [[dcom.server]] (the "server" array of [dcom]).
[[nodiscard]] Status parse_class_servers(const toml::node& n, DcomConfig& out);

}  // namespace rampartd::cfg
