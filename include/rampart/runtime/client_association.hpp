// ClientAssociation: the sans-I/O client state machine of one connection
// (C706 chapter 12, [MS-RPCE] 3.3.1 and 3.3.3 from the client's side).
// Bytes in, events out; PDUs to send are appended to an Output. No sockets,
// timers or threads: the transport (transport/client.hpp) owns those.
//
//   idle --begin_bind--> binding --bind_ack--> bound --(calls, alter)--> bound
//                           |                    |
//                           +--bind_nak / protocol error / close()--> closed
//
// Everything the server sends is checked with the server's own rules in
// mirror image (docs/hardening.md, "Client side"): framing by frag_length with caps, PTYPE legal
// for the state, result counts, negotiated sizes, fragment identity and a
// stub cap. A violation yields a ProtocolError event and closes the
// association; the transport then closes the connection.
// Diagram and the PDU-by-state table: docs/client.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "rampart/base/uuid.hpp"
#include "rampart/pdu/pdu.hpp"
#include "rampart/runtime/association.hpp"  // Output
#include "rampart/runtime/client_errc.hpp"
#include "rampart/runtime/client_security.hpp"
#include "rampart/runtime/fragment_limits.hpp"
#include "rampart/runtime/framer.hpp"
#include "rampart/runtime/reassembler.hpp"

namespace rampart::runtime {

/// [MS-RPCE] 3.3.1.5.2.1 / 2.2.2.x MUST_RECV_FRAG_SIZE: every implementation
/// receives fragments of 1432 octets; a server negotiating less is lying.
inline constexpr std::uint16_t kMustRecvFragSize = 1432;

/// Every bound the client enforces on what a server sends, one field each.
struct ClientLimits {
  /// Fragment sizes offered in the bind. 5840 is what Windows clients offer
  /// and Rampart's server accepts ([MS-RPCE] 3.3.1.5.2.1); a bind_ack may
  /// only lower them, never below kMustRecvFragSize.
  std::uint16_t max_xmit_frag = 5840;
  std::uint16_t max_recv_frag = 5840;
  /// Reassembly caps for responses (docs/hardening.md C2, C3 in mirror image):
  /// max_stub is the largest reassembled response stub (4 MiB by default,
  /// as the server caps requests, [MS-RPCE] 3.3.3.5.4).
  FragmentLimits fragments;
  /// Calls outstanding at once (docs/hardening.md C13). Without PFC_CONC_MPX the
  /// transport sends one at a time regardless (C706 12.4).
  std::size_t max_pending_calls = 32;
  /// Octets held by partly reassembled responses across all calls: with
  /// CONC_MPX a server could otherwise make the client hold
  /// max_pending_calls x max_stub.
  std::size_t max_buffered = 16u << 20;
  /// Presentation contexts defined on one association (bind + alters).
  std::size_t max_contexts = 64;
  /// Recently orphaned or timed-out call_ids whose late response or fault
  /// is dropped silently rather than treated as an unknown call_id.
  std::size_t orphan_memory = 64;
};

/// One presentation context to offer (C706 12.6.3.1 p_cont_elem_t).
struct ClientContext {
  std::uint16_t context_id = 0;
  SyntaxId abstract_syntax;
  std::vector<SyntaxId> transfer_syntaxes{syntax::kNdr20};
};

/// The server's answer for one offered context.
struct ContextOutcome {
  std::uint16_t context_id = 0;
  SyntaxId abstract_syntax;
  pdu::ContextResult result = pdu::ContextResult::provider_rejection;
  std::uint16_t reason = 0;  // provider reason, or feature bits for negotiate_ack
  SyntaxId transfer_syntax;
  [[nodiscard]] bool accepted() const noexcept { return result == pdu::ContextResult::acceptance; }
};

namespace client_event {
struct Bound {
  std::vector<ContextOutcome> results;
  std::uint32_t assoc_group_id = 0;
  std::uint16_t max_xmit_frag = 0;  // client -> server fragment size
  std::uint16_t max_recv_frag = 0;  // server -> client fragment size
  bool conc_mpx = false;
  std::string secondary_address;
};
struct BindRefused {
  pdu::RejectReason reason = pdu::RejectReason::reason_not_specified;
};
struct Altered {
  std::vector<ContextOutcome> results;
};
struct CallCompleted {
  std::uint32_t call_id = 0;
  std::vector<std::uint8_t> stub;  // owned
  Drep drep;
};
struct CallFaulted {
  std::uint32_t call_id = 0;
  std::uint32_t status = 0;
  bool did_not_execute = false;
};
/// The server asked the client to close once its calls are done (C706 12.6.4.11).
struct ShutdownRequested {};
/// The server broke a rule: the association is closed; close the connection.
struct ProtocolError {
  Error error;
};
/// Octets to write now, produced while reading: an authentication leg
/// (auth3, or an alter_context carrying a token) answering the server's.
struct Send {
  std::vector<std::uint8_t> bytes;
};
}  // namespace client_event

using ClientEvent = std::variant<client_event::Bound, client_event::BindRefused, client_event::Altered,
                                 client_event::CallCompleted, client_event::CallFaulted,
                                 client_event::ShutdownRequested, client_event::ProtocolError,
                                 client_event::Send>;

/// What begin_call sends.
struct ClientCall {
  std::optional<std::uint32_t> call_id;  // nullopt: the next free id
  std::uint16_t context_id = 0;
  std::uint16_t opnum = 0;
  std::optional<Uuid> object;  // PFC_OBJECT_UUID (DCOM routes by it)
  std::span<const std::uint8_t> stub;
};

class ClientAssociation {
 public:
  /// authenticating: the bind_ack arrived, an alter_context carries the
  /// next authentication leg ([MS-RPCE] 3.3.1.5.3); calls wait for Bound.
  enum class State { idle, binding, authenticating, bound, closed };

