// InterfaceRegistry: the interfaces a server offers, changeable at run time.
// Readers (every bind and alter_context) take a snapshot without locking
// writers out for long; register/unregister publish a new snapshot.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "rampart/runtime/interface.hpp"

namespace rampart::runtime {

class InterfaceRegistry {
 public:
  using Snapshot = std::vector<std::shared_ptr<Interface>>;

  /// Adds an interface; replaces one with the same UUID and major version.
  void add(std::shared_ptr<Interface> iface);
  /// Removes the interface; contexts bound to it fault with nca_s_unk_if.
  void remove(const SyntaxId& syntax);

  /// C706 12.6.3.1 / [MS-RPCE] 3.3.1.5.3: an abstract syntax matches when
  /// the UUID and major version are equal and the client's minor version is
  /// not above the server's.
  [[nodiscard]] std::shared_ptr<Interface> find(const SyntaxId& abstract) const;
  [[nodiscard]] bool contains(const Interface& iface) const;
  [[nodiscard]] std::shared_ptr<const Snapshot> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> current_ = std::make_shared<Snapshot>();
};

}  // namespace rampart::runtime
