// DcomClient: the client side of DCOM over transport::BlockingClient, the
// counterpart of CoCreateInstanceEx, IRemUnknown and the OXID resolver
// ([MS-DCOM] 3.2). Two connections, each authenticated with the same
// transport::ClientOptions (NTLM or Kerberos at any level):
//
//   resolver  host:135      IRemoteSCMActivator (RemoteCreateInstance,
//                           RemoteGetClassObject) and IObjectExporter
//                           (ServerAlive2, ResolveOxid2, ComplexPing, SimplePing)
//   exporter  OXID binding  IRemUnknown and the object interfaces, each call
//                           carrying the IPID as its object UUID ([MS-DCOM] 3.2.4.2)
//
// Which OXID binding the client connects to (select_oxid_binding): a
// DUALSTRINGARRAY comes from the server, so it could name any host. The
// client only takes an ncacn_ip_tcp (tower 7) binding whose address is the
// host it was given, compared without case, with the port in brackets
// ("127.0.0.1[135]"); it never connects to another address the server
// lists, nor to a binding without a port. Impacket 0.10.0 applies the same
// rule (it uses a binding only if its address contains the target).
//
// Every reply is read strictly (activation_exchange.hpp, objref.hpp,
// dual_string_array.hpp, the generated decoders). A method that returns a
// failure HRESULT or error_status_t fails with Errc::call_failed and
// last_status() holds the value; a fault is runtime::ClientErrc::call_faulted
// with last_status() holding the fault status.
//
// Object lifetime: the server collects an object whose OID is not pinged
// for ping period x 3 ([MS-DCOM] 3.2.6.2, 120 s x 3 on Windows). ping()
// keeps one ping set for this client: the first call is a ComplexPing that
// adds the OIDs, later calls with the same OIDs are SimplePings, a change
// is a ComplexPing with the difference. Call it at least once per period.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/error.hpp"
#include "rampart/base/uuid.hpp"
#include "rampart/dcom/activation_exchange.hpp"
#include "rampart/dcom/com_version.hpp"
#include "rampart/dcom/dual_string_array.hpp"
#include "rampart/dcom/objref.hpp"
#include "orpc.hpp"
#include "rampart/runtime/interface_descriptor.hpp"
#include "rampart/transport/client.hpp"

namespace rampart::dcom {

struct DcomClientOptions {
  /// Timeouts, limits and authentication of both connections.
  transport::ClientOptions transport;
  /// The object resolver and SCM ([MS-DCOM] 2.1: TCP 135).
  std::uint16_t resolver_port = 135;
  /// Offered in ORPCTHIS and InstantiationInfoData.
  ComVersion version = kComVersion;
};

struct ServerAliveInfo {
  ComVersion version;
  DualStringArray bindings;
};

struct OxidInfo {
  DualStringArray bindings;
  Uuid ipid_rem_unknown;
  std::uint32_t authn_hint = 0;
  ComVersion version;
};

struct QueryResult {
  Uuid iid;
  std::uint32_t hresult = 0;
  std::optional<StdObjRef> std;  // present exactly when hresult is S_OK
};

/// One REMINTERFACEREF ([MS-DCOM] 2.2.20).
struct InterfaceRef {
  Uuid ipid;
  std::uint32_t public_refs = 1;
  std::uint32_t private_refs = 0;
};

struct PingOutcome {
  std::uint64_t set_id = 0;
  bool complex = false;         // ComplexPing (true) or SimplePing
  std::uint16_t backoff = 0;    // pPingBackoffFactor of a ComplexPing
};

/// The binding the exporter connection uses; see the rule above.
struct ExporterAddress {
  std::string host;
  std::uint16_t port = 0;
};
[[nodiscard]] Result<ExporterAddress> select_oxid_binding(const DualStringArray& bindings, std::string_view target);

class DcomClient {
 public:
  DcomClient(std::string host, DcomClientOptions options = {});
  ~DcomClient();
  DcomClient(const DcomClient&) = delete;
  DcomClient& operator=(const DcomClient&) = delete;

