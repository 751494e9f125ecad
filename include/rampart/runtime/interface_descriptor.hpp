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
#include <type_traits>
#include <utility>
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
/// bound to the interface: the transport provides it
/// (transport::stub_channel), tests can provide their own. The proxy
/// marshals the request in the transfer syntax the connection's context
/// negotiated and in the drep its PDUs carry.
struct StubChannel {
  using Call = std::function<Result<StubReply>(const SyntaxId& interface, std::uint16_t opnum,
                                               std::span<const std::uint8_t> stub,
                                               const std::optional<Uuid>& object)>;
  /// The transfer syntax accepted for an interface ([MS-RPCE] 3.3.1.5.6).
  using Negotiated = std::function<SyntaxId(const SyntaxId& interface)>;

  StubChannel() = default;
  /// Any callable of the Call shape: NDR20, little-endian.
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, StubChannel> && std::is_constructible_v<Call, F>)
  StubChannel(F&& f) : call(std::forward<F>(f)) {}  // NOLINT(google-explicit-constructor)
  StubChannel(Call c, Negotiated n, Drep d) : call(std::move(c)), transfer_syntax(std::move(n)), drep(d) {}

  [[nodiscard]] SyntaxId syntax_for(const SyntaxId& interface) const {
    return transfer_syntax ? transfer_syntax(interface) : syntax::kNdr20;
  }

  Call call;
  Negotiated transfer_syntax;  // unset: NDR20
  Drep drep = Drep::little();
};

/// The asynchronous form, for the generated `<I>_async_client`: `call`
/// starts the call and returns; `done` runs exactly once, later, with the
/// reply or the error (transport::async_stub_channel over an AsyncClient).
struct AsyncStubChannel {
  using Done = std::function<void(Result<StubReply>)>;
  using Call = std::function<void(const SyntaxId& interface, std::uint16_t opnum, std::vector<std::uint8_t> stub,
                                  const std::optional<Uuid>& object, Done done)>;

  [[nodiscard]] SyntaxId syntax_for(const SyntaxId& interface) const {
    return transfer_syntax ? transfer_syntax(interface) : syntax::kNdr20;
  }

  Call call;
  StubChannel::Negotiated transfer_syntax;  // unset: NDR20
  Drep drep = Drep::little();
};

}  // namespace rampart::runtime
