// Association: the sans-I/O server state machine of one connection (C706
// chapter 12, [MS-RPCE] 3.3). Bytes in, bytes out: the transport feeds what
// it reads and writes what comes back. No sockets, timers or threads here.
//
//   awaiting_bind --bind--> bound --(request|alter_context|auth3|co_cancel|orphaned)--> bound
//        |                    |
//        +--error/shutdown----+--> closed
//
// A bind, alter_context or auth3 carrying a security token pauses the
// connection while the provider steps (off this thread when the core has an
// auth runner): input is held, and the reply (bind_ack, alter_context_resp,
// nothing for auth3, or the fault policy's nak/fault) goes out when the step
// is fed back. docs/association.md and docs/security.md.
// Full diagram and the PDU-by-state table: docs/association.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <span>
#include <unordered_map>
#include <vector>

#include "rampart/runtime/framer.hpp"
#include "rampart/runtime/reassembler.hpp"
#include "rampart/runtime/server_core.hpp"
#include "rampart/security/security_provider.hpp"

namespace rampart::runtime {

/// What the transport must do after a call into the association.
struct Output {
  std::vector<std::uint8_t> send;  // octets to write, in order
  bool close = false;              // close once `send` is written
};

class Association {
 public:
  enum class State { awaiting_bind, bound, closed };
  using Clock = std::chrono::steady_clock;

  /// Runs `task` later on this connection's thread, then writes its Output.
  /// Handlers that answer asynchronously reach the association through it.
  /// A handler may answer after the connection closed, so a Poster must
  /// stay safe to call while any Responder lives: capture the executor and
  /// weak references, never the connection itself.
  using Poster = std::function<void(std::function<void(Output&)> task)>;

  /// `limits` is the snapshot this connection lives by (a configuration
  /// reload changes it for new connections only); null means core.limits.
  Association(ServerCore& core, PeerInfo peer, Poster poster = {},
              std::shared_ptr<const ServerLimits> limits = nullptr);
  ~Association();
  Association(const Association&) = delete;
  Association& operator=(const Association&) = delete;

  /// Feeds received octets; replies are appended to out.send.
  void on_bytes(std::span<const std::uint8_t> input, Output& out);
  /// The peer closed or the transport failed: pending calls are abandoned.
  void on_closed() noexcept;
  /// Faults calls whose handlers exceeded their time budget (C16).
  void on_tick(Clock::time_point now, Output& out);

  [[nodiscard]] State state() const noexcept { return state_; }
  [[nodiscard]] bool mid_pdu() const noexcept { return framer_.mid_pdu(); }
  [[nodiscard]] std::size_t pending_calls() const noexcept { return pending_.size() + reassembler_.in_progress(); }
  [[nodiscard]] const PeerInfo& peer() const noexcept { return peer_; }
  [[nodiscard]] std::uint32_t assoc_group_id() const noexcept;
  [[nodiscard]] std::uint16_t max_xmit_frag() const noexcept { return max_xmit_; }
  [[nodiscard]] std::uint16_t max_recv_frag() const noexcept { return max_recv_; }
  /// True while a security provider step for this connection is running;
  /// input is held meanwhile.
  [[nodiscard]] bool step_outstanding() const noexcept { return step_outstanding_; }
  /// Security contexts on this connection, established or in progress.
  [[nodiscard]] std::size_t auth_contexts() const noexcept { return auth_.size(); }

 private:
  struct Context {
    std::shared_ptr<Interface> iface;
    SyntaxId abstract_syntax;
    SyntaxId transfer_syntax;
  };
  struct PendingCall {
    std::uint16_t context_id;
    Drep drep;
    Clock::time_point deadline;
    std::optional<std::uint32_t> auth_context;
  };
  /// One security context ([MS-RPCE] 3.3.1.5.2.2: several per connection,
  /// keyed by auth_context_id). Type and level are frozen at the first leg.
  struct AuthContext {
    enum class State { in_progress, established };
    State state = State::in_progress;
    std::uint8_t auth_type = 0;
    std::uint8_t auth_level = 0;
    std::uint32_t context_id = 0;
    bool header_sign = false;
    bool auth3_seen = false;
    std::shared_ptr<security::SecurityContext> security;  // shared with a running step
    std::unique_ptr<security::PduProtection> protection;  // established at packet and above
    std::string principal;
  };
  /// What a paused bind, alter_context or auth3 resumes with.
  struct PendingStep {
    pdu::PType ptype = pdu::PType::bind;
    pdu::CommonHeader header;
    std::uint32_t auth_context_id = 0;
    std::vector<pdu::ContextResultEntry> results;  // bind and alter_context
  };

