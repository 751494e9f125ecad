// rampart-authload: authenticated load for endpoint mappers on ncacn_ip_tcp.
// Each connection is one thread running Rampart's own client association
// (runtime::ClientAssociation) over a blocking socket, so every call is
// really protected and every reply really verified: NTLM (gss-ntlmssp for
// the exchange, Rampart's sealer for the PDUs) at integrity or privacy.
//
// Shapes:
//   steady  N connections bind with NTLM once, then call ept_map back to back,
//           one call outstanding on each; one epoll thread drives them all
//           (as rampart-loadgen does), so the client's CPU per call is its
//           protocol work, not a thread switch per reply
//   churn   N workers, one thread each, each loop: connect, NTLM bind (bind,
//           bind_ack, auth3), one ept_map, close
//
// Every reply counted must verify and carry the same stub as the first one
// (ept_map for lsarpc: one tower). With --server-pid PID the server's CPU
// (utime+stime of its process group, /proc) over the timed window is
// reported per call; the load generator's own CPU (getrusage) always is, so
// a run whose client saturates its core shows it.
//
// Output: one line "RESULT key=value ..." on stdout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "proc_sample.hpp"
#include "rampart/runtime/client_association.hpp"
#include "rampart/security/security_provider.hpp"

namespace {

using namespace rampart;
using Clock = std::chrono::steady_clock;

// Impacket's ept_map request stub for lsarpc 12345778-1234-abcd-ef00-
// 0123456789ab v0.0 over ncacn_ip_tcp (132 octets; the stub of
// tests/golden/captures/impacket_ept_map_registered/03-c2s-request.hex).
constexpr std::uint8_t kEptMapStub[] = {
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00, 0x05, 0x00, 0x13, 0x00,
    0x0d, 0x78, 0x57, 0x34, 0x12, 0x34, 0x12, 0xcd, 0xab, 0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0x00,
    0x00, 0x02, 0x00, 0x00, 0x00, 0x13, 0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
    0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x02, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x07, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x09, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xab,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
};
const SyntaxId kEpm{Uuid::from_string("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 135;
  bool churn = false;
  std::size_t connections = 8;
  double seconds = 4;
  double warmup = 0.5;
  std::string user, password;
  std::string spn;  // default host@HOST
  security::AuthLevel level = security::AuthLevel::privacy;
  int server_pid = 0;
  std::string label = "-";
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "rampart-authload: %s\n"
               "usage: rampart-authload --user DOMAIN\\\\USER --password PW [--host A] [--port P]\n"
               "         [--shape steady|churn] [--connections N] [--seconds S] [--warmup S]\n"
               "         [--level integrity|privacy] [--spn SERVICE@HOST] [--server-pid PID] [--label TEXT]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value");
      return argv[++i];
    };
    if (a == "--host") o.host = next();
    else if (a == "--port") o.port = static_cast<std::uint16_t>(std::atoi(next().c_str()));
    else if (a == "--shape") o.churn = next() == "churn";
    else if (a == "--connections") o.connections = static_cast<std::size_t>(std::atoi(next().c_str()));
    else if (a == "--seconds") o.seconds = std::atof(next().c_str());
    else if (a == "--warmup") o.warmup = std::atof(next().c_str());
    else if (a == "--user") o.user = next();
    else if (a == "--password") o.password = next();
    else if (a == "--level") o.level = next() == "integrity" ? security::AuthLevel::integrity : security::AuthLevel::privacy;
    else if (a == "--server-pid") o.server_pid = std::atoi(next().c_str());
    else if (a == "--label") o.label = next();
    else if (a == "--spn") o.spn = next();
    else usage("unknown option");
  }
  if (o.user.empty() || o.connections == 0 || o.connections > 256) usage("--user and 1..256 connections needed");
  return o;
}

// An event filter that takes a completed call's stub into `stub`.
auto completion(std::vector<std::uint8_t>& stub) {
  return [&stub](runtime::ClientEvent& e) {
    auto* c = std::get_if<runtime::client_event::CallCompleted>(&e);
    if (c) stub = std::move(c->stub);
    return c != nullptr;
  };
}

