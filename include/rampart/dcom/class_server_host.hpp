// ClassServerHost: the library side of an out-of-process DCOM class server
// (docs/dcom.md, "Out-of-process class servers").
//
// A server builds its classes on com_server() exactly as for in-process
// classes (com_server.hpp), then start()s the host, which
//  - serves object calls (the ObjectRouters, IRemUnknown and IRemUnknown2
//    of its own ObjectExporter and OXID) on a TCP port the kernel picks;
//  - serves IRampartClassServer (idl/rampart/class_server.idl) on a Unix
//    socket of its own, to rampartd alone: a caller whose SO_PEERCRED uid is
//    not the uid of the rampartd it registered with (or root) is refused
//    with access denied before anything is unmarshalled;
//  - registers with rampartd over the local registration socket
//    (RegisterClassServer: its CLSIDs, OXID, port, IRemUnknown IPID,
//    authentication level and the socket's path). The registration lasts
//    as long as that connection: renew() re-registers over a new one after
//    a rampartd restart, and destroying the host ends it.
// Object lifetime: clients ping rampartd, not the class server. The host's
// exporter therefore never collects an object for want of pings; rampartd
// calls RundownOids when one of its OIDs has not been pinged for ping
// period x 3, and the host releases it (counted in rundowns()). Releases
// (IRemUnknown RemRelease) come straight to the host's own exporter.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "rampart/base/error.hpp"
#include "rampart/dcom/com_server.hpp"
#include "rampart/dcom/object_exporter.hpp"
#include "rampart/runtime/server_core.hpp"
#include "rampart/transport/endpoint_registration.hpp"

namespace rampart::dcom {

struct ClassServerHostOptions {
  /// rampartd's local registration socket.
  std::string registration_socket = transport::kLocalRegistrationSocket;
  /// Where this server serves IRampartClassServer; required, absolute,
  /// shorter than 108 octets. An existing socket file there is replaced.
  std::string forward_socket;
  /// The TCP address for object calls; port 0: the kernel picks one.
  std::string listen = "0.0.0.0:0";
  /// The exporter's authentication level ([MS-DCOM] 3.1.1.5.4): object
  /// calls below it get E_ACCESSDENIED; rampartd advertises it as authnHint.
  AuthnLevel level = AuthnLevel::pkt_integrity;
  /// Bounds the registration's connect and call.
  std::chrono::milliseconds timeout{5000};
  std::size_t threads = 2;
  /// Who may call this server's objects (the access lists of
  /// class_permissions.hpp, checked by its object routers and IRemUnknown
  /// as rampartd checks its own); null: every caller at `level`. Who may
  /// activate its classes is rampartd's launch list ([[dcom.class_security]]),
  /// checked before an activation is forwarded.
  std::shared_ptr<PermissionGate> permissions;
};

class ClassServerHost {
 public:
  explicit ClassServerHost(ClassServerHostOptions options);
  ~ClassServerHost();
  ClassServerHost(const ClassServerHost&) = delete;
  ClassServerHost& operator=(const ClassServerHost&) = delete;

  /// Register classes and interfaces here before start().
  [[nodiscard]] ComServer& com_server() noexcept { return *server_; }
  /// Security providers and limits for the object port.
  [[nodiscard]] runtime::ServerCore& core() noexcept { return core_; }

  /// Listens and registers. An Error when a socket cannot be bound or
  /// rampartd cannot be reached; else RegisterClassServer's status (0:
  /// registered; class_server_registry.hpp lists the refusals).
  [[nodiscard]] Result<std::uint32_t> start();
  /// Registers again: over the open connection (changing nothing) or, when
  /// rampartd dropped it (a restart), over a new one.
  [[nodiscard]] Result<std::uint32_t> renew();

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] Oxid oxid() const noexcept { return oxid_.oxid; }
  [[nodiscard]] const std::shared_ptr<ObjectExporter>& exporter() const noexcept { return exporter_; }
  /// Objects released because rampartd ran them down.
  [[nodiscard]] std::size_t rundowns() const noexcept { return rundowns_->load(); }

  struct Impl;

 private:
  ClassServerHostOptions options_;
  runtime::ServerCore core_;
  std::shared_ptr<ObjectExporter> exporter_;
  OxidEntry oxid_;
  std::shared_ptr<ComServer> server_;
  std::shared_ptr<std::atomic<std::size_t>> rundowns_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rampart::dcom
