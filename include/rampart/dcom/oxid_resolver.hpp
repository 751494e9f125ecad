// OxidResolver: IObjectExporter ([MS-DCOM] 3.1.2.5.1), the object resolver
// served on the endpoint mapper's port, over the generated skeleton
// (spec::oxid::IObjectExporter_server) and the ObjectExporter's tables.
//
// What it discloses (ResolverPolicy::disclosure): ServerAlive2 and the OXID
// bindings list Rampart's own addresses only, never an address or name a
// client supplied, and Rampart never connects to a client's binding.
//  - listening (default): the address the caller connected to, then every
//    configured listening address that is not a wildcard;
//  - connection: only the address the caller connected to.
// Enumerating a host's interfaces and addresses through ServerAlive2 is a
// known reconnaissance technique; neither policy adds anything the caller
// could not see already. Security bindings carry ResolverPolicy's
// principal name, never an empty one (Impacket 0.10.0 cannot parse it).
//
// Status values: an unknown OXID is OR_INVALID_OXID, an unknown set
// OR_INVALID_SET, exhaustion E_OUTOFMEMORY (dcom::react); the object
// resolver's methods return them as error_status_t, as [MS-DCOM] 3.1.2.5.1
// says. The garbage collector runs on each call (at most once per ping
// period / 4) and from collect(), which rampartd calls from a timer.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "oxid.hpp"
#include "rampart/dcom/dual_string_array.hpp"
#include "rampart/dcom/object_exporter.hpp"

namespace rampart::dcom {

enum class Disclosure : std::uint8_t { listening, connection };

struct ResolverPolicy {
  Disclosure disclosure = Disclosure::listening;
  /// Numeric addresses rampartd listens on ("0.0.0.0" and "::" are skipped).
  std::vector<std::string> listening_addresses;
  /// The principal name of the security bindings; never empty.
  std::string principal = "rampart";
  /// [MS-RPCE] 2.2.1.1.7 authentication services listed in the security
  /// bindings: NTLM (0x0a) by default.
  std::vector<std::uint16_t> authn_services{0x0a};
  /// The authnHint of ResolveOxid(2): the activation floor, which is
  /// packet integrity by default ([MS-DCOM] 3.1.2.5.1.5: 1, 5 or 6 seen).
  AuthnLevel authn_hint = AuthnLevel::pkt_integrity;
};

class OxidResolver final : public spec::oxid::IObjectExporter_server {
 public:
  using Now = std::function<Clock::time_point()>;

  OxidResolver(std::shared_ptr<ObjectExporter> exporter, ResolverPolicy policy, Now now = &Clock::now);

  /// ServerAlive2's bindings for a caller on this connection.
  [[nodiscard]] DualStringArray resolver_bindings(const runtime::PeerInfo& peer) const;
  /// An OXID's bindings: the same addresses with the port the caller used
  /// ("127.0.0.1[135]"): object calls go to the exporter's own endpoint.
  [[nodiscard]] DualStringArray oxid_bindings(const runtime::PeerInfo& peer) const;
  /// The same addresses with another exporter's TCP port: an out-of-process
  /// class server's (class_forwarder.hpp), disclosed by this policy.
  [[nodiscard]] DualStringArray oxid_bindings(const runtime::PeerInfo& peer, const std::string& port) const;

  /// Runs the garbage collector now; returns the objects released.
  std::size_t collect();

  std::expected<spec::oxid::ResolveOxid_response, std::uint32_t> ResolveOxid(
      const runtime::CallContext& ctx, spec::oxid::ResolveOxid_request request) override;
  std::expected<spec::oxid::SimplePing_response, std::uint32_t> SimplePing(
      const runtime::CallContext& ctx, spec::oxid::SimplePing_request request) override;
  std::expected<spec::oxid::ComplexPing_response, std::uint32_t> ComplexPing(
      const runtime::CallContext& ctx, spec::oxid::ComplexPing_request request) override;
  std::expected<spec::oxid::ServerAlive_response, std::uint32_t> ServerAlive(
      const runtime::CallContext& ctx, spec::oxid::ServerAlive_request request) override;
  std::expected<spec::oxid::ResolveOxid2_response, std::uint32_t> ResolveOxid2(
      const runtime::CallContext& ctx, spec::oxid::ResolveOxid2_request request) override;
  std::expected<spec::oxid::ServerAlive2_response, std::uint32_t> ServerAlive2(
      const runtime::CallContext& ctx, spec::oxid::ServerAlive2_request request) override;

 private:
  struct Resolved {
    spec::orpc::DUALSTRINGARRAY bindings;
    spec::ms_dtyp::GUID ipid_rem_unknown;
    AuthnLevel authn_hint = AuthnLevel::none;
    std::uint32_t status = 0;
  };
  Resolved resolve(const runtime::CallContext& ctx, std::uint64_t oxid, std::span<const std::uint16_t> protseqs);
  void maybe_collect(Clock::time_point now);
  std::vector<std::string> addresses(const runtime::PeerInfo& peer) const;

  std::shared_ptr<ObjectExporter> exporter_;
  ResolverPolicy policy_;
  Now now_;
  std::atomic<Clock::rep> last_collect_{0};
};

/// The generated dispatcher over an OxidResolver, with decode limits that
/// bound ComplexPing's arrays by the exporter's OID limit.
[[nodiscard]] std::shared_ptr<runtime::Interface> make_oxid_resolver_interface(std::shared_ptr<OxidResolver> resolver,
                                                                               const ExporterLimits& limits);

/// Conversions between the generated wire types and Rampart's own.
[[nodiscard]] spec::orpc::DUALSTRINGARRAY to_wire(const DualStringArray& d);
[[nodiscard]] Result<DualStringArray> from_wire(const spec::orpc::DUALSTRINGARRAY& d, const DsaLimits& limits = {});
[[nodiscard]] spec::ms_dtyp::GUID to_wire(const Uuid& u);
[[nodiscard]] Uuid from_wire(const spec::ms_dtyp::GUID& g);

}  // namespace rampart::dcom
