// A local server's endpoints in rampartd's endpoint map: ept_insert and
// ept_delete (C706 Appendix O, [MS-RPCE] 2.2.1.2) over one of rampartd's
// Unix-domain sockets, where rampartd identifies the caller by SO_PEERCRED.
//  - Over the local socket (kLocalRegistrationSocket, any local user, subject
//    to rampartd's registration policy) the entries belong to the connection:
//    the EndpointRegistration handle keeps it open, and rampartd removes the
//    entries when it closes, so a server that exits or crashes leaves no
//    stale entry behind.
//  - Over the static socket (kStaticRegistrationSocket, root only) the
//    entries stay after the handle is gone, until unregister_endpoint or a
//    rampartd restart.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/binding/protseq.hpp"

namespace rampart::transport {

class BlockingClient;

inline constexpr const char* kLocalRegistrationSocket = "/run/rampart/epmapper.sock";
inline constexpr const char* kStaticRegistrationSocket = "/run/rampart/epmapper-static.sock";

/// One endpoint map element as a server registers it (C706 Appendix O
/// ept_entry_t): the object UUID, the protocol tower's octets and the
/// annotation. The wire form is the generated ept_entry_t (idl/c706/epm.idl).
struct EptEntry {
  Uuid object;
  std::vector<std::uint8_t> tower;
  std::string annotation;
  friend bool operator==(const EptEntry&, const EptEntry&) = default;
};

struct RegistrationOptions {
  /// rampartd's socket; the local one holds entries for the connection's lifetime.
  std::string socket = kLocalRegistrationSocket;
  /// Bounds the connect, the bind and the call each.
  std::chrono::milliseconds timeout{5000};
};

/// The endpoint mapper's answer: a fault (the call itself was refused,
/// e.g. 5, access denied, for a caller rampartd does not accept) or the
/// operation's status (0, or an EPT_S_* / RPC_S_* code).
struct EptAnswer {
  std::uint32_t fault_status = 0;
  std::uint32_t status = 0;
  [[nodiscard]] bool ok() const noexcept { return fault_status == 0 && status == 0; }
};

/// The entry that registers `interface` (NDR 2.0) at `endpoint` over
/// protocol sequence `protseq`: its tower has
/// no address (0.0.0.0 for TCP), which rampartd's replies turn into the
/// address each client reached. Fails if the endpoint does not suit the
/// protocol sequence or the annotation is longer than 63 octets.
[[nodiscard]] Result<EptEntry> make_ept_entry(const SyntaxId& interface, binding::Protseq protseq,
                                                   std::string_view endpoint, std::string annotation = {},
                                                   Uuid object = {});

/// An open registration. Destroying it (or release()) closes the
/// connection, which over the local socket removes its entries.
class EndpointRegistration {
 public:
  EndpointRegistration(EndpointRegistration&&) noexcept;
  EndpointRegistration& operator=(EndpointRegistration&&) noexcept;
  ~EndpointRegistration();

  /// What ept_insert answered; only an ok() answer registered anything.
  [[nodiscard]] const EptAnswer& answer() const noexcept { return answer_; }
  /// The connection is open on this side (a close by rampartd shows only at
  /// the next call, e.g. renew()).
  [[nodiscard]] bool connected() const noexcept;
  /// Inserts the entries again (replace = 1, so it changes nothing while
  /// they are registered) over the connection, or over a new one when that
  /// call fails: rampartd restarted and dropped the connection, and with it
  /// the entries. A server calls it periodically, or when it suspects a
  /// restart, to keep its registration across rampartd restarts.
  [[nodiscard]] Result<EptAnswer> renew();
  /// Closes the connection; over the local socket the entries go with it.
  void release() noexcept;

 private:
  friend Result<EndpointRegistration> register_endpoint(std::span<const EptEntry>, const RegistrationOptions&);
  EndpointRegistration(std::unique_ptr<BlockingClient> client, EptAnswer answer, std::span<const EptEntry> entries,
                       RegistrationOptions options);
  std::unique_ptr<BlockingClient> client_;
  EptAnswer answer_;
  std::vector<EptEntry> entries_;
  RegistrationOptions options_;
};

/// Connects to options.socket, binds the endpoint mapper and inserts
/// `entries` (replace = 1, as a restarting server re-registers). An Error
/// is a failure to connect, bind or call; the endpoint mapper's own answer
/// is in the handle.
[[nodiscard]] Result<EndpointRegistration> register_endpoint(std::span<const EptEntry> entries,
                                                             const RegistrationOptions& options = {});

/// Deletes `entries` over its own short connection.
[[nodiscard]] Result<EptAnswer> unregister_endpoint(std::span<const EptEntry> entries,
                                                    const RegistrationOptions& options = {});

}  // namespace rampart::transport

namespace rampart {
// The registration call under its short name, rampart::register_endpoint.
using transport::EndpointRegistration;
using transport::register_endpoint;
using transport::unregister_endpoint;
}  // namespace rampart
