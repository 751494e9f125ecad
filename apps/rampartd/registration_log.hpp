// RegistrationLog: the endpoint mapper as rampartd serves it, with one log
// line per ept_insert or ept_delete saying who registered what: the
// caller's pid, uid and gid (SO_PEERCRED of the local socket), the
// interfaces and towers, and the status the caller got. Every other call
// goes straight to the EndpointMapper. A registration over the static
// socket is written to the StateStore before the caller is answered, and
// an ept_insert over the local socket is first checked against the
// [[registration.allow]] rules.
#pragma once

#include <memory>

#include "rampart/runtime/interface.hpp"
#include "rampart/services/epm_service.hpp"
#include "config.hpp"
#include "epm.hpp"
#include "state_store.hpp"

namespace rampartd {

class RegistrationLog final : public rampart::runtime::Interface {
 public:
  /// `rules`: [[registration.allow]], fixed for the life of the process.
  RegistrationLog(std::shared_ptr<rampart::services::EndpointMapper> epm, rampart::ndr::DecodeLimits limits,
                  std::shared_ptr<StateStore> state, std::vector<RegistrationRule> rules);

  [[nodiscard]] const rampart::SyntaxId& syntax() const noexcept override { return epm_->syntax(); }
  [[nodiscard]] std::string_view name() const noexcept override { return epm_->name(); }
  [[nodiscard]] std::uint16_t operation_count() const noexcept override { return epm_->operation_count(); }
  [[nodiscard]] bool supports_transfer_syntax(const rampart::SyntaxId& transfer) const noexcept override {
    return epm_->supports_transfer_syntax(transfer);
  }
  [[nodiscard]] bool allows_peer(const rampart::runtime::PeerInfo& peer, std::uint16_t opnum) const noexcept override {
    return epm_->allows_peer(peer, opnum);
  }
  void call(const rampart::runtime::CallContext& ctx, rampart::runtime::Responder responder) override;
  void connection_closed(const rampart::runtime::PeerInfo& peer) noexcept override { epm_->connection_closed(peer); }

 private:
  std::shared_ptr<rampart::services::EndpointMapper> epm_;
  rampart::ndr::DecodeLimits limits_;
  std::shared_ptr<StateStore> state_;
  std::vector<RegistrationRule> rules_;

  /// Whether the caller's uid may register every entry's interface.
  [[nodiscard]] bool permitted(const rampart::runtime::PeerInfo& peer,
                               const std::vector<rampart::spec::epm::ept_entry_t>& entries) const;
  void log_call(const rampart::runtime::CallContext& ctx, std::string_view what,
                const std::vector<rampart::spec::epm::ept_entry_t>& entries, const std::string& status) const;
};

}  // namespace rampartd