  explicit ClientAssociation(ClientLimits limits = {}, Drep drep = Drep::little());

  /// Authenticates the association with `auth` ([MS-RPCE] 3.3.1.5.2): call
  /// before begin_bind. Runs the provider's first step; the bind carries
  /// its token, and Bound is reported once the context is established.
  [[nodiscard]] Result<void> use_auth(ClientAuth auth);
  /// Sends a bind offering `contexts` (ids must be distinct). `assoc_group_id`
  /// 0 asks for a new group. `conc_mpx` requests PFC_CONC_MPX.
  [[nodiscard]] Result<void> begin_bind(std::span<const ClientContext> contexts, Output& out,
                                        bool conc_mpx = true, std::uint32_t assoc_group_id = 0);
  /// Sends an alter_context with more contexts; one alter at a time.
  [[nodiscard]] Result<void> begin_alter(std::span<const ClientContext> contexts, Output& out);
  /// Sends a request fragmented to the negotiated max_xmit_frag. Returns its call_id.
  [[nodiscard]] Result<std::uint32_t> begin_call(const ClientCall& call, Output& out);
  /// C706 12.6.4.6 co_cancel (the call stays pending) or [MS-RPCE] 2.2.2.x
  /// orphaned (the call is forgotten; its late answer is dropped). False
  /// when the call is not pending.
  bool cancel(std::uint32_t call_id, bool orphan, Output& out);
  /// Feeds octets from the server; events are appended in order.
  void on_bytes(std::span<const std::uint8_t> input, std::vector<ClientEvent>& events);
  /// The connection closed (or is being closed): nothing more is accepted.
  void close() noexcept;

