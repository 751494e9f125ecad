#include "rampart/transport/server.hpp"

#include <algorithm>
#include <future>
#include <mutex>
#include <thread>

#include <asio/post.hpp>

#include "auth_pool.hpp"
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
    if (options.auth_threads > 0 && !core.auth_runner) {
      auth_pool = std::make_unique<AuthPool>(options.auth_threads, options.auth_queue);
      core.auth_runner = [pool = auth_pool.get()](std::function<void()> job) { return pool->submit(std::move(job)); };
    }
  }
  ~Impl() {
    if (auth_pool) {
      shared.core.auth_runner = nullptr;
      auth_pool->stop();
    }
  }

  Worker& next_worker() { return *workers[next.fetch_add(1, std::memory_order_relaxed) % workers.size()]; }
  void wait_for_connections(std::chrono::steady_clock::time_point deadline) const {
    while (shared.admission.total() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kPoll);
    }
  }

  /// One listening address: a Listener per worker for TCP with several
  /// workers, otherwise one Listener that hands connections round robin.
  struct Endpoint {
    ListenAddress requested;
    std::vector<std::shared_ptr<Listener>> acceptors;
  };

  std::expected<Endpoint, std::error_code> open_shared(const ListenAddress& address);
  std::expected<Endpoint, std::error_code> open_single(const ListenAddress& address);

  SharedState shared;  // outlives the workers: connections release admission tickets into it
  std::unique_ptr<AuthPool> auth_pool;  // provider steps (C16); posts results to the workers
  std::vector<std::unique_ptr<Worker>> workers;
  std::atomic<std::size_t> next{0};
  mutable std::mutex listeners_mutex;
  std::vector<Endpoint> endpoints;
  std::size_t listeners_started = 0;  // spreads single listeners over the workers
  bool held = false;                  // hold_accepting(): new listeners wait in `waiting`
  std::vector<std::shared_ptr<Listener>> waiting;

  void start(const std::shared_ptr<Listener>& listener) {
    if (held) {
      waiting.push_back(listener);
      return;
    }
    asio::post(listener->context(), [listener] { listener->start(); });
  }
  bool stopped = false;
};

// Every worker accepts its own connections from one SO_REUSEPORT group, so
// no accepted socket is handed between threads. The port is checked first:
// SO_REUSEPORT would otherwise let a second daemon of the same user join the
// group instead of failing with "address in use".
std::expected<Server::Impl::Endpoint, std::error_code> Server::Impl::open_shared(const ListenAddress& address) {
  if (address.tcp.port() != 0) {
    if (const auto ec = Listener::check_port_free(address.tcp)) return std::unexpected(ec);
  }
  Endpoint endpoint{address, {}};
  ListenAddress next_address = address;
  for (auto& worker : workers) {
    auto listener = Listener::open(next_address, worker->context(), shared,
                                   [w = worker.get()]() -> Worker& { return *w; }, /*share_port=*/true);
    if (!listener) {
      for (const auto& opened : endpoint.acceptors) opened->close();  // not started: no handler runs
      return std::unexpected(listener.error());
    }
    next_address = (*listener)->bound();  // port 0: the others join the port the first one got
    endpoint.acceptors.push_back(std::move(*listener));
  }
  return endpoint;
}

std::expected<Server::Impl::Endpoint, std::error_code> Server::Impl::open_single(const ListenAddress& address) {
  auto& home = workers[listeners_started++ % workers.size()]->context();
  auto listener = Listener::open(address, home, shared, [this]() -> Worker& { return next_worker(); });
  if (!listener) return std::unexpected(listener.error());
  return Endpoint{address, {std::move(*listener)}};
}

Server::Server(runtime::ServerCore& core, ServerOptions options, std::shared_ptr<TransportEvents> events)
    : impl_(std::make_unique<Impl>(core, options, std::move(events))) {}

Server::~Server() { stop(); }

std::expected<ListenAddress, std::error_code> Server::listen(const ListenAddress& address) {
  std::lock_guard lock(impl_->listeners_mutex);
  if (impl_->stopped || !impl_->shared.accepting) return std::unexpected(std::make_error_code(std::errc::operation_canceled));
  // Unix-domain sockets cannot share a path between sockets.
  const bool per_worker = address.kind == ListenAddress::Kind::tcp && impl_->workers.size() > 1;
  auto endpoint = per_worker ? impl_->open_shared(address) : impl_->open_single(address);
  if (!endpoint) return std::unexpected(endpoint.error());
  for (const auto& listener : endpoint->acceptors) impl_->start(listener);
  const ListenAddress bound = endpoint->acceptors.front()->bound();
  impl_->endpoints.push_back(std::move(*endpoint));
  return bound;
}

std::expected<ListenAddress, std::error_code> Server::adopt(int fd) {
  std::lock_guard lock(impl_->listeners_mutex);
  if (impl_->stopped || !impl_->shared.accepting) return std::unexpected(std::make_error_code(std::errc::operation_canceled));
  // One socket, so one accept loop handing connections round robin: other
  // sockets cannot join its SO_REUSEPORT group once rampartd runs as a user
  // other than the one that created it (docs/privileges.md).
  auto& home = impl_->workers[impl_->listeners_started++ % impl_->workers.size()]->context();
  auto listener = Listener::adopt(fd, home, impl_->shared, [impl = impl_.get()]() -> Worker& { return impl->next_worker(); });
  if (!listener) return std::unexpected(listener.error());
  impl_->start(*listener);
  const ListenAddress bound = (*listener)->bound();
  impl_->endpoints.push_back(Impl::Endpoint{bound, {std::move(*listener)}});
  return bound;
}

void Server::hold_accepting() {
  std::lock_guard lock(impl_->listeners_mutex);
  impl_->held = true;
}

void Server::release_accepting() {
  std::lock_guard lock(impl_->listeners_mutex);
  impl_->held = false;
  for (const auto& listener : impl_->waiting) impl_->start(listener);
  impl_->waiting.clear();
}

bool Server::unlisten(const ListenAddress& address) {
  Impl::Endpoint found;
  {
    std::lock_guard lock(impl_->listeners_mutex);
    auto& all = impl_->endpoints;
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& e) { return e.requested == address; });
    if (it == all.end()) return false;
    found = std::move(*it);
    all.erase(it);
  }
  for (const auto& listener : found.acceptors) {
    if (impl_->stopped) {
      listener->close();
    } else {
      run_on(listener->context(), [&] { listener->close(); });
    }
  }
  return true;
}

std::vector<ListenAddress> Server::listeners() const {
  std::lock_guard lock(impl_->listeners_mutex);
  std::vector<ListenAddress> out;
  for (const auto& e : impl_->endpoints) out.push_back(e.requested);
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
