// The endpoint mapper interface e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0
// (C706 Appendix O as redefined by [MS-RPCE] 2.2.1.2), served from an
// EndpointDatabase.
//
// Status and fault conventions (each cites what it follows):
//  - ept_insert / ept_delete / ept_mgmt_delete from anyone but a local-socket
//    caller (or a loopback TCP caller when Config allows it) are refused in
//    allows_peer(), before anything is unmarshalled (docs/hardening.md C14); the
//    runtime answers fault 0x5 (access denied) with DID_NOT_EXECUTE. Samba
//    4.17 faults nca_s_op_rng_error instead; a fault either way, and a
//    denial says what happened.
//  - A stub that does not decode: fault 0x6f7 rpc_x_bad_stub_data, chosen
//    by runtime::react (Samba 4.17 answers a truncated ept_map alike).
//  - ept_lookup / ept_map: status 0 whenever entries are returned, the
//    handle nil on the last page; ept_s_not_registered (0x16c9a0d6) only
//    with no entries (Windows; Impacket's rpcdump relies on it, and Samba's
//    entries-plus-0x16c9a0d6 breaks it, see INTEROP.md).
//  - A call with the handle that reached the last page: ept_s_not_registered,
//    no entries and a zeroed handle (Windows, Samba; the end of a walk).
//  - A non-nil entry_handle this association group does not hold (another
//    group's, already freed, or one of the other operation): fault
//    nca_s_fault_context_mismatch (0x1c00001a), what the Windows runtime
//    raises for an unknown [in] context handle (docs/hardening.md C15).
//  - More pages remain but the group holds ServerLimits::max_lookup_handles
//    handles: the group's oldest lookup handle is evicted and the call is
//    served; resuming with the evicted handle faults as an unknown one.
//  - Bad inquiry_type, vers_option or a NULL Ifid where one is needed:
//    ept_s_cant_perform_op, as Samba answers an unknown inquiry type.
//  - ept_map with a NULL, undecodable or unknown-protseq map tower:
//    ept_s_not_registered with no towers (Samba; Windows alike).
//  - ept_insert: invalid tower/annotation -> ept_s_invalid_entry
//    (0x16c9a0d3); database full -> ept_s_cant_create (0x16c9a0d0).
//  - ept_delete / ept_mgmt_delete with nothing matching: ept_s_not_registered.
//  - ept_inq_object: Config::ept_object (nil), status 0 (C706 semantics;
//    Samba faults it as unimplemented).
//  - ept_map_auth: ept_map; the caller's SID is ignored until security
//    providers exist (there is nothing to authorise against yet).
#pragma once

#include <memory>

#include "rampart/ndr/limits.hpp"
#include "rampart/runtime/interface.hpp"
#include "rampart/services/endpoint_database.hpp"

namespace rampart::services {

/// DCE status codes the endpoint mapper puts in its status parameter
/// (C706 Appendix E, the 0x16c9a0xx ept_s_ range).
namespace ept_status {
inline constexpr std::uint32_t kOk = 0;
inline constexpr std::uint32_t kCantPerformOp = 0x16c9a0cd;
inline constexpr std::uint32_t kCantCreate = 0x16c9a0d0;
inline constexpr std::uint32_t kInvalidEntry = 0x16c9a0d3;
inline constexpr std::uint32_t kNotRegistered = 0x16c9a0d6;
}  // namespace ept_status

/// nca_s_fault_context_mismatch (C706 Appendix E).
inline constexpr std::uint32_t kFaultContextMismatch = 0x1c00001a;

/// NDR bounds for EPM stubs (ndr::DecodeLimits): the EPM types nest 4
/// deep; an ept_insert carries at most as many entries as the database
/// holds, each with one tower pointer; annotations are 64 chars (C8).
[[nodiscard]] ndr::DecodeLimits epm_decode_limits(const Config& config) noexcept;

class EptServer;

/// The endpoint mapper as rampartd registers it: the dispatcher generated
/// from idl/c706/epm.idl (spec::epm::ept_dispatcher) over EptServer, the
/// implementation of its server skeleton, plus what a skeleton cannot know:
/// who may register (C14) and that a local connection's entries vanish
/// with it. Syntax and operation count come from the generated descriptor.
class EndpointMapper : public runtime::Interface {
 public:
  explicit EndpointMapper(std::shared_ptr<EndpointDatabase> db);
  ~EndpointMapper() override;

  [[nodiscard]] const SyntaxId& syntax() const noexcept override;
  /// The metrics label (rampart_calls_total{interface="epmapper"}).
  [[nodiscard]] std::string_view name() const noexcept override { return "epmapper"; }
  [[nodiscard]] std::uint16_t operation_count() const noexcept override;
  /// NDR20 and NDR64, as the generated dispatcher decodes both ([MS-RPCE] 3.3.1.5.6).
  [[nodiscard]] bool supports_transfer_syntax(const SyntaxId& transfer) const noexcept override;
  /// C14: registration operations only from local callers.
  [[nodiscard]] bool allows_peer(const runtime::PeerInfo& peer, std::uint16_t opnum) const noexcept override;
  void call(const runtime::CallContext& ctx, runtime::Responder responder) override;
  /// Entries a local connection registered vanish with it.
  void connection_closed(const runtime::PeerInfo& peer) noexcept override;

  /// Runs one call and returns its outcome (call() answers it inline).
  [[nodiscard]] runtime::CallOutcome handle(const runtime::CallContext& ctx);

  [[nodiscard]] EndpointDatabase& database() noexcept { return *db_; }

 private:
  std::shared_ptr<EndpointDatabase> db_;
  std::shared_ptr<EptServer> server_;
  std::unique_ptr<runtime::Interface> dispatcher_;
};

/// Runs `iface.call` with a responder that keeps the outcome, for handlers
/// that answer inline (every rampartd service does).
[[nodiscard]] runtime::CallOutcome call_inline(runtime::Interface& iface, const runtime::CallContext& ctx);

}  // namespace rampart::services
