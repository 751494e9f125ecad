#include "metrics.hpp"

#include <fmt/format.h>

#include <chrono>

#include "hardening_class.hpp"

namespace rampartd {

using rampart::runtime::CallOutcome;
using rampart::runtime::Responder;

namespace {

// From a fast ept_map (tens of microseconds) to the call timeout.
const prometheus::Histogram::BucketBoundaries kBuckets{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                       0.01,    0.025,  0.05,    0.1,    0.25,  1.0,   5.0};

std::string_view reaction_name(rampart::runtime::Reaction::Kind k) {
  switch (k) {
    case rampart::runtime::Reaction::Kind::bind_nak: return "bind_nak";
    case rampart::runtime::Reaction::Kind::fault: return "fault";
    default: return "close";
  }
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      calls_(prometheus::BuildCounter().Name("rampart_calls_total").Help("Calls dispatched, by interface and opnum").Register(*registry_)),
      faults_(prometheus::BuildCounter().Name("rampart_faults_total").Help("Calls answered with a fault, by status").Register(*registry_)),
      durations_(prometheus::BuildHistogram().Name("rampart_call_duration_seconds").Help("From dispatch to answer").Register(*registry_)),
      protocol_errors_(prometheus::BuildCounter()
                           .Name("rampart_protocol_errors_total")
                           .Help("Input refused by the fault policy, by hardening class, rule and reaction")
                           .Register(*registry_)),
      connections_(prometheus::BuildCounter()
                       .Name("rampart_connections_total")
                       .Help("Connections accepted, refused (by reason) and closed (by reason)")
                       .Register(*registry_)),
      dcom_denials_(prometheus::BuildCounter()
                        .Name("rampart_dcom_permission_denials_total")
                        .Help("DCOM calls refused by a class's launch or access permissions, by check")
                        .Register(*registry_)),
      open_(prometheus::BuildGauge().Name("rampart_connections_open").Help("Connections open").Register(*registry_).Add({})),
      groups_(prometheus::BuildGauge()
                  .Name("rampart_association_groups")
                  .Help("Association groups in use (at the last accept, close or call)")
                  .Register(*registry_)
                  .Add({})),
      handles_(prometheus::BuildGauge()
                   .Name("rampart_lookup_handles")
                   .Help("Context handles (ept_lookup handles) held by association groups (at the last accept, close "
                         "or call)")
                   .Register(*registry_)
                   .Add({})) {}

// Sampled at each accept, close and call: prometheus-cpp's gauges hold a
// value, not a callback, and these change only at such events.
void Metrics::sample_groups() {
  if (core_ == nullptr) return;
  groups_.Set(static_cast<double>(core_->groups.size()));
  handles_.Set(static_cast<double>(core_->groups.handle_count()));
}

void Metrics::serve(const std::string& listen) {
  exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  exposer_->RegisterCollectable(registry_);
}

void Metrics::dcom_denial(std::string_view check) { dcom_denials_.Add({{"check", std::string(check)}}).Increment(); }

void Metrics::call(std::string_view interface, std::uint16_t opnum, std::uint32_t fault_status, double seconds) {
  const std::string iface(interface), op = std::to_string(opnum);
  calls_.Add({{"interface", iface}, {"opnum", op}}).Increment();
  if (fault_status != 0)
    faults_.Add({{"interface", iface}, {"opnum", op}, {"status", fmt::format("0x{:08x}", fault_status)}}).Increment();
  durations_.Add({{"interface", iface}}, kBuckets).Observe(seconds);
  sample_groups();
}

void Metrics::protocol_error(const rampart::Error& error, const rampart::runtime::Reaction& reaction) {
  protocol_errors_
      .Add({{"class", std::string(hardening_class(error))},
            {"rule", fmt::format("{}.{}", rampart::to_string(error.domain()), error.code_name())},
            {"reaction", std::string(reaction_name(reaction.kind))}})
      .Increment();
}

void Metrics::accepted() {
  connections_.Add({{"event", "accepted"}}).Increment();
  open_.Increment();
  sample_groups();
}

void Metrics::refused(rampart::transport::RefuseReason why) {
  connections_.Add({{"event", "refused"}, {"reason", std::string(rampart::transport::to_string(why))}}).Increment();
}

void Metrics::closed(rampart::transport::CloseReason why) {
  connections_.Add({{"event", "closed"}, {"reason", std::string(rampart::transport::to_string(why))}}).Increment();
  open_.Decrement();
  sample_groups();
}

void MeteredEvents::protocol_error(const rampart::runtime::PeerInfo& peer, const rampart::Error& error,
                                   const rampart::runtime::Reaction& reaction) {
  metrics_->protocol_error(error, reaction);
  log_->protocol_error(peer, error, reaction);
}

void MeteredEvents::accepted(const rampart::runtime::PeerInfo& peer) {
  metrics_->accepted();
  log_->accepted(peer);
}

void MeteredEvents::refused(const rampart::runtime::PeerInfo& peer, rampart::transport::RefuseReason why) {
  metrics_->refused(why);
  log_->refused(peer, why);
}

void MeteredEvents::closed(const rampart::runtime::PeerInfo& peer, rampart::transport::CloseReason why) {
  metrics_->closed(why);
  log_->closed(peer, why);
}

// The inner interface answers through a Responder of our own (a Slot, as
// the association gives one): inline answers are seen when call() returns,
// later ones through `deliver`; either way the original responder gets the
// same outcome, after it has been counted.
void MeteredInterface::call(const rampart::runtime::CallContext& ctx, Responder responder) {
  const auto start = std::chrono::steady_clock::now();
  auto outer = std::make_shared<Responder>(std::move(responder));
  auto record = [metrics = metrics_, name = std::string(inner_->name()), opnum = ctx.opnum, start,
                 outer](CallOutcome outcome) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    metrics->call(name, opnum, outcome.fault_status, took.count());
    outer->respond(std::move(outcome));
  };
  auto slot = std::make_shared<Responder::Slot>();
  inner_->call(ctx, Responder(slot));
  std::optional<CallOutcome> inline_outcome;
  {
    std::lock_guard lock(slot->mutex);
    slot->call_returned = true;
    if (slot->inline_outcome) {
      inline_outcome = std::move(slot->inline_outcome);
    } else {
      slot->deliver = record;
    }
  }
  if (inline_outcome) record(std::move(*inline_outcome));
}

}  // namespace rampartd
