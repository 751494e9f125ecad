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
//    and at most ActivationLimits::max_iids; pIIDs must not be NULL.
//  - The floor, COMVERSION, the class's launch list and the class are
//    checked as in activator.hpp;
//    an activation refused after decoding reports its HRESULT in phr with
//    error_status_t 0, as Windows does. A named (persistent) activation,
//    pwszObjectName or pObjectStorage present, is E_NOTIMPL.
#pragma once

#include <memory>

#include "activation.hpp"
#include "rampart/dcom/activation_policy.hpp"
#include "rampart/dcom/activation_properties.hpp"
#include "rampart/dcom/com_server.hpp"
#include "rampart/dcom/oxid_resolver.hpp"

namespace rampart::dcom {

class LegacyActivator final : public spec::activation::IActivation_server {
 public:
  LegacyActivator(std::shared_ptr<ComServer> server, std::shared_ptr<OxidResolver> resolver, ActivationPolicy policy,
                  ActivationLimits limits = {});

  std::expected<spec::activation::RemoteActivation_response, std::uint32_t> RemoteActivation(
      const runtime::CallContext& ctx, spec::activation::RemoteActivation_request request) override;

 private:
  std::shared_ptr<ComServer> server_;
  std::shared_ptr<OxidResolver> resolver_;
  ActivationPolicy policy_;
  ActivationLimits limits_;
};

[[nodiscard]] std::shared_ptr<runtime::Interface> make_legacy_activator_interface(
    std::shared_ptr<LegacyActivator> activator, const ActivationLimits& limits = {});

}  // namespace rampart::dcom
