// Remote management interface v1.0 (C706 Appendix Q): conventions in
// mgmt_service.hpp. The generated dispatcher (idl/c706/mgmt.idl) decodes
// every request; MgmtServer implements its skeleton.
#include "rampart/services/mgmt_service.hpp"

#include <algorithm>

#include "mgmt.hpp"
#include "rampart/pdu/status.hpp"
#include "rampart/services/epm_service.hpp"

namespace rampart::services {

using runtime::CallContext;
using runtime::CallOutcome;
namespace mgmt = spec::mgmt;

namespace {

/// The longest principal name inq_princ_name returns, as long as Rampart's
/// client accepts (tools/rampart, `rampart princ`).
constexpr std::size_t kMaxPrincNameLength = 1024;

/// mgmt requests carry at most two u32s; nothing nests or allocates.
ndr::DecodeLimits mgmt_decode_limits() noexcept {
  ndr::DecodeLimits l;
  l.max_depth = 4;
  l.max_alloc_bytes = 4096;
  l.max_array_elements = 16;
  l.max_full_pointers = 16;
  return l;
}

class MgmtServer final : public mgmt::mgmt_server {
 public:
  explicit MgmtServer(runtime::ServerCore& core) : core_(core) {}
  template <class T>
  using Reply = std::expected<T, std::uint32_t>;

  Reply<mgmt::rpc__mgmt_inq_if_ids_response> rpc__mgmt_inq_if_ids(const CallContext&,
                                                                  mgmt::rpc__mgmt_inq_if_ids_request) override {
    mgmt::rpc_if_id_vector_t ids;
    const auto snapshot = core_.interfaces.snapshot();
    ids.if_id.reserve(snapshot->size());
    for (const auto& iface : *snapshot) {
      const SyntaxId& s = iface->syntax();
      ids.if_id.emplace_back(spec::nbase::_RPC_IF_ID{s.uuid, s.major, s.minor});
    }
    ids.count = static_cast<std::uint32_t>(ids.if_id.size());
    return mgmt::rpc__mgmt_inq_if_ids_response{std::move(ids), 0};
  }

  Reply<mgmt::rpc__mgmt_inq_stats_response> rpc__mgmt_inq_stats(const CallContext&,
                                                                mgmt::rpc__mgmt_inq_stats_request r) override {
    // C706 sends [in] count alone; Samba's mgmt.idl adds a second u32
    // ("unknown"). Octets after count are ignored, as after any request.
    const std::uint32_t values[] = {
        core_.stats.calls_in.load(std::memory_order_relaxed), core_.stats.calls_out.load(std::memory_order_relaxed),
        core_.stats.pkts_in.load(std::memory_order_relaxed), core_.stats.pkts_out.load(std::memory_order_relaxed)};
    const std::size_t n = std::min<std::size_t>(r.count, std::size(values));
    return mgmt::rpc__mgmt_inq_stats_response{static_cast<std::uint32_t>(n), {values, values + n}, 0};
  }

  Reply<mgmt::rpc__mgmt_is_server_listening_response> rpc__mgmt_is_server_listening(
      const CallContext&, mgmt::rpc__mgmt_is_server_listening_request) override {
    const bool listening = core_.listening.load(std::memory_order_relaxed);
    return mgmt::rpc__mgmt_is_server_listening_response{0, listening ? 1u : 0u};
  }

  Reply<mgmt::rpc__mgmt_stop_server_listening_response> rpc__mgmt_stop_server_listening(
      const CallContext&, mgmt::rpc__mgmt_stop_server_listening_request) override {
    return mgmt::rpc__mgmt_stop_server_listening_response{kRpcAccessDenied};
  }

  Reply<mgmt::rpc__mgmt_inq_princ_name_response> rpc__mgmt_inq_princ_name(
      const CallContext&, mgmt::rpc__mgmt_inq_princ_name_request r) override {
    if (r.princ_name_size == 0) return std::unexpected(kRpcInvalidBound);
    // The reply's array is exactly the caller's size_is(princ_name_size); an
    // empty name needs one octet of it (C8). Nothing is allocated by the size.
    // authn_proto is an auth_type ([MS-RPCE] 2.2.1.1.7: 10 NTLM, 9 SPNEGO).
    const auto providers = core_.providers();
    const auto provider =
        providers && r.authn_proto <= 0xff ? providers->find(static_cast<std::uint8_t>(r.authn_proto)) : nullptr;
    if (!provider || provider->principal().empty())
      return mgmt::rpc__mgmt_inq_princ_name_response{r.princ_name_size, {}, kRpcUnknownAuthnService};
    std::string name = provider->principal();
    if (name.size() >= r.princ_name_size || name.size() > kMaxPrincNameLength)
      return mgmt::rpc__mgmt_inq_princ_name_response{r.princ_name_size, {}, kInsufficientBuffer};
    return mgmt::rpc__mgmt_inq_princ_name_response{r.princ_name_size, std::move(name), 0};
  }

 private:
  runtime::ServerCore& core_;
};

}  // namespace

Management::Management(runtime::ServerCore& core)
    : dispatcher_(std::make_unique<mgmt::mgmt_dispatcher>(std::make_shared<MgmtServer>(core), mgmt_decode_limits())) {}

Management::~Management() = default;

const SyntaxId& Management::syntax() const noexcept { return mgmt::mgmt_descriptor().syntax; }

std::uint16_t Management::operation_count() const noexcept { return mgmt::mgmt_descriptor().operation_count(); }

bool Management::supports_transfer_syntax(const SyntaxId& transfer) const noexcept {
  return dispatcher_->supports_transfer_syntax(transfer);
}

void Management::call(const CallContext& ctx, runtime::Responder responder) { dispatcher_->call(ctx, std::move(responder)); }

CallOutcome Management::handle(const CallContext& ctx) { return call_inline(*this, ctx); }

}  // namespace rampart::services
