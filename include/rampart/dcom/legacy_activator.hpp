// IActivation::RemoteActivation ([MS-DCOM] 3.1.2.5.2.3.1), the activation
// interface of COMVERSION 5.1 .. 5.5 and the one MS03-026 (Blaster)
// overflowed through pwszObjectName.
//
//  - Every name is bounded before it is copied: the dispatcher decodes
//    with DecodeLimits::max_string_length = ActivationLimits::max_name_units,
//    so an overlong pwszObjectName (the Blaster shape) faults
//    rpc_x_bad_stub_data (0x6f7) before the handler runs, and the
//    connection and the service go on.
//  - Interfaces is 1..MAX_REQUESTED_INTERFACES (the generated [range])
//    and at most ActivationLimits::max_iids; pIIDs must not be NULL;
//    cRequestedProtseqs is 0..MAX_REQUESTED_PROTSEQS (the generated
//    [range]).
//  - COMVERSION (RPC_E_VERSION_MISMATCH fault), then the floor, the
//    class's launch list and the class are checked as in activator.hpp;
//    an activation refused after decoding reports its HRESULT in phr with
//    error_status_t 0, as Windows does. A named (persistent) activation,
//    pwszObjectName or pObjectStorage present, is E_NOTIMPL.
//  - A class of an out-of-process class server (class_forwarder.hpp) is
//    served as through IRemoteSCMActivator: after every check above, the
//    activation is forwarded to its class server and the reply names the
//    server's OXID, IRemUnknown and port (under rampartd's disclosure
//    policy) and the authnHint of the server's level. A server that is not
//    registered, does not answer in time or answers wrongly is
//    CO_E_SERVER_EXEC_FAILURE in phr. make_legacy_activator_interface
//    forwards on a bounded pool, never on a transport thread
//    (docs/hardening.md C16).
#pragma once

#include <memory>
#include <optional>

#include "activation.hpp"
#include "rampart/dcom/activation_policy.hpp"
#include "rampart/dcom/activation_properties.hpp"
#include "rampart/dcom/class_forwarder.hpp"
#include "rampart/dcom/com_server.hpp"
#include "rampart/dcom/oxid_resolver.hpp"

namespace rampart::dcom {

class LegacyActivator final : public spec::activation::IActivation_server {
 public:
  LegacyActivator(std::shared_ptr<ComServer> server, std::shared_ptr<OxidResolver> resolver, ActivationPolicy policy,
                  ActivationLimits limits = {});

  std::expected<spec::activation::RemoteActivation_response, std::uint32_t> RemoteActivation(
      const runtime::CallContext& ctx, spec::activation::RemoteActivation_request request) override;

  /// Out-of-process classes (class_forwarder.hpp); set before serving.
  void set_forwarder(std::shared_ptr<ClassForwarder> forwarder) { forwarder_ = std::move(forwarder); }
  [[nodiscard]] const std::shared_ptr<ClassForwarder>& forwarder() const noexcept { return forwarder_; }
  [[nodiscard]] const ActivationLimits& limits() const noexcept { return limits_; }

  /// What to forward when `request` passes every check and its class is
  /// a class server's; nullopt when RemoteActivation answers it itself (a
  /// refusal, which it reports, or an in-process class). Reports nothing.
  [[nodiscard]] std::optional<ForwardRequest> forwardable(
      const runtime::CallContext& ctx, const spec::activation::RemoteActivation_request& request) const;
  /// Forwards a checked request to its class server (blocking, bounded)
  /// and builds the reply; a failure is the HRESULT in phr.
  [[nodiscard]] spec::activation::RemoteActivation_response forward(
      const runtime::PeerInfo& peer, const spec::activation::RemoteActivation_request& request,
      const ForwardRequest& forward) const;

 private:
  /// The refusal (phr) of the checks after COMVERSION, or nullopt;
  /// `report` logs a launch-list refusal.
  [[nodiscard]] std::optional<std::uint32_t> refusal(const runtime::CallContext& ctx,
                                                     const spec::activation::RemoteActivation_request& request,
                                                     bool report) const;

  std::shared_ptr<ComServer> server_;
  std::shared_ptr<OxidResolver> resolver_;
  ActivationPolicy policy_;
  ActivationLimits limits_;
  std::shared_ptr<ClassForwarder> forwarder_;
};

/// The generated dispatcher over `activator`. When it has a forwarder, a
/// RemoteActivation of a forwarded class is checked on the transport
/// thread and forwarded on a pool of `forward_threads` threads holding at
/// most `forward_queue` waiting activations; beyond that the activation
/// gets kServerExecFailure.
[[nodiscard]] std::shared_ptr<runtime::Interface> make_legacy_activator_interface(
    std::shared_ptr<LegacyActivator> activator, std::size_t forward_threads = 2, std::size_t forward_queue = 64);

}  // namespace rampart::dcom
