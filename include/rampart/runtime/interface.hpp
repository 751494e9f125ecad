// The server-side contract of an RPC interface: what the dispatcher calls
// once a request has been framed, reassembled and routed by presentation
// context -> interface (UUID, version) -> opnum.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "rampart/base/uuid.hpp"
#include "rampart/runtime/auth_policy.hpp"
#include "rampart/runtime/peer.hpp"

namespace rampart::runtime {

class AssociationGroup;

/// What a handler answers: a response stub, or a fault status.
struct CallOutcome {
  std::vector<std::uint8_t> stub;
  std::uint32_t fault_status = 0;  // nonzero: a fault PDU with this status
  bool did_not_execute = false;    // PFC_DID_NOT_EXECUTE on the fault

  [[nodiscard]] static CallOutcome success(std::vector<std::uint8_t> stub) { return {std::move(stub), 0, false}; }
  [[nodiscard]] static CallOutcome fault(std::uint32_t status, bool did_not_execute = false) {
    return {{}, status, did_not_execute};
  }
  [[nodiscard]] bool is_fault() const noexcept { return fault_status != 0; }
};

/// Everything a handler may know about one call. Valid for the duration of
/// Interface::call(); a handler that answers later copies what it needs.
struct CallContext {
  const PeerInfo& peer;
  AssociationGroup& group;  // context handles live here ([MS-RPCE] 3.3.1.1)
  std::uint32_t call_id;
  std::uint16_t context_id;
  std::uint16_t opnum;
  /// The request's object UUID (PFC_OBJECT_UUID), which DCOM routes by.
  std::optional<Uuid> object;
  Drep drep;
  SyntaxId transfer_syntax;
  std::span<const std::uint8_t> stub;
  /// How the call is authenticated ([MS-RPCE] 3.3.3.4.3, what
  /// RpcServerInqCallAttributes reports): the security context the
  /// request's sec_trailer names or, for a request without one on a
  /// connection authenticated at connect level, that connection's context.
  CallAuth auth{};
};

/// Answers one call exactly once, inline or later from any thread. A
/// handler that must wait (disk, another service) keeps the Responder and
/// returns; the event loop is never blocked (docs/hardening.md C16).
class Responder {
 public:
  struct Slot;  // shared between the association and the responder
  explicit Responder(std::shared_ptr<Slot> slot) noexcept : slot_(std::move(slot)) {}
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&&) noexcept = default;
  ~Responder();
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  /// Answers the call. Only the first answer counts.
  void respond(CallOutcome outcome);

 private:
  std::shared_ptr<Slot> slot_;
};

struct Responder::Slot {
  std::mutex mutex;
  std::optional<CallOutcome> inline_outcome;  // filled while call() runs
  bool call_returned = false;                 // after this, use deliver
  bool answered = false;
  std::function<void(CallOutcome)> deliver;   // posts to the connection
};

class Interface {
 public:
  virtual ~Interface() = default;
  [[nodiscard]] virtual const SyntaxId& syntax() const noexcept = 0;
  /// A short name for logs: "epmapper", "mgmt".
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  /// Opnums 0 .. operation_count()-1 exist; others get nca_s_op_rng_error.
  [[nodiscard]] virtual std::uint16_t operation_count() const noexcept = 0;
  /// Whether this interface's stubs can be marshalled in `transfer`: NDR20
  /// always; NDR64 ([MS-RPCE] 2.2.5) when the codecs were generated with it
  /// (rampart-idl's dispatchers). Bind prefers NDR64 when both sides have it.
  [[nodiscard]] virtual bool supports_transfer_syntax(const SyntaxId& transfer) const noexcept {
    return transfer == syntax::kNdr20;
  }
  /// Interfaces that must not be reached remotely (docs/hardening.md C14) return
  /// false here; the dispatcher refuses before unmarshalling anything.
  [[nodiscard]] virtual bool allows_peer(const PeerInfo&, std::uint16_t /*opnum*/) const noexcept { return true; }
  /// Runs one call; answers through `responder`, now or later.
  virtual void call(const CallContext& ctx, Responder responder) = 0;
  /// A connection that had a context bound to this interface closed.
  /// Services that tie state to a connection (the endpoint mapper's
  /// registrations over the local socket) release it here. Called on the
  /// connection's thread; must not block.
  virtual void connection_closed(const PeerInfo& /*peer*/) noexcept {}
};

}  // namespace rampart::runtime