  // IObjectExporter on the resolver port ([MS-DCOM] 3.1.2.5.1).
  [[nodiscard]] Result<ServerAliveInfo> server_alive2();
  [[nodiscard]] Result<OxidInfo> resolve_oxid2(std::uint64_t oxid,
                                               std::vector<std::uint16_t> protseqs = {kTowerNcacnIpTcp});
  [[nodiscard]] Result<PingOutcome> complex_ping(std::uint64_t set_id, std::uint16_t sequence,
                                                 std::span<const std::uint64_t> add,
                                                 std::span<const std::uint64_t> remove);
  [[nodiscard]] Result<void> simple_ping(std::uint64_t set_id);
  /// Keeps `oids` alive in this client's ping set (see above).
  [[nodiscard]] Result<PingOutcome> ping(std::span<const std::uint64_t> oids);

  // IRemoteSCMActivator on the resolver port ([MS-DCOM] 3.1.2.5.2.3).
  /// RemoteCreateInstance; the reply is remembered as the exporter to use.
  [[nodiscard]] Result<ActivationReply> create_instance(const ActivationParams& params);
  /// RemoteGetClassObject: the class object (IClassFactory among params.iids).
  [[nodiscard]] Result<ActivationReply> get_class_object(const ActivationParams& params);
  /// IClassFactory::CreateInstance on the class object `class_ipid` of the
  /// last activation: a new instance's OBJREF_STANDARD for `iid`. Only an
  /// object on the same OXID is taken (the exporter already chosen).
  [[nodiscard]] Result<ObjRefStandard> create_from_class_object(const Uuid& class_ipid, const Uuid& iid);

  // The exporter of the last activation ([MS-DCOM] 3.2.4).
  /// A channel for a generated proxy of `interface` (bound on the
  /// exporter connection, which is opened on first use); construct the
  /// proxy with the IPID as its object.
  [[nodiscard]] Result<runtime::StubChannel> object_channel(const SyntaxId& interface);
  /// IRemUnknown::RemQueryInterface on `ipid`'s object, `refs` references each.
  [[nodiscard]] Result<std::vector<QueryResult>> rem_query_interface(const Uuid& ipid, std::span<const Uuid> iids,
                                                                     std::uint32_t refs = 1);
  /// RemAddRef: the per-entry HRESULTs.
  [[nodiscard]] Result<std::vector<std::uint32_t>> rem_add_ref(std::span<const InterfaceRef> refs);
  [[nodiscard]] Result<void> rem_release(std::span<const InterfaceRef> refs);

  /// The ORPCTHIS of a new call chain: DcomClientOptions::version and a
  /// fresh causality id ([MS-DCOM] 1.3.5, 2.2.13.3). Pass it to the
  /// generated proxies of object interfaces.
  [[nodiscard]] spec::orpc::ORPCTHIS orpcthis() const;
  /// Where the exporter connection goes (after an activation).
  [[nodiscard]] std::optional<ExporterAddress> exporter_address() const;
  /// The HRESULT, error_status_t or fault status of the last call that failed.
  [[nodiscard]] std::uint32_t last_status() const noexcept { return last_status_; }
  [[nodiscard]] const std::string& host() const noexcept { return host_; }

 private:
  struct Connection;
  Result<Connection*> resolver(const SyntaxId& interface);
  Result<Connection*> exporter(const SyntaxId& interface);
  Result<ActivationReply> activate(std::uint16_t opnum, const ActivationParams& params);
  Result<void> status(std::uint32_t value, const char* what);

  std::string host_;
  DcomClientOptions options_;
  std::unique_ptr<Connection> resolver_;
  std::unique_ptr<Connection> exporter_;
  std::optional<ActivationReply> activation_;
  std::optional<ExporterAddress> exporter_address_;
  std::uint64_t ping_set_ = 0;
  std::uint16_t ping_sequence_ = 0;
  std::set<std::uint64_t> pinged_;
  std::uint32_t last_status_ = 0;
};

}  // namespace rampart::dcom