  void handle_pdu(std::span<const std::uint8_t> frame, Output& out);
  void handle_bind(const pdu::Pdu& pdu, Output& out);
  void handle_alter_context(const pdu::Pdu& pdu, Output& out);
  void handle_request(const pdu::Pdu& pdu, std::span<const std::uint8_t> frame, Output& out);
  void handle_cancel(const pdu::Pdu& pdu, bool orphaned) const noexcept;
  void dispatch(ReassembledCall call, Output& out, std::optional<std::uint32_t> auth_context = {});
  /// The security a handler sees for a call governed by `auth_context`.
  [[nodiscard]] CallAuth call_auth(std::optional<std::uint32_t> auth_context) const;
  struct CallKey {
    std::uint32_t call_id;
    std::uint16_t context_id;
    Drep drep;
    std::optional<std::uint32_t> auth_context{};  // the context that protects the response
  };
  // Security (association_auth.cpp).
  Result<void> begin_auth(const pdu::Pdu& pdu, PendingStep step, Output& out);
  void run_step(PendingStep step, std::shared_ptr<security::SecurityContext> ctx,
                std::vector<std::uint8_t> token, Output& out);
  void finish_step(const PendingStep& step, Result<security::StepResult> result, Output& out);
  void finish_bind_family(const PendingStep& step, AuthContext& ctx, std::vector<std::uint8_t> token,
                          Output& out);
  Result<void> establish(AuthContext& ctx);
  void handle_auth3(const pdu::Pdu& pdu, Output& out);
  Result<void> check_alter_auth(const pdu::AuthVerifier& auth);
  void resume_held(Output& out);
  /// Verifies and unprotects a request fragment; returns the frame to
  /// decode (the held copy when it was unsealed) and the context it names.
  // Where a request fragment goes before its verifier is read: on to the
  // call it continues, or refused with the fault addressed as Windows does.
  struct FragmentRoute {
    std::optional<CallIdentity> continues;  // the first fragment of the call it continues
    std::optional<Error> refusal;
    pdu::CommonHeader header;  // call_id and drep the refusal answers
    std::uint16_t context_id = 0;
  };
  [[nodiscard]] FragmentRoute route_fragment(const pdu::Pdu& pdu) const;
  [[nodiscard]] std::optional<Error> fragment_auth_invalid(const pdu::Pdu& pdu) const;
  Result<std::optional<std::uint32_t>> verify_continuation(std::span<const std::uint8_t> frame, const pdu::Pdu& pdu,
                                                           const CallIdentity& first, std::vector<std::uint8_t>& plain);
  Result<std::optional<std::uint32_t>> verify_request(std::span<const std::uint8_t> frame,
                                                      const pdu::Pdu& pdu, std::vector<std::uint8_t>& plain);
  Result<void> check_verification_trailer(ReassembledCall& call) const;
  Result<void> check_policy(const ReassembledCall& call, std::optional<std::uint32_t> auth_context) const;
  void send_with_auth(pdu::Pdu pdu, const AuthContext& ctx, std::vector<std::uint8_t> token, Output& out);
  [[nodiscard]] bool any_protected_context() const noexcept;
  Result<void> check_dispatchable(const ReassembledCall& call) const;
  void complete_late(const CallKey& key, CallOutcome outcome, Output& out);
  void reply(const CallKey& key, const CallOutcome& outcome, Output& out);
  void send_response(const CallKey& key, const pdu::Pdu& response, Output& out);
  void send_fault(const CallKey& key, std::uint32_t status, bool did_not_execute, Output& out);
  Result<std::vector<pdu::ContextResultEntry>> negotiate_contexts(const pdu::Bind& bind, bool allow_features);
  Result<pdu::ContextResultEntry> negotiate_one(const pdu::PresentationContext& c, bool validate_only, bool yields);
  bool yields_to_later(const pdu::Bind& bind, std::size_t i, const std::vector<bool>& feature) const;
  static std::optional<SyntaxId> choose_transfer(const pdu::PresentationContext& c, const Interface& iface);
  Result<void> join_group(std::uint32_t assoc_group_id);
  void apply_reaction(const Error& error, Phase phase, const pdu::CommonHeader* header, Output& out,
                      std::uint16_t context_id = 0);
  void send(const pdu::Pdu& pdu, Output& out);
  void close(Output& out) noexcept;

  ServerCore& core_;
  std::shared_ptr<const ServerLimits> limits_;
  PeerInfo peer_;
  Poster poster_;
  std::shared_ptr<Association*> alive_;  // weak copies let late completions find us
  State state_ = State::awaiting_bind;
  Framer framer_;
  Reassembler reassembler_;
  std::shared_ptr<AssociationGroup> group_;
  std::unordered_map<std::uint16_t, Context> contexts_;
  std::unordered_map<std::uint32_t, PendingCall> pending_;
  std::uint16_t max_xmit_ = 0;  // server -> client fragment size
  std::uint16_t max_recv_ = 0;  // client -> server fragment size
  bool conc_mpx_ = false;
  std::uint16_t features_ = 0;  // acknowledged bind-time features
  // Security state.
  std::shared_ptr<const security::ProviderRegistry> providers_;  // snapshot at accept
  std::unordered_map<std::uint32_t, AuthContext> auth_;
  bool auth_invalid_ = false;     // an exchange failed where no reply could say so (auth3)
  bool step_outstanding_ = false;
  std::vector<std::uint8_t> held_;  // input received while a step runs
};

}  // namespace rampart::runtime
