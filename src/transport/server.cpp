#include "rampart/transport/server.hpp"

#include <algorithm>
#include <future>
#include <mutex>
#include <thread>

#include <asio/post.hpp>

#include "listener.hpp"
#include "shared_state.hpp"
#include "worker.hpp"

namespace rampart::transport {

namespace {
constexpr std::chrono::milliseconds kPoll{5};
// After the drain deadline, how long close_all() may take to finish.
constexpr std::chrono::milliseconds kCloseGrace{2000};

std::size_t thread_count_for(const ServerOptions& o) {
  if (o.threads > 0) return o.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Runs f on `context`'s thread and waits for it. Listeners are only touched
// on their own thread, like connections.
template <class F>
void run_on(asio::io_context& context, F f) {
  std::promise<void> done;
  auto finished = done.get_future();
  asio::post(context, [&] {
    f();
    done.set_value();
  });
  finished.wait();
}
}  // namespace

struct Server::Impl {
  Impl(runtime::ServerCore& core, ServerOptions options, std::shared_ptr<TransportEvents> events)
      : shared(core, options, std::move(events)) {
    const std::size_t n = thread_count_for(options);
    workers.reserve(n);
    for (std::size_t i = 0; i < n; ++i) workers.push_back(std::make_unique<Worker>(shared));
  }

  Worker& next_worker() { return *workers[next.fetch_add(1, std::memory_order_relaxed) % workers.size()]; }
  void wait_for_connections(std::chrono::steady_clock::time_point deadline) const {
    while (shared.admission.total() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kPoll);
    }
  }

  SharedState shared;  // outlives the workers: connections release admission tickets into it
  std::vector<std::unique_ptr<Worker>> workers;
  std::atomic<std::size_t> next{0};
  mutable std::mutex listeners_mutex;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::size_t listeners_started = 0;  // spreads listeners over the workers
  bool stopped = false;
};

Server::Server(runtime::ServerCore& core, ServerOptions options, std::shared_ptr<TransportEvents> events)
    : impl_(std::make_unique<Impl>(core, options, std::move(events))) {}

Server::~Server() { stop(); }

std::expected<ListenAddress, std::error_code> Server::listen(const ListenAddress& address) {
  std::lock_guard lock(impl_->listeners_mutex);
  if (impl_->stopped || !impl_->shared.accepting) return std::unexpected(std::make_error_code(std::errc::operation_canceled));
  auto& home = impl_->workers[impl_->listeners_started++ % impl_->workers.size()]->context();
  auto listener = Listener::open(address, home, impl_->shared, [impl = impl_.get()]() -> Worker& {
    return impl->next_worker();
  });
  if (!listener) return std::unexpected(listener.error());
  auto started = *listener;
  asio::post(home, [started] { started->start(); });
  impl_->listeners.push_back(started);
  return started->bound();
}

bool Server::unlisten(const ListenAddress& address) {
  std::shared_ptr<Listener> found;
  {
    std::lock_guard lock(impl_->listeners_mutex);
    auto& all = impl_->listeners;
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& l) { return l->requested() == address; });
    if (it == all.end()) return false;
    found = *it;
    all.erase(it);
  }
  if (impl_->stopped) {
    found->close();
  } else {
    run_on(found->context(), [&] { found->close(); });
  }
  return true;
}

std::vector<ListenAddress> Server::listeners() const {
  std::lock_guard lock(impl_->listeners_mutex);
  std::vector<ListenAddress> out;
  for (const auto& l : impl_->listeners) out.push_back(l->requested());
  return out;
}

void Server::set_limits(const runtime::ServerLimits& limits) {
  impl_->shared.set_limits(std::make_shared<const runtime::ServerLimits>(limits));
}

std::shared_ptr<const runtime::ServerLimits> Server::limits() const { return impl_->shared.limits(); }

void Server::stop(std::chrono::milliseconds drain) {
  if (impl_->stopped) return;
  const auto start = std::chrono::steady_clock::now();
  impl_->shared.accepting = false;
  impl_->shared.core.listening = false;  // mgmt is_server_listening answers false while draining
  for (const auto& address : listeners()) unlisten(address);
  for (auto& w : impl_->workers) w->drain();
  impl_->wait_for_connections(start + drain);
  for (auto& w : impl_->workers) w->close_all();
  impl_->wait_for_connections(std::chrono::steady_clock::now() + kCloseGrace);
  for (auto& w : impl_->workers) w->join();
  std::lock_guard lock(impl_->listeners_mutex);
  impl_->stopped = true;
}

std::size_t Server::connection_count() const noexcept { return impl_->shared.admission.total(); }

std::size_t Server::thread_count() const noexcept { return impl_->workers.size(); }

}  // namespace rampart::transport
