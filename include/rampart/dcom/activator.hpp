// IRemoteSCMActivator ([MS-DCOM] 3.1.2.5.2.3): remote activation through
// activation property blobs, over the generated skeleton.
//
// RemoteCreateInstance, in order (each refusal's status from dcom::react or
// stated here):
//  1. the activation floor (activation_policy.hpp): below it, the call
//     returns E_ACCESSDENIED;
//  2. ORPCTHIS COMVERSION (RPC_E_VERSION_MISMATCH fault);
//  3. pActProperties must not be NULL (E_INVALIDARG fault) and must be an
//     OBJREF_CUSTOM of CLSID_ActivationPropertiesIn (RPC_E_INVALID_OBJREF);
//  4. the blob (activation_properties.hpp; E_INVALIDARG fault);
//  5. the class's launch list (class_permissions.hpp): E_ACCESSDENIED as
//     the call's HRESULT, as below the floor, with nothing created or
//     forwarded;
//  6. the class (ComServer::create_instance: REGDB_E_CLASSNOTREG,
//     E_NOINTERFACE, E_OUTOFMEMORY returned as the call's HRESULT), or,
//     for a CLSID of an out-of-process class server, its forwarder
//     (class_forwarder.hpp: CO_E_SERVER_EXEC_FAILURE or the server's own
//     HRESULT), with the reply built here from the server's exporter.
// The reply is the OBJREF_CUSTOM of CLSID_ActivationPropertiesOut whose
// blob holds PropsOutInfo then ScmReplyInfoData (the order Impacket's
// dcomrt.py reads by position), with OBJREF_STANDARD interface pointers,
// the OXID bindings of oxid_resolver.hpp, the exporter's ipidRemUnknown
// and authnHint from the floor. RemoteGetClassObject checks its request
// with steps 1-5, then exports a class object (class_object.hpp: its
// IClassFactory makes instances on this exporter) and replies in the same
// form; REGDB_E_CLASSNOTREG for an unknown class, E_NOINTERFACE when
// IClassFactory is not among the IIDs asked for. The constructor makes
// IClassFactory callable on the ComServer's registry.
#pragma once

#include <memory>

#include "rampart/dcom/activation_policy.hpp"
#include "rampart/dcom/activation_properties.hpp"
#include "rampart/dcom/class_forwarder.hpp"
#include "rampart/dcom/com_server.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "remact.hpp"

namespace rampart::dcom {

class Activator final : public spec::remact::IRemoteSCMActivator_server {
 public:
  Activator(std::shared_ptr<ComServer> server, std::shared_ptr<OxidResolver> resolver, ActivationPolicy policy,
            ActivationLimits limits = {});

  std::expected<spec::remact::Opnum0NotUsedOnWire_response, std::uint32_t> Opnum0NotUsedOnWire(
      const runtime::CallContext&, spec::remact::Opnum0NotUsedOnWire_request) override;
  std::expected<spec::remact::Opnum1NotUsedOnWire_response, std::uint32_t> Opnum1NotUsedOnWire(
      const runtime::CallContext&, spec::remact::Opnum1NotUsedOnWire_request) override;
  std::expected<spec::remact::Opnum2NotUsedOnWire_response, std::uint32_t> Opnum2NotUsedOnWire(
      const runtime::CallContext&, spec::remact::Opnum2NotUsedOnWire_request) override;
  std::expected<spec::remact::RemoteGetClassObject_response, std::uint32_t> RemoteGetClassObject(
      const runtime::CallContext& ctx, spec::remact::RemoteGetClassObject_request request) override;
  std::expected<spec::remact::RemoteCreateInstance_response, std::uint32_t> RemoteCreateInstance(
      const runtime::CallContext& ctx, spec::remact::RemoteCreateInstance_request request) override;

  /// The reply blob for created interfaces (exposed for tests).
  [[nodiscard]] Result<std::vector<std::uint8_t>> reply_blob(const runtime::CallContext& ctx,
                                                             const std::vector<Uuid>& iids,
                                                             const std::vector<InterfaceResult>& results) const;

  /// What ScmReplyInfoData names: an exporter's OXID, bindings,
  /// IRemUnknown and authnHint.
  struct ReplyExporter {
    Oxid oxid = 0;
    DualStringArray bindings;
    Uuid ipid_rem_unknown;
    std::uint32_t authn_hint = 0;
  };
  /// The reply blob for `results` on `exporter`; the OBJREFs' resolver
  /// address is always rampartd's (clients ping rampartd).
  [[nodiscard]] Result<std::vector<std::uint8_t>> reply_blob(const runtime::PeerInfo& peer, const ReplyExporter& exporter,
                                                             const std::vector<Uuid>& iids,
                                                             const std::vector<InterfaceResult>& results) const;

  /// Out-of-process classes (class_forwarder.hpp); set before serving.
  void set_forwarder(std::shared_ptr<ClassForwarder> forwarder) { forwarder_ = std::move(forwarder); }
  [[nodiscard]] const std::shared_ptr<ClassForwarder>& forwarder() const noexcept { return forwarder_; }
  /// The launch and access lists in force (the ComServer's).
  [[nodiscard]] const std::shared_ptr<PermissionGate>& permissions() const noexcept { return server_->permissions(); }

  /// Steps 1-4 of a RemoteCreateInstance / RemoteGetClassObject request:
  /// the parsed properties, or the answer to send now (a fault with status
  /// `code`, or a response whose HRESULT is `code`).
  struct Refusal {
    bool fault = false;
    std::uint32_t code = 0;
  };
  [[nodiscard]] std::expected<ActivationRequest, Refusal> check_request(
      const runtime::CallContext& ctx, const spec::orpc::ORPCTHIS& orpcthis,
      const std::optional<spec::orpc::MInterfacePointer>& properties) const;
  /// Forwards a checked request to its class server (blocking, bounded)
  /// and builds the reply: ppActProperties, or the call's HRESULT.
  [[nodiscard]] std::expected<spec::orpc::MInterfacePointer, std::uint32_t> forward(const runtime::PeerInfo& peer,
                                                                                   const ForwardRequest& request) const;

 private:
  std::shared_ptr<ComServer> server_;
  std::shared_ptr<OxidResolver> resolver_;
  ActivationPolicy policy_;
  ActivationLimits limits_;
  std::shared_ptr<ClassForwarder> forwarder_;
};

/// The generated dispatcher over `activator`. When it has a forwarder,
/// RemoteCreateInstance and RemoteGetClassObject for a forwarded class are
/// checked on the transport thread and forwarded on a pool of
/// `forward_threads` threads holding at most `forward_queue` waiting
/// activations; beyond that the activation gets kServerExecFailure.
[[nodiscard]] std::shared_ptr<runtime::Interface> make_activator_interface(std::shared_ptr<Activator> activator,
                                                                          std::size_t forward_threads = 2,
                                                                          std::size_t forward_queue = 64);

}  // namespace rampart::dcom
