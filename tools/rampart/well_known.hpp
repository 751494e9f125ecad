// Names for well-known DCE/RPC interfaces: the protocols of the [MS-*]
// specifications, C706's own interfaces and the DCOM runtime interfaces, so
// that `rampart dump`, `ifids` and `explain` can say "lsarpc" instead of a
// bare UUID.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "rampart/base/uuid.hpp"

namespace rampart::cli {

struct WellKnownInterface {
  std::string_view uuid;       // lower-case 8-4-4-4-12
  std::uint16_t major;         // the version most servers register
  std::uint16_t minor;
  std::string_view name;       // the IDL interface or pipe name ("lsarpc")
  std::string_view spec;       // the defining document ("MS-LSAT", "C706")
  std::string_view description;
};

/// Every entry, sorted by UUID string.
[[nodiscard]] std::span<const WellKnownInterface> well_known_interfaces() noexcept;

/// The entry for `uuid`, any version (names do not change between versions).
[[nodiscard]] const WellKnownInterface* find_well_known(const Uuid& uuid) noexcept;

/// The entry whose name or spec matches `name` case-insensitively ("samr",
/// "MS-SAMR", "epm"); the first one when a spec defines several; else a
/// common alias ("epmapper", "lsa", "sam").
[[nodiscard]] const WellKnownInterface* find_well_known(std::string_view name) noexcept;

/// "lsarpc (MS-LSAT)" or "" when unknown.
[[nodiscard]] std::string label_for(const Uuid& uuid);

}  // namespace rampart::cli
