// Decodes the request and response stubs of the interfaces Rampart has
// generated descriptors for (the endpoint mapper v3 and mgmt v1) by opnum,
// in NDR20 or NDR64.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "rampart/base/drep.hpp"
#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"

namespace rampart::cli {

/// How many operations an interface with a stub codec has, or nullopt.
[[nodiscard]] std::optional<std::uint16_t> operation_count(const SyntaxId& iface) noexcept;

/// "ept_map", "inq_if_ids", or "" when the interface or opnum is unknown.
[[nodiscard]] std::string operation_name(const SyntaxId& iface, std::uint16_t opnum);

/// The stub's describe() text in the transfer syntax the context
/// negotiated; nullopt when there is no codec for it.
[[nodiscard]] std::optional<Result<std::string>> describe_stub(const SyntaxId& iface, std::uint16_t opnum,
                                                               bool request, std::span<const std::uint8_t> stub,
                                                               Drep drep, const SyntaxId& transfer = syntax::kNdr20);

/// "epm v3.0 (C706)", "lsarpc v0.0 (MS-LSAT)", or the syntax itself.
[[nodiscard]] std::string interface_label(const SyntaxId& iface);

}  // namespace rampart::cli
