#include "stub_decoder.hpp"

#include <fmt/format.h>

#include <array>

#include "epm.hpp"
#include "mgmt.hpp"
#include "rampart/runtime/interface_descriptor.hpp"
#include "well_known.hpp"

namespace rampart::cli {

namespace {

// The interfaces whose stubs `explain` decodes: their generated descriptors
// (idl/c706/epm.idl, mgmt.idl) give the operation names and codecs.
const runtime::InterfaceDescriptor* descriptor_for(const SyntaxId& iface) noexcept {
  static const std::array<const runtime::InterfaceDescriptor*, 2> kKnown = {&spec::epm::ept_descriptor(),
                                                                           &spec::mgmt::mgmt_descriptor()};
  for (const auto* d : kKnown)
    if (iface.uuid == d->syntax.uuid && iface.major == d->syntax.major) return d;
  return nullptr;
}

}  // namespace

std::optional<std::uint16_t> operation_count(const SyntaxId& iface) noexcept {
  const auto* d = descriptor_for(iface);
  if (d == nullptr) return std::nullopt;
  return d->operation_count();
}

std::string operation_name(const SyntaxId& iface, std::uint16_t opnum) {
  const auto* d = descriptor_for(iface);
  const auto* op = d ? d->find(opnum) : nullptr;
  return op ? std::string(op->name) : "";
}

std::optional<Result<std::string>> describe_stub(const SyntaxId& iface, std::uint16_t opnum, bool request,
                                                 std::span<const std::uint8_t> stub, Drep drep,
                                                 const SyntaxId& transfer) {
  const auto* d = descriptor_for(iface);
  const auto* op = d ? d->find(opnum) : nullptr;
  const auto index = runtime::InterfaceDescriptor::syntax_index(transfer);
  if (op == nullptr || !index) return std::nullopt;
  const auto& codecs = op->codecs[*index];
  const auto describe = request ? codecs.describe_request : codecs.describe_response;
  if (describe == nullptr) return std::nullopt;
  return describe(stub, drep);
}

std::string interface_label(const SyntaxId& iface) {
  const auto* w = find_well_known(iface.uuid);
  if (!w) return iface.to_string();
  return fmt::format("{} v{}.{} ({})", w->name, iface.major, iface.minor, w->spec);
}

}  // namespace rampart::cli