  [[nodiscard]] State state() const noexcept { return state_; }
  [[nodiscard]] bool conc_mpx() const noexcept { return conc_mpx_; }
  [[nodiscard]] bool alter_pending() const noexcept { return alter_.has_value(); }
  [[nodiscard]] bool mid_pdu() const noexcept { return framer_.mid_pdu(); }
  [[nodiscard]] std::uint16_t max_xmit_frag() const noexcept { return max_xmit_; }
  [[nodiscard]] std::uint16_t max_recv_frag() const noexcept { return max_recv_; }
  [[nodiscard]] std::uint32_t assoc_group_id() const noexcept { return group_; }
  [[nodiscard]] std::size_t pending_calls() const noexcept { return pending_.size(); }
  [[nodiscard]] std::vector<std::uint32_t> pending_call_ids() const;
  /// The accepted context for `abstract_syntax`, if any.
  [[nodiscard]] std::optional<std::uint16_t> context_for(const SyntaxId& abstract_syntax) const noexcept;
  /// The transfer syntax the server accepted for that context, if any.
  [[nodiscard]] std::optional<SyntaxId> transfer_syntax_for(const SyntaxId& abstract_syntax) const noexcept;
  /// The data representation of every PDU (and so every stub) sent.
  [[nodiscard]] Drep drep() const noexcept { return drep_; }
  /// A context id not yet offered on this association.
  [[nodiscard]] std::uint16_t next_context_id() const noexcept;
  [[nodiscard]] const ClientLimits& limits() const noexcept { return limits_; }
  /// The security context, if use_auth was called.
  [[nodiscard]] const ClientSecurity* security() const noexcept { return security_.get(); }

 private:
  struct Offer {
    std::uint32_t call_id;
    std::vector<ClientContext> contexts;
  };
  struct Defined {
    ClientContext offered;
    std::optional<ContextOutcome> outcome;  // nullopt while the offer is unanswered
  };
  struct Pending {
    std::uint32_t call_id;
    std::uint16_t context_id;
  };

  Result<void> check_offer(std::span<const ClientContext> contexts) const;
  void send_bind_family(pdu::PType type, const Offer& offer, std::uint8_t flags, std::uint32_t group,
                        std::vector<std::uint8_t>& out);
  void handle_frame(std::span<const std::uint8_t> frame, std::vector<ClientEvent>& events);
  Result<pdu::Pdu> unprotect_frame(std::span<const std::uint8_t> frame, std::vector<std::uint8_t>& plain);
  Result<void> next_auth_leg(const pdu::Pdu& p, std::vector<ClientEvent>& events);
  Result<void> on_auth_alter_resp(const pdu::Pdu& p, std::vector<ClientEvent>& events);
  std::vector<std::uint8_t> with_verification_trailer(const ClientCall& call, std::uint32_t call_id) const;
  Result<void> handle_pdu(const pdu::Pdu& p, std::vector<ClientEvent>& events);
  Result<void> on_bind_ack(const pdu::Pdu& p, std::vector<ClientEvent>& events);
  Result<void> on_alter_resp(const pdu::Pdu& p, std::vector<ClientEvent>& events);
  Result<std::vector<ContextOutcome>> check_results(const pdu::BindAck& ack, const Offer& offer) const;
  Result<void> on_response(const pdu::Pdu& p, std::vector<ClientEvent>& events);
  Result<void> on_fault(const pdu::Pdu& p, std::vector<ClientEvent>& events);
  Pending* find_pending(std::uint32_t call_id) noexcept;
  void forget(std::uint32_t call_id, bool remember_orphan);
  bool was_orphaned(std::uint32_t call_id) const noexcept;
  std::uint32_t allocate_call_id() noexcept;

  ClientLimits limits_;
  Drep drep_;
  State state_ = State::idle;
  Framer framer_;
  Reassembler reassembler_;
  std::optional<Offer> bind_;
  std::optional<Offer> alter_;
  std::unique_ptr<ClientSecurity> security_;
  std::optional<Offer> auth_alter_;                 // the alter_context carrying an auth leg
  std::optional<client_event::Bound> bound_later_;  // reported once authentication completes
  std::vector<Defined> contexts_;
  std::vector<Pending> pending_;
  std::deque<std::uint32_t> orphaned_;
  std::uint32_t next_call_id_ = 1;
  std::uint32_t group_ = 0;
  std::uint16_t max_xmit_ = 0;
  std::uint16_t max_recv_ = 0;
  bool conc_mpx_requested_ = false;
  bool conc_mpx_ = false;
};

}  // namespace rampart::runtime
