// ClassServerRegistry: rampartd's side of out-of-process DCOM class servers
// (docs/dcom.md, "Out-of-process class servers").
//  - It serves IRampartClassRegistry (idl/rampart/class_server.idl) on the
//    local socket transport only: a TCP caller gets the fault access denied
//    before anything is unmarshalled, as a remote ept_insert does
//    (docs/hardening.md C14).
//  - RegisterClassServer is refused, with the status returned as the
//    call's error_status_t, when:
//      ERROR_ACCESS_DENIED (5): the caller's SO_PEERCRED uid is neither
//        root nor the `user` of the [[dcom.server]] entry naming the CLSIDs;
//      REGDB_E_CLASSNOTREG (0x80040154): a CLSID no [[dcom.server]] entry
//        names, or CLSIDs of two entries in one registration;
//      CO_E_OBJISREG (0x800401fb): a CLSID another live connection holds;
//      E_INVALIDARG (0x80070057): an OXID that is rampartd's own or another
//        server's, a zero OXID or port, a nil IRemUnknown IPID, a socket
//        path that is not absolute or does not fit sockaddr_un.
//  - A registration belongs to its connection: when it closes (the server
//    exits or crashes) its CLSIDs, OXID and tracked OIDs are gone.
//  - forward() connects only to the socket the registration named, checks
//    that the process listening there has the registered uid (SO_PEERCRED),
//    bounds every step by [dcom] forward_timeout_ms and validates the
//    answer (class_forwarder.hpp); every failure is CO_E_SERVER_EXEC_FAILURE.
// Registrations and their ends are logged with the caller's pid and uid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "class_server.hpp"
#include "config.hpp"
#include "rampart/dcom/class_forwarder.hpp"
#include "rampart/runtime/interface.hpp"

namespace rampartd {

inline constexpr std::uint32_t kCoEObjIsReg = 0x800401fb;

class ClassServerRegistry final : public rampart::dcom::ClassForwarder,
                                  public rampart::spec::class_server::IRampartClassRegistry_server {
 public:
  struct Server {
    std::string name;
    std::vector<rampart::Uuid> clsids;
    uid_t uid = 0;
  };
  /// `own_oxid`: rampartd's exporter, which no server may claim.
  ClassServerRegistry(std::vector<Server> servers, rampart::dcom::Oxid own_oxid, std::chrono::milliseconds timeout);

  /// The configuration's entries with their users resolved; throws
  /// std::runtime_error for a user that does not exist.
  [[nodiscard]] static std::vector<Server> from_config(const DcomConfig& config);

  std::expected<rampart::spec::class_server::RegisterClassServer_response, std::uint32_t> RegisterClassServer(
      const rampart::runtime::CallContext& ctx,
      rampart::spec::class_server::RegisterClassServer_request request) override;

  /// The connection of a registration closed.
  void connection_closed(std::uint64_t connection_id) noexcept;

  [[nodiscard]] bool forwards(const rampart::Uuid& clsid) const override;
  [[nodiscard]] std::expected<rampart::dcom::ForwardedInstance, std::uint32_t> forward(
      const rampart::dcom::ForwardRequest& request) override;

  /// Live registrations (for tests and metrics).
  [[nodiscard]] std::size_t registered() const;

 private:
  struct Registration {
    std::size_t server = 0;
    pid_t pid = 0;
    uid_t uid = 0;
    rampart::dcom::ForwardedExporter exporter;
    std::string socket;
  };
  /// The status of a RegisterClassServer from `peer`; 0 to accept.
  std::uint32_t check(const rampart::runtime::PeerInfo& peer,
                      const rampart::spec::class_server::RegisterClassServer_request& r, std::size_t& server) const;
  std::optional<Registration> live(const rampart::Uuid& clsid) const;

  std::vector<Server> servers_;
  std::map<rampart::Uuid, std::size_t> configured_;  // CLSID -> servers_ index
  rampart::dcom::Oxid own_oxid_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Registration> by_connection_;
  std::map<rampart::Uuid, std::uint64_t> owner_;  // CLSID -> connection
};

/// IRampartClassRegistry as rampartd serves it: local callers only, and a
/// closed connection ends its registration.
[[nodiscard]] std::shared_ptr<rampart::runtime::Interface> make_class_registry_interface(
    std::shared_ptr<ClassServerRegistry> registry);

}  // namespace rampartd
