// Out-of-process class servers, from the activator's side (docs/dcom.md,
// "Out-of-process class servers"). rampartd's registry of class servers
// (apps/rampartd/class_server_registry.hpp) implements ClassForwarder; the
// Activator consults it after every check of an activation request (floor,
// COMVERSION, OBJREF, the activation blob), so the MS03-039 parsing never
// moves to a class server. A forwarded activation runs on a bounded pool,
// never on a transport thread (docs/hardening.md C16), and the forwarder
// bounds it in time.
//
// What a class server answers is input from a less-trusted local process
// (docs/hardening.md C18): validate_forwarded() checks it before any of it
// reaches a reply.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rampart/base/uuid.hpp"
#include "rampart/dcom/com_server.hpp"
#include "rampart/dcom/object_exporter.hpp"

namespace rampart::dcom {

/// [MS-ERREF] 2.1: CO_E_SERVER_EXEC_FAILURE, "Server execution failed",
/// what Windows' SCM answers when the server of a registered class cannot
/// be started or does not answer the activation in time.
inline constexpr std::uint32_t kServerExecFailure = 0x80080005;

/// A class server's object exporter, as it registered it.
struct ForwardedExporter {
  Oxid oxid = 0;
  std::uint16_t port = 0;  // its TCP endpoint for object calls
  Uuid ipid_rem_unknown;
  AuthnLevel level = AuthnLevel::pkt_integrity;
};

struct ForwardRequest {
  Uuid clsid;
  std::vector<Uuid> iids;
  AuthnLevel caller_level = AuthnLevel::none;
  std::string principal;      // the activating client, empty when anonymous
  bool class_object = false;  // RemoteGetClassObject: the class's IClassFactory
};

struct ForwardedInstance {
  ForwardedExporter exporter;
  std::vector<InterfaceResult> results;  // one per requested IID, in order
};

class ClassForwarder {
 public:
  virtual ~ClassForwarder() = default;
  /// Whether `clsid` belongs to a configured class server (registered now
  /// or not).
  [[nodiscard]] virtual bool forwards(const Uuid& clsid) const = 0;
  /// Blocks (bounded); the HRESULT of a refusal: kServerExecFailure when
  /// no server is registered, it does not answer in time or its answer
  /// breaks validate_forwarded(); the server's own failure HRESULT else.
  [[nodiscard]] virtual std::expected<ForwardedInstance, std::uint32_t> forward(const ForwardRequest& request) = 0;
};

/// Why a class server's answer cannot be relayed, or nullopt when it can:
/// exactly one result per requested IID; every S_OK result has a non-zero
/// OID and IPID, the registered OXID, at least one public reference
/// (at most 0x7fffffff) and no flag but SORF_NOPING, all on one OID; a
/// failure result is a failure HRESULT. (No S_OK at all is the activation's
/// E_NOINTERFACE, as for an in-process class.)
[[nodiscard]] std::optional<std::string> validate_forwarded(const ForwardedExporter& exporter,
                                                            std::span<const Uuid> iids,
                                                            std::span<const InterfaceResult> results);

}  // namespace rampart::dcom
