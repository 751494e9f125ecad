// Metrics: what rampartd counts for a Prometheus scrape, served by
// prometheus-cpp's pull Exposer on [metrics] listen (off by default).
//  - rampart_calls_total{interface,opnum}, rampart_faults_total{interface,
//    opnum,status} and rampart_call_duration_seconds{interface}: every call
//    dispatched to an interface, through MeteredInterface;
//  - rampart_protocol_errors_total{rule,reaction}: every refusal the fault
//    policy chose (the rule names the error domain and code);
//  - rampart_connections_{accepted,refused,closed}_total and
//    rampart_connections_open, rampart_association_groups: the transport;
//  - rampart_dcom_permission_denials_total{check}: DCOM calls refused by a
//    class's launch or access list (class_permissions.hpp);
//  - rampart_lookup_handles: context handles the association groups hold
//    (ept_lookup's, until ept_lookup_handle_free, the last page or the
//    group's end).
// Everything here is only built when metrics are enabled, so the data path
// of a daemon without them is unchanged.
#pragma once

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "log_events.hpp"
#include "rampart/runtime/interface.hpp"

namespace rampartd {

class Metrics {
 public:
  Metrics();
  /// The core whose association groups are reported (set once, before serving).
  void attach(const rampart::runtime::ServerCore& core) noexcept { core_ = &core; }

  /// Starts serving GET /metrics on "ADDR:PORT"; throws std::runtime_error
  /// when the address cannot be bound.
  void serve(const std::string& listen);

  void call(std::string_view interface, std::uint16_t opnum, std::uint32_t fault_status, double seconds);
  void protocol_error(const rampart::Error& error, const rampart::runtime::Reaction& reaction);
  void accepted();
  void refused(rampart::transport::RefuseReason why);
  void closed(rampart::transport::CloseReason why);
  /// A DCOM call refused by a launch or access list; `check` names which.
  void dcom_denial(std::string_view check);

 private:
  void sample_groups();
  const rampart::runtime::ServerCore* core_ = nullptr;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Counter>& faults_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Counter>& protocol_errors_;
  prometheus::Family<prometheus::Counter>& connections_;
  prometheus::Family<prometheus::Counter>& dcom_denials_;
  prometheus::Gauge& open_;
  prometheus::Gauge& groups_;
  prometheus::Gauge& handles_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

/// The runtime's and the transport's events, to the log and to Metrics.
class MeteredEvents final : public rampart::runtime::ServerEvents, public rampart::transport::TransportEvents {
 public:
  MeteredEvents(std::shared_ptr<LogEvents> log, std::shared_ptr<Metrics> metrics)
      : log_(std::move(log)), metrics_(std::move(metrics)) {}
  void protocol_error(const rampart::runtime::PeerInfo& peer, const rampart::Error& error,
                      const rampart::runtime::Reaction& reaction) override;
  void bound(const rampart::runtime::PeerInfo& peer, std::uint32_t assoc_group, std::size_t accepted) override {
    log_->bound(peer, assoc_group, accepted);
  }
  void authenticated(const rampart::runtime::PeerInfo& peer, std::uint8_t auth_type, std::uint8_t auth_level,
                     std::uint32_t auth_context_id, const std::string& principal) override {
    log_->authenticated(peer, auth_type, auth_level, auth_context_id, principal);
  }
  void auth_denied(const rampart::runtime::PeerInfo& peer, const std::string& reason) override {
    log_->auth_denied(peer, reason);
  }
  void accepted(const rampart::runtime::PeerInfo& peer) override;
  void refused(const rampart::runtime::PeerInfo& peer, rampart::transport::RefuseReason why) override;
  void closed(const rampart::runtime::PeerInfo& peer, rampart::transport::CloseReason why) override;
  void accept_failed(std::string_view listener, const std::error_code& ec) override {
    log_->accept_failed(listener, ec);
  }

 private:
  std::shared_ptr<LogEvents> log_;
  std::shared_ptr<Metrics> metrics_;
};

/// An interface whose calls are counted and timed: the time from dispatch
/// to the answer, and the answer's fault status.
class MeteredInterface final : public rampart::runtime::Interface {
 public:
  MeteredInterface(std::shared_ptr<rampart::runtime::Interface> inner, std::shared_ptr<Metrics> metrics)
      : inner_(std::move(inner)), metrics_(std::move(metrics)) {}
  [[nodiscard]] const rampart::SyntaxId& syntax() const noexcept override { return inner_->syntax(); }
  [[nodiscard]] std::string_view name() const noexcept override { return inner_->name(); }
  [[nodiscard]] std::uint16_t operation_count() const noexcept override { return inner_->operation_count(); }
  [[nodiscard]] bool supports_transfer_syntax(const rampart::SyntaxId& transfer) const noexcept override {
    return inner_->supports_transfer_syntax(transfer);
  }
  [[nodiscard]] bool allows_peer(const rampart::runtime::PeerInfo& peer, std::uint16_t opnum) const noexcept override {
    return inner_->allows_peer(peer, opnum);
  }
  void call(const rampart::runtime::CallContext& ctx, rampart::runtime::Responder responder) override;
  void connection_closed(const rampart::runtime::PeerInfo& peer) noexcept override { inner_->connection_closed(peer); }

 private:
  std::shared_ptr<rampart::runtime::Interface> inner_;
  std::shared_ptr<Metrics> metrics_;
};

}  // namespace rampartd
