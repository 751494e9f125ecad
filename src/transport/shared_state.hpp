// What every worker, listener and connection of one Server shares.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "admission.hpp"
#include "rampart/runtime/server_core.hpp"
#include "rampart/transport/events.hpp"
#include "rampart/transport/server.hpp"

namespace rampart::transport {

struct SharedState {
  SharedState(runtime::ServerCore& c, ServerOptions o, std::shared_ptr<TransportEvents> e)
      : core(c), options(o), events(std::move(e)), limits_(std::make_shared<runtime::ServerLimits>(c.limits)) {}

  runtime::ServerCore& core;
  const ServerOptions options;
  const std::shared_ptr<TransportEvents> events;
  Admission admission;
  std::atomic<std::uint64_t> next_connection_id{1};
  /// Cleared by stop(): connections still in flight from an acceptor are dropped.
  std::atomic<bool> accepting{true};

  [[nodiscard]] std::shared_ptr<const runtime::ServerLimits> limits() const {
    std::lock_guard lock(limits_mutex_);
    return limits_;
  }
  void set_limits(std::shared_ptr<const runtime::ServerLimits> l) {
    std::lock_guard lock(limits_mutex_);
    limits_ = std::move(l);
  }

 private:
  mutable std::mutex limits_mutex_;
  std::shared_ptr<const runtime::ServerLimits> limits_;
};

}  // namespace rampart::transport
