// Answers that arrive while, or after, the Server is torn down. An
// application may answer a call from a thread of its own (runtime::Responder)
// at any moment; the answer reaches its connection through the worker's
// io_context (Connection::make_poster). Once a worker closes its PostGate
// nothing is posted any more, and a connection found through the poster is
// released while its io_context still lives, so a late answer is dropped
// instead of touching a destroyed io_context. Under AddressSanitizer a wrong
// order is a heap-use-after-free; the rounds repeat because the race shows
// only in some of them.
#include <condition_variable>

#include "transport_fixture.hpp"

namespace rampart::transport::testing {
namespace {

constexpr int kRounds = 40;
constexpr std::uint32_t kCallsPerRound = 16;

// Holds every call until release(), then answers each from its own thread.
class LateInterface : public runtime::Interface {
 public:
  ~LateInterface() override { join(); }
  const SyntaxId& syntax() const noexcept override { return kTestSyntax; }
  std::string_view name() const noexcept override { return "late-answers"; }
  std::uint16_t operation_count() const noexcept override { return 1; }
  void call(const runtime::CallContext& ctx, runtime::Responder responder) override {
    std::vector<std::uint8_t> stub(ctx.stub.begin(), ctx.stub.end());
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, r = std::move(responder), stub = std::move(stub)]() mutable {
      {
        std::unique_lock wait(mutex_);
        released_cv_.wait(wait, [this] { return released_; });
      }
      r.respond(runtime::CallOutcome::success(std::move(stub)));
    });
    ++calls_;
    calls_cv_.notify_all();
  }
  bool wait_calls(std::size_t n) {
    std::unique_lock lock(mutex_);
    return calls_cv_.wait_for(lock, 10s, [&] { return calls_ >= n; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    released_cv_.notify_all();
  }
  void join() {
    release();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable calls_cv_;
  std::condition_variable released_cv_;
  std::size_t calls_ = 0;
  bool released_ = false;
  std::vector<std::thread> threads_;
};

TEST(ServerTeardown, AnswersRacingTheTeardownAreDropped) {
  for (int round = 0; round < kRounds; ++round) {
    runtime::ServerCore core;
    auto iface = std::make_shared<LateInterface>();
    core.interfaces.add(iface);
    ServerOptions options;
    options.threads = 2;
    auto server = std::make_unique<Server>(core, options, std::make_shared<RecordingEvents>());
    auto bound = server->listen(*parse_tcp_address("127.0.0.1:0"));
    ASSERT_TRUE(bound) << bound.error().message();
    Client client;
    ASSERT_TRUE(client.connect_tcp(*bound));
    ASSERT_TRUE(client.bind());
    const std::vector<std::uint8_t> stub{1, 2, 3, 4};
    for (std::uint32_t id = 2; id < 2 + kCallsPerRound; ++id) ASSERT_TRUE(client.send_pdu(client.request(0, stub, id)));
    ASSERT_TRUE(iface->wait_calls(kCallsPerRound));
    // The answers and the teardown run at the same time; the interface's
    // threads are joined only once the server is gone.
    iface->release();
    server.reset();
    iface->join();
  }
}

}  // namespace
}  // namespace rampart::transport::testing
