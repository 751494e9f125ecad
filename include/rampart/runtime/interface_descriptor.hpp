// runtime::InterfaceDescriptor: the one place an interface is described.
//
// rampart-idl generates one constant descriptor per IDL interface: its
// syntax id, its name, and per operation and per transfer syntax the
// codecs of the request and response stubs. The server dispatcher,
// operation_count(), `rampart explain` and the well-known interface tables
// read from it, so an interface is never described twice (the shape of
// Samba's ndr_interface_table).
//
// The codecs here are type-erased (std::any) so that tools can decode,
// re-encode and describe any stub of any interface without knowing its
// types; generated code that knows the types calls the typed codecs.
#pragma once

#include <any>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/base/drep.hpp"
#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"

namespace rampart::runtime {

/// The codecs of one operation's stubs in one transfer syntax.
struct StubCodecs {
  /// Decodes a whole stub (nothing may follow the last parameter) with the
  /// default ndr::DecodeLimits; the value is the generated request or
  /// response struct.
  using Decode = Result<std::any> (*)(std::span<const std::uint8_t> stub, Drep drep);
  /// Encodes a value of the generated struct (any other type is an error).
  using Encode = Result<std::vector<std::uint8_t>> (*)(const std::any& value, Drep drep);
  /// Decodes a whole stub and returns its describe() text.
  using Describe = Result<std::string> (*)(std::span<const std::uint8_t> stub, Drep drep);

  Decode decode_request = nullptr;
  Encode encode_request = nullptr;
  Decode decode_response = nullptr;
  Encode encode_response = nullptr;
  Describe describe_request = nullptr;
  Describe describe_response = nullptr;
};

struct OperationDescriptor {
  std::string_view name;
  std::uint16_t opnum = 0;
  /// Indexed by transfer syntax: [0] NDR20, [1] NDR64 (see syntax_index).
  std::array<StubCodecs, 2> codecs;
};

struct InterfaceDescriptor {
  SyntaxId syntax;
  std::string_view name;
  /// Object interfaces: the opnums below this belong to the base interface.
  std::uint16_t first_opnum = 0;
  std::span<const OperationDescriptor> operations;

  /// Opnums 0 .. operation_count()-1 exist (inherited ones included).
  [[nodiscard]] constexpr std::uint16_t operation_count() const noexcept {
    return static_cast<std::uint16_t>(first_opnum + operations.size());
  }
  /// The operation with this opnum, or nullptr (unknown, or inherited).
  [[nodiscard]] constexpr const OperationDescriptor* find(std::uint16_t opnum) const noexcept {
    if (opnum < first_opnum || static_cast<std::size_t>(opnum - first_opnum) >= operations.size()) return nullptr;
    return &operations[opnum - first_opnum];
  }
  /// 0 for NDR20, 1 for NDR64, nullopt for any other transfer syntax.
  [[nodiscard]] static std::optional<std::size_t> syntax_index(const SyntaxId& transfer) noexcept {
    if (transfer == syntax::kNdr20) return 0;
    if (transfer == syntax::kNdr64) return 1;
    return std::nullopt;
  }
};

/// A response as a generated client proxy receives it.
struct StubReply {
  std::vector<std::uint8_t> stub;
  Drep drep;
  std::uint32_t fault_status = 0;  // nonzero: the call faulted
};

/// How a generated client proxy sends one call over a connection already
/// bound to the interface (NDR20): the transport provides it
/// (transport::stub_channel), tests can provide their own.
using StubChannel = std::function<Result<StubReply>(const SyntaxId& interface, std::uint16_t opnum,
                                                    std::span<const std::uint8_t> stub,
                                                    const std::optional<Uuid>& object)>;

}  // namespace rampart::runtime
