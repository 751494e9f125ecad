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
//  - Pinging: clients ping rampartd. Every object relayed (unless its
//    STDOBJREF has SORF_NOPING) is tracked by OID in rampartd's exporter,
//    bounded as its own objects are; when one goes unpinged for ping period
//    x 3, rampartd calls RundownOids on its server, which releases it. The
//    call runs on the registry's own thread (collection also runs inside
//    object resolver calls, on transport threads, which must not block),
//    bounded by forward_timeout_ms; at most kMaxPendingRundowns wait, and
//    beyond that an OID is dropped with a log line (its server keeps the
//    object until it exits).
//  - forward() connects only to the socket the registration named, checks
//    that the process listening there has the registered uid (SO_PEERCRED),
//    bounds every step by [dcom] forward_timeout_ms and validates the
//    answer (class_forwarder.hpp); every failure is CO_E_SERVER_EXEC_FAILURE.
// Registrations and their ends are logged with the caller's pid and uid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "class_server.hpp"
#include "config.hpp"
#include "rampart/dcom/class_forwarder.hpp"
#include "rampart/runtime/interface.hpp"

namespace rampartd {

inline constexpr std::uint32_t kCoEObjIsReg = 0x800401fb;
inline constexpr std::size_t kMaxPendingRundowns = 65536;

class ClassServerRegistry final : public std::enable_shared_from_this<ClassServerRegistry>,
                                  public rampart::dcom::ClassForwarder,
                                  public rampart::spec::class_server::IRampartClassRegistry_server {
 public:
  struct Server {
    std::string name;
    std::vector<rampart::Uuid> clsids;
    uid_t uid = 0;
  };
  /// `exporter`: rampartd's, whose OXIDs no server may claim; a server's
  /// OXID is added to it while registered (ResolveOxid answers for it) and
  /// the OIDs of the objects relayed are tracked in it for pinging.
  ClassServerRegistry(std::vector<Server> servers, std::shared_ptr<rampart::dcom::ObjectExporter> exporter,
                      std::chrono::milliseconds timeout);
  ~ClassServerRegistry();
  ClassServerRegistry(const ClassServerRegistry&) = delete;
  ClassServerRegistry& operator=(const ClassServerRegistry&) = delete;

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
  /// Tracks the relayed objects' OIDs for pinging; false at the bound.
  bool track(const Registration& reg, const std::vector<rampart::dcom::InterfaceResult>& results);
  /// An OID expired unpinged on rampartd: queues RundownOids on its server.
  void queue_rundown(rampart::dcom::Oxid oxid, rampart::dcom::Oid oid);
  void rundown(rampart::dcom::Oxid oxid, rampart::dcom::Oid oid);
  void rundown_loop(std::stop_token stop);

  std::vector<Server> servers_;
  std::map<rampart::Uuid, std::size_t> configured_;  // CLSID -> servers_ index
  std::shared_ptr<rampart::dcom::ObjectExporter> exporter_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Registration> by_connection_;
  std::map<rampart::Uuid, std::uint64_t> owner_;  // CLSID -> connection
  std::mutex rundown_mutex_;
  std::condition_variable_any rundown_wake_;
  std::deque<std::pair<rampart::dcom::Oxid, rampart::dcom::Oid>> rundowns_;
  std::jthread rundown_thread_;  // last: stops first
};

/// IRampartClassRegistry as rampartd serves it: local callers only, and a
/// closed connection ends its registration.
[[nodiscard]] std::shared_ptr<rampart::runtime::Interface> make_class_registry_interface(
    std::shared_ptr<ClassServerRegistry> registry);

}  // namespace rampartd
