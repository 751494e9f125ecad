// The base of the activators' interfaces (activator_interface.cpp,
// legacy_activator_interface.cpp): a generated dispatcher that answers
// every call, except the activations a subclass hands to its bounded pool
// because they wait for an out-of-process class server (docs/hardening.md
// C16: nothing that waits runs on a transport thread). A job captures by
// value what it uses (the activator, the call's peer and Responder), never
// the interface: the pool is stopped (running jobs joined) only after a
// subclass's members are gone.
#pragma once

#include <memory>

#include "../transport/auth_pool.hpp"
#include "rampart/runtime/interface.hpp"

namespace rampart::dcom {

class PooledDispatcher : public runtime::Interface {
 public:
  [[nodiscard]] const SyntaxId& syntax() const noexcept override { return inner_->syntax(); }
  [[nodiscard]] std::string_view name() const noexcept override { return inner_->name(); }
  [[nodiscard]] std::uint16_t operation_count() const noexcept override { return inner_->operation_count(); }
  [[nodiscard]] bool supports_transfer_syntax(const SyntaxId& t) const noexcept override {
    return inner_->supports_transfer_syntax(t);
  }

 protected:
  PooledDispatcher(std::shared_ptr<runtime::Interface> inner, std::size_t threads, std::size_t queue)
      : inner_(std::move(inner)), pool_(threads, queue) {}

  std::shared_ptr<runtime::Interface> inner_;  // the generated dispatcher
  transport::AuthPool pool_;
};

}  // namespace rampart::dcom
