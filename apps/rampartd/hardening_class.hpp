// The hardening class (docs/hardening.md, C1..C17) a protocol error belongs to, so
// that rejections can be counted by class (rampartd's metrics) as well as by
// rule. The class follows the comments of each layer's Errc and the probe
// catalogue's ids (docs/probe.md), e.g. c6.second-bind.
#pragma once

#include <string_view>

#include "rampart/base/error.hpp"

namespace rampartd {

/// "C1" to "C17", or "none" for an error that is no input class's
/// (a handler that failed, an operation number the interface lacks, ...).
[[nodiscard]] std::string_view hardening_class(const rampart::Error& error) noexcept;

}  // namespace rampartd