// One authenticated connection: connect, bind with NTLM, then calls.
class Conn {
 public:
  Conn(const Options& o, std::shared_ptr<security::SecurityProvider> p) : o_(o), provider_(std::move(p)) {}
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }

  bool open() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(o_.port);
    ::inet_pton(AF_INET, o_.host.c_str(), &sa.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return fail("connect");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const std::string target = o_.spn.empty() ? "host@" + o_.host : o_.spn;
    if (!assoc_.use_auth({provider_, o_.level, target, 1, true, true})) return fail("auth start");
    runtime::Output out;
    const runtime::ClientContext ctx{0, kEpm, {syntax::kNdr20}};
    if (!assoc_.begin_bind(std::span(&ctx, 1), out, false)) return fail("bind");
    if (!send(out.send)) return false;
    return wait_for([](const runtime::ClientEvent& e) { return std::holds_alternative<runtime::client_event::Bound>(e); });
  }

  // One ept_map, blocking; checks the reply against the first one seen.
  bool call(std::vector<std::uint8_t>& reference) {
    if (!start_call()) return false;
    std::vector<std::uint8_t> stub;
    return wait_for(completion(stub)) && same_reply(stub, reference);
  }

  // Sends one ept_map request; its reply arrives through on_readable().
  bool start_call() {
    runtime::Output out;
    if (!assoc_.begin_call({std::nullopt, 0, 3, std::nullopt, kEptMapStub}, out)) return fail("call");
    started_ = Clock::now();
    return send(out.send);
  }

  enum class Step { pending, completed, failed };
  // What one readable event on the socket brought: the reply to the call
  // in progress (checked against `reference`), not all of it yet, or an
  // error.
  Step on_readable(std::vector<std::uint8_t>& reference) {
    std::uint8_t buf[16384];
    const auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return Step::pending;
    if (n <= 0) {
      fail("recv");
      return Step::failed;
    }
    std::vector<std::uint8_t> stub;
    const int r = feed(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)), completion(stub));
    if (r < 0) return Step::failed;
    if (r == 0) return Step::pending;
    return same_reply(stub, reference) ? Step::completed : Step::failed;
  }

  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] Clock::time_point started() const noexcept { return started_; }

 private:
  bool fail(const char* what) {
    std::fprintf(stderr, "rampart-authload: %s failed\n", what);
    return false;
  }
  bool send(const std::vector<std::uint8_t>& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return fail("send");
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool same_reply(const std::vector<std::uint8_t>& stub, std::vector<std::uint8_t>& reference) {
    if (reference.empty()) reference = stub;
    return stub == reference || fail("reply differs from the first");
  }
  // Runs `input` through the association: -1 on an error, 1 when `pred`
  // accepted one of the events, else 0.
  template <class Pred>
  int feed(std::span<const std::uint8_t> input, Pred pred) {
    events_.clear();
    assoc_.on_bytes(input, events_);
    bool done = false;
    for (auto& e : events_) {
      if (auto* s = std::get_if<runtime::client_event::Send>(&e)) {
        if (!send(s->bytes)) return -1;
      } else if (auto* pe = std::get_if<runtime::client_event::ProtocolError>(&e)) {
        std::fprintf(stderr, "rampart-authload: %s\n", pe->error.to_string().c_str());
        return -1;
      } else if (std::holds_alternative<runtime::client_event::CallFaulted>(e) ||
                 std::holds_alternative<runtime::client_event::BindRefused>(e)) {
        fail("the server refused (fault or bind_nak)");
        return -1;
      } else if (pred(e)) {
        done = true;
      }
    }
    return done ? 1 : 0;
  }
  template <class Pred>
  bool wait_for(Pred pred) {
    std::uint8_t buf[16384];
    for (;;) {
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return fail("recv");
      const int r = feed(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)), pred);
      if (r != 0) return r > 0;
    }
  }

  const Options& o_;
  std::shared_ptr<security::SecurityProvider> provider_;
  runtime::ClientAssociation assoc_;
  std::vector<runtime::ClientEvent> events_;
  Clock::time_point started_;
  int fd_ = -1;
};

struct Shared {
  std::atomic<bool> measuring{false}, stop{false};
  std::atomic<std::uint64_t> done{0}, errors{0};
  std::mutex m;
  std::vector<double> latencies_us;
};

