// Helpers for strict TOML reading: every error names FILE:LINE:COLUMN.
#pragma once

#include <cstdint>
#include <expected>
#include <initializer_list>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace rampartd::cfg {

using Status = std::expected<void, std::string>;

/// "FILE:LINE:COLUMN: what" from a toml++ source region.
[[nodiscard]] std::string located(const toml::source_region& where, std::string_view what);
[[nodiscard]] inline std::unexpected<std::string> error_at(const toml::source_region& where, std::string_view what) {
  return std::unexpected(located(where, what));
}

/// Fails on the first key of `table` that is not in `allowed`.
[[nodiscard]] Status check_keys(const toml::table& table, std::string_view table_name,
                                std::initializer_list<std::string_view> allowed);

/// The sub-table called `key` (nullptr when absent), or an error when the
/// key holds something else.
[[nodiscard]] std::expected<const toml::table*, std::string> table_at(const toml::table& parent, std::string_view key);

[[nodiscard]] std::expected<std::int64_t, std::string> integer(const toml::node& node, std::string_view key,
                                                               std::int64_t min, std::int64_t max);
[[nodiscard]] std::expected<std::string, std::string> string(const toml::node& node, std::string_view key);
[[nodiscard]] std::expected<bool, std::string> boolean(const toml::node& node, std::string_view key);

}  // namespace rampartd::cfg

/// Yields the value of a std::expected<T, std::string> or returns its error.
#define CFG_TRY(expr)                                                             \
  ({                                                                              \
    auto&& cfg_try_result_ = (expr);                                              \
    if (!cfg_try_result_) return std::unexpected(std::move(cfg_try_result_).error()); \
    std::move(cfg_try_result_).value();                                           \
  })

#define CFG_CHECK(expr)                                                            \
  do {                                                                             \
    auto&& cfg_check_result_ = (expr);                                             \
    if (!cfg_check_result_) return std::unexpected(std::move(cfg_check_result_).error()); \
  } while (0)
