// Association: the sans-I/O server state machine of one connection (C706
// chapter 12, [MS-RPCE] 3.3). Bytes in, bytes out: the transport feeds what
// it reads and writes what comes back. No sockets, timers or threads here.
//
//   awaiting_bind --bind--> bound --(request|alter_context|co_cancel|orphaned)--> bound
//        |                    |
//        +--error/shutdown----+--> closed
//
// Full diagram and the PDU-by-state table: docs/association.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "rampart/runtime/framer.hpp"
#include "rampart/runtime/reassembler.hpp"
#include "rampart/runtime/server_core.hpp"

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
  };

  void handle_pdu(std::span<const std::uint8_t> frame, Output& out);
  void handle_bind(const pdu::Pdu& pdu, Output& out);
  void handle_alter_context(const pdu::Pdu& pdu, Output& out);
  void handle_request(const pdu::Pdu& pdu, Output& out);
  void handle_cancel(const pdu::Pdu& pdu, bool orphaned) const noexcept;
  void dispatch(ReassembledCall call, Output& out);
  struct CallKey {
    std::uint32_t call_id;
    std::uint16_t context_id;
    Drep drep;
  };
  Result<void> check_dispatchable(const ReassembledCall& call) const;
  void complete_late(const CallKey& key, CallOutcome outcome, Output& out);
  void reply(const CallKey& key, const CallOutcome& outcome, Output& out);
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
};

}  // namespace rampart::runtime
