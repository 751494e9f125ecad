// The bounded pool security provider steps run on (docs/hardening.md C16):
// GSSAPI may block on a KDC or a user file, and a transport thread serves
// many connections, so steps never run there. A full queue refuses the job
// (the association answers with the fault policy's auth_busy reaction)
// instead of growing.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rampart::transport {

class AuthPool {
 public:
  AuthPool(std::size_t threads, std::size_t max_queued);
  ~AuthPool();  // stop()
  AuthPool(const AuthPool&) = delete;
  AuthPool& operator=(const AuthPool&) = delete;

  /// Queues `job`; false when the queue is full or the pool stopped.
  bool submit(std::function<void()> job);
  /// Drops queued jobs, waits for running ones, joins the threads.
  void stop();

 private:
  void run();

  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace rampart::transport