// The steady shape: every connection on one epoll thread, each with one
// call outstanding; a connection that fails is reopened.
void steady(const Options& o, const std::shared_ptr<security::SecurityProvider>& p, Shared& sh) {
  std::vector<std::uint8_t> reference;
  std::vector<double> lat;
  std::vector<std::unique_ptr<Conn>> conns(o.connections);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) {
    ++sh.errors;
    return;
  }
  auto open = [&](std::size_t i) {
    auto c = std::make_unique<Conn>(o, p);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (!c->open() || !c->start_call() || ::epoll_ctl(ep, EPOLL_CTL_ADD, c->fd(), &ev) != 0) {
      ++sh.errors;
      return;
    }
    conns[i] = std::move(c);
  };
  std::vector<epoll_event> ready(o.connections);
  while (!sh.stop) {
    for (std::size_t i = 0; i < conns.size() && !sh.stop; ++i) {
      if (!conns[i]) open(i);
    }
    const int n = ::epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 100);
    for (int k = 0; k < n; ++k) {
      auto& c = conns[ready[static_cast<std::size_t>(k)].data.u64];
      if (!c) continue;
      const Conn::Step step = c->on_readable(reference);
      if (step == Conn::Step::pending) continue;
      if (step == Conn::Step::completed && sh.measuring) {
        ++sh.done;
        lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - c->started()).count());
      }
      if (step == Conn::Step::failed || !c->start_call()) {
        ++sh.errors;
        c.reset();  // closing the socket takes it out of the epoll set
      }
    }
  }
  ::close(ep);
  std::lock_guard lock(sh.m);
  sh.latencies_us.insert(sh.latencies_us.end(), lat.begin(), lat.end());
}

void worker(const Options& o, std::shared_ptr<security::SecurityProvider> p, Shared& sh) {
  std::vector<std::uint8_t> reference;
  std::vector<double> lat;
  std::unique_ptr<Conn> c;
  while (!sh.stop) {
    const auto t0 = Clock::now();
    if (!c) {
      c = std::make_unique<Conn>(o, p);
      if (!c->open()) {
        ++sh.errors;
        c.reset();
        continue;
      }
    }
    if (!c->call(reference)) {
      ++sh.errors;
      c.reset();
      continue;
    }
    if (o.churn) c.reset();  // connect, bind, one call, close
    if (sh.measuring) {
      ++sh.done;
      lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
  }
  std::lock_guard lock(sh.m);
  sh.latencies_us.insert(sh.latencies_us.end(), lat.begin(), lat.end());
}

// User and system CPU of this process, every thread (getrusage(2)).
double self_cpu_us() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto us = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
  return us(u.ru_utime) + us(u.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  auto cred = security::GssCredential::password(o.user, o.password, security::GssMech::ntlm);
  if (!cred) usage("cannot acquire NTLM credentials for --user");
  auto provider = security::make_ntlm_provider(nullptr, std::make_shared<security::GssCredential>(std::move(*cred)));
  Shared sh;
  std::vector<std::thread> threads;
  if (o.churn) {
    for (std::size_t i = 0; i < o.connections; ++i) threads.emplace_back(worker, std::cref(o), provider, std::ref(sh));
  } else {
    threads.emplace_back(steady, std::cref(o), std::cref(provider), std::ref(sh));
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));
  const auto cpu0 = bench::sample_group(o.server_pid);
  const double self0 = self_cpu_us();
  const auto t0 = Clock::now();
  sh.measuring = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  sh.measuring = false;
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto cpu1 = bench::sample_group(o.server_pid);
  const double self_us = self_cpu_us() - self0;
  const std::uint64_t calls = sh.done;
  sh.stop = true;
  for (auto& t : threads) t.join();
  std::sort(sh.latencies_us.begin(), sh.latencies_us.end());
  auto pct = [&](double q) {
    return sh.latencies_us.empty() ? 0.0 : sh.latencies_us[static_cast<std::size_t>(q * (sh.latencies_us.size() - 1))];
  };
  const double tick_us = 1e6 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double cpu_us = static_cast<double>(cpu1.cpu_ticks - cpu0.cpu_ticks) * tick_us;
  std::printf("RESULT label=%s shape=%s level=%s connections=%zu seconds=%.2f calls=%llu calls_per_s=%.0f "
              "p50_us=%.1f p99_us=%.1f server_cpu_us_per_call=%.1f client_cpu_us_per_call=%.1f "
              "client_cpu_share=%.2f errors=%llu\n",
              o.label.c_str(), o.churn ? "churn" : "steady",
              o.level == security::AuthLevel::privacy ? "privacy" : "integrity", o.connections, secs,
              static_cast<unsigned long long>(calls), static_cast<double>(calls) / secs, pct(0.5), pct(0.99),
              o.server_pid != 0 && calls != 0 ? cpu_us / static_cast<double>(calls) : 0.0,
              calls != 0 ? self_us / static_cast<double>(calls) : 0.0, self_us / (secs * 1e6),
              static_cast<unsigned long long>(sh.errors.load()));
  return calls != 0 && sh.errors == 0 ? 0 : 1;
}
