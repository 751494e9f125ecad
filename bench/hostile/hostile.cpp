// rampart-hostile: bounded hostile traffic against an endpoint mapper on
// ncacn_ip_tcp. scripts/run-bench runs it beside rampart-loadgen to measure
// how good clients fare while the server is attacked (docs/hardening.md C1-C6,
// slow and idle peers). One epoll thread; every category is bounded in
// count, rate and time:
//
//   half-open   --half-open N connections each send 10 octets of a bind
//               header and stop (C1, slow peers). One the server closes
//               (header timeout) is reopened, so N stay open.
//   bound-idle  --bound-idle N connections bind, then never send again.
//   malformed   --malformed-rate R new connections a second, each sending one
//               malformed input (cases.hpp) after a valid bind unless it is a
//               bind itself. The server's first reaction is classified:
//               bind_nak, fault, alter_context_resp (a refused context),
//               close, or none within --patience seconds
//               (a truncated frame waits for its PDU timeout; we stop
//               waiting first). At most 256 are in flight.
//   flood       --floods N connections bind, then send one request's
//               fragments (4280 octets each, never a last fragment) at
//               --flood-rate octets/s each until the server refuses the
//               call (C2: the 4 MiB stub cap); then they reconnect. Each
//               tick's share goes out in one send, fragments back to back,
//               as a sender streaming at that rate would write them.
//
// The generator shares the machine's cores with the server and the good
// clients, so it wakes up as seldom as its rates allow: once per 10 ms tick,
// when it takes every answer the server sent meanwhile, then opens, sends
// and expires what the tick's share calls for. The attack is its rates and
// counts; every wake-up beyond them would be taken from the good clients by
// the scheduler rather than by the server.
//
// With --server-pid PID the server's RSS (its process group) is sampled every
// 100 ms, and its minor page faults counted. Output: one "RESULT key=value
// ..." line on stdout, and the reaction to each malformed case on stderr.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cases.hpp"
#include "cli_number.hpp"
#include "proc_sample.hpp"
#include "requests.hpp"

namespace {

using namespace rampart::bench;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxMalformedInFlight = 256;
constexpr std::size_t kMaxOpensPerTick = 100;  // keeps reconnects from arriving as one burst
constexpr auto kConnectTimeout = std::chrono::seconds(5);
constexpr auto kTick = std::chrono::milliseconds(10);
constexpr std::size_t kFloodFragmentsPerBuffer = 16;  // one send carries up to this many
constexpr std::uint8_t kBindAck = 12, kBindNak = 13, kFault = 3, kAlterContextResp = 15;

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 135;
  double seconds = 10;
  std::size_t half_open = 500;
  std::size_t bound_idle = 100;
  double malformed_rate = 200;
  std::size_t floods = 2;
  double flood_rate = 8 << 20;
  double patience = 2;
  std::string malformed_dir = "tests/golden/malformed";
  int server_pid = 0;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "rampart-hostile: %s\n"
               "usage: rampart-hostile [--host A] [--port P] [--seconds S] [--half-open N] [--bound-idle N]\n"
               "         [--malformed-rate R] [--floods N] [--flood-rate OCTETS_PER_S] [--patience S]\n"
               "         [--malformed-dir DIR] [--server-pid PID]\n",
               why);
  std::exit(2);
}

template <class T>
T number(std::string_view s, const char* what) {
  const auto v = rampart::bench::parse_number<T>(s);
  if (!v) usage((std::string("bad number for ") + what).c_str());
  return *v;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (i + 1 >= argc) usage("missing value");
    const std::string_view v = argv[++i];
    if (a == "--host") o.host = v;
    else if (a == "--port") o.port = number<std::uint16_t>(v, "--port");
    else if (a == "--seconds") o.seconds = number<double>(v, "--seconds");
    else if (a == "--half-open") o.half_open = number<std::size_t>(v, "--half-open");
    else if (a == "--bound-idle") o.bound_idle = number<std::size_t>(v, "--bound-idle");
    else if (a == "--malformed-rate") o.malformed_rate = number<double>(v, "--malformed-rate");
    else if (a == "--floods") o.floods = number<std::size_t>(v, "--floods");
    else if (a == "--flood-rate") o.flood_rate = number<double>(v, "--flood-rate");
    else if (a == "--patience") o.patience = number<double>(v, "--patience");
    else if (a == "--malformed-dir") o.malformed_dir = v;
    else if (a == "--server-pid") o.server_pid = number<int>(v, "--server-pid");
    else usage(("unknown option " + std::string(a)).c_str());
  }
  if (o.seconds <= 0 || o.seconds > 600) usage("--seconds must be in (0, 600]");
  if (o.half_open + o.bound_idle + o.floods > 20000) usage("at most 20000 held connections");
  if (o.malformed_rate < 0 || o.malformed_rate > 5000) usage("--malformed-rate must be in [0, 5000]");
  if (o.flood_rate <= 0 || o.flood_rate > (256 << 20)) usage("--flood-rate must be in (0, 256 MiB/s]");
  return o;
}

enum class Kind : std::uint8_t { half_open, bound_idle, malformed, flood };
enum class Phase : std::uint8_t { connecting, binding, holding, awaiting_reaction, flooding };

struct Agent {
  Kind kind = Kind::half_open;
  Phase phase = Phase::connecting;
  std::size_t case_index = 0;
  Clock::time_point since;
  std::vector<std::uint8_t> rx;  // server octets not yet a whole PDU
  double budget = 0;             // flood: octets it may still send now
  std::size_t offset = 0;        // flood: position in the buffer being sent
  bool first_sent = false;       // flood: the first fragment went out; now middle_frags_
};

struct Counters {
  std::uint64_t opened[4] = {};
  std::uint64_t closed_by_server[4] = {};
  std::size_t peak[4] = {};
  std::uint64_t connect_failures = 0;
  std::uint64_t bind_refused = 0;
  std::uint64_t malformed_sent = 0;
  std::map<std::string, std::uint64_t> reactions;  // "bind_nak", "fault", "close", "none", ...
  std::map<std::string, std::map<std::string, std::uint64_t>> per_case;
  std::uint64_t flood_octets = 0;
  std::uint64_t floods_refused = 0;  // fault or close from the server
  std::uint64_t rss_start_kib = 0, rss_peak_kib = 0, rss_end_kib = 0;
  std::uint64_t server_minor_faults = 0;  // pages the server faulted in meanwhile
};

class Hostile {
 public:
  explicit Hostile(Options o)
      : o_(std::move(o)),
        cases_(load_cases(o_.malformed_dir)),
        bind_(make_bind()),
        first_frag_(make_flood_fragments(true, 1)),
        middle_frags_(make_flood_fragments(false, kFloodFragmentsPerBuffer)),
        flood_burst_(std::max(65536.0, 4 * o_.flood_rate * std::chrono::duration<double>(kTick).count())) {
    std::memset(&addr_, 0, sizeof addr_);
    addr_.sin_family = AF_INET;
    addr_.sin_port = htons(o_.port);
    if (inet_pton(AF_INET, o_.host.c_str(), &addr_.sin_addr) != 1) usage("--host must be a dotted IPv4 address");
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) usage("epoll_create1 failed");
  }

  int run();

 private:
  void open(Kind k);
  void close_agent(int fd, bool by_server);
  void on_event(int fd, std::uint32_t events);
  void on_connected(int fd, Agent& a);
  void on_input(int fd, Agent& a);
  bool on_pdu(int fd, Agent& a, std::uint8_t ptype);
  void react(int fd, Agent& a, const char* reaction);
  void flood(int fd, Agent& a);
  void maintain(Clock::time_point now, double dt);
  bool send_all(int fd, std::span<const std::uint8_t> b);
  [[nodiscard]] std::size_t live(Kind k) const { return live_[static_cast<int>(k)]; }

  Options o_;
  std::vector<MalformedCase> cases_;
  std::vector<std::uint8_t> bind_, first_frag_, middle_frags_;
  sockaddr_in addr_{};
  int ep_ = -1;
  std::unordered_map<int, Agent> agents_;
  std::size_t live_[4] = {};
  std::size_t next_case_ = 0;
  double flood_burst_;  // the most a flood may send at once: four ticks' worth, so a late tick loses nothing
  double malformed_tokens_ = 0;
  Counters c_;
};

void Hostile::open(Kind k) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ++c_.connect_failures;
    return;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_) != 0 && errno != EINPROGRESS) {
    ++c_.connect_failures;
    ::close(fd);
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
  ev.data.fd = fd;
  epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  Agent a;
  a.kind = k;
  a.since = Clock::now();
  if (k == Kind::malformed) a.case_index = next_case_++ % cases_.size();
  agents_.emplace(fd, std::move(a));
  const int i = static_cast<int>(k);
  ++c_.opened[i];
  c_.peak[i] = std::max(c_.peak[i], ++live_[i]);
}

void Hostile::close_agent(int fd, bool by_server) {
  auto it = agents_.find(fd);
  if (it == agents_.end()) return;
  const int i = static_cast<int>(it->second.kind);
  if (by_server) ++c_.closed_by_server[i];
  --live_[i];
  agents_.erase(it);
  epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
}

bool Hostile::send_all(int fd, std::span<const std::uint8_t> b) {
  // Small writes into an empty socket buffer: complete, or the peer is gone.
  const ssize_t n = ::send(fd, b.data(), b.size(), MSG_NOSIGNAL);
  return n == static_cast<ssize_t>(b.size());
}

void Hostile::on_connected(int fd, Agent& a) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
    ++c_.connect_failures;
    return close_agent(fd, false);
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = fd;
  epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &ev);
  a.since = Clock::now();
  bool ok = true;
  switch (a.kind) {
    case Kind::half_open:
      ok = send_all(fd, std::span(bind_).first(10));
      a.phase = Phase::holding;
      break;
    case Kind::malformed:
      if (!cases_[a.case_index].after_bind) {
        ok = send_all(fd, cases_[a.case_index].bytes);
        ++c_.malformed_sent;
        a.phase = Phase::awaiting_reaction;
        break;
      }
      [[fallthrough]];
    case Kind::bound_idle:
    case Kind::flood:
      ok = send_all(fd, bind_);
      a.phase = Phase::binding;
      break;
  }
  if (!ok) close_agent(fd, true);
}

void Hostile::react(int fd, Agent& a, const char* reaction) {
  ++c_.reactions[reaction];
  ++c_.per_case[cases_[a.case_index].name][reaction];
  close_agent(fd, std::strcmp(reaction, "close") == 0);
}

// The server sent a whole PDU of type `ptype`; false when that ended the agent.
bool Hostile::on_pdu(int fd, Agent& a, std::uint8_t ptype) {
  if (a.phase == Phase::binding) {
    if (ptype != kBindAck) {
      ++c_.bind_refused;
      close_agent(fd, true);
      return false;
    }
    if (a.kind == Kind::malformed) {
      a.phase = Phase::awaiting_reaction;
      a.since = Clock::now();
      ++c_.malformed_sent;
      if (send_all(fd, cases_[a.case_index].bytes)) return true;
      react(fd, a, "close");
      return false;
    }
    a.phase = a.kind == Kind::flood ? Phase::flooding : Phase::holding;
    return true;
  }
  if (a.phase == Phase::awaiting_reaction) {
    react(fd, a,
          ptype == kBindNak            ? "bind_nak"
          : ptype == kFault            ? "fault"
          : ptype == kAlterContextResp ? "alter_context_resp"
                                       : "other");
    return false;
  }
  if (a.kind == Kind::flood) {
    // The server refused the endless call (a fault): start over.
    ++c_.floods_refused;
    close_agent(fd, false);
    return false;
  }
  return true;  // nothing else is expected; ignore it
}

void Hostile::on_input(int fd, Agent& a) {
  std::uint8_t buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      a.rx.insert(a.rx.end(), buf, buf + n);
      // frag_length is little-endian in everything we provoke: the server
      // answers in the drep of what it answers.
      while (a.rx.size() >= 10) {
        const std::size_t frag = static_cast<std::size_t>(a.rx[8] | (a.rx[9] << 8));
        if (frag < 16) return close_agent(fd, false);
        if (a.rx.size() < frag) break;
        const std::uint8_t ptype = a.rx[2];
        a.rx.erase(a.rx.begin(), a.rx.begin() + static_cast<std::ptrdiff_t>(frag));
        if (!on_pdu(fd, a, ptype)) return;
      }
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    // EOF or reset: the server ended the connection.
    if (a.phase == Phase::awaiting_reaction) return react(fd, a, "close");
    if (a.kind == Kind::flood && a.phase == Phase::flooding) ++c_.floods_refused;
    return close_agent(fd, true);
  }
}

void Hostile::on_event(int fd, std::uint32_t events) {
  auto it = agents_.find(fd);
  if (it == agents_.end()) return;
  Agent& a = it->second;
  if (a.phase == Phase::connecting) {
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(fd, a);
    return;
  }
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) on_input(fd, a);
}

void Hostile::flood(int fd, Agent& a) {
  while (a.budget > 0) {
    const auto& buffer = a.first_sent ? middle_frags_ : first_frag_;
    const std::size_t want = std::min(buffer.size() - a.offset, static_cast<std::size_t>(a.budget) + 1);
    const ssize_t n = ::send(fd, buffer.data() + a.offset, want, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      ++c_.floods_refused;
      return close_agent(fd, true);
    }
    a.budget -= static_cast<double>(n);
    c_.flood_octets += static_cast<std::uint64_t>(n);
    a.offset += static_cast<std::size_t>(n);
    if (a.offset == buffer.size()) {  // middle_frags_ is whole fragments: wrapping keeps the framing
      a.offset = 0;
      a.first_sent = true;
    }
  }
}

void Hostile::maintain(Clock::time_point now, double dt) {
  std::size_t opens = 0;
  const auto top_up = [&](Kind k, std::size_t want) {
    while (live(k) < want && opens < kMaxOpensPerTick) {
      open(k);
      ++opens;
    }
  };
  top_up(Kind::half_open, o_.half_open);
  top_up(Kind::bound_idle, o_.bound_idle);
  top_up(Kind::flood, o_.floods);
  malformed_tokens_ = std::min(malformed_tokens_ + o_.malformed_rate * dt, 64.0);
  while (malformed_tokens_ >= 1 && live(Kind::malformed) < kMaxMalformedInFlight && opens < kMaxOpensPerTick) {
    open(Kind::malformed);
    malformed_tokens_ -= 1;
    ++opens;
  }
  const auto patience = std::chrono::duration<double>(o_.patience);
  std::vector<int> expired;
  for (auto& [fd, a] : agents_) {
    if (a.phase == Phase::connecting && now - a.since > kConnectTimeout) expired.push_back(fd);
    if (a.phase == Phase::awaiting_reaction && now - a.since > patience) expired.push_back(fd);
    if (a.phase == Phase::flooding) a.budget = std::min(a.budget + o_.flood_rate * dt, flood_burst_);
  }
  for (int fd : expired) {
    auto& a = agents_.at(fd);
    if (a.phase == Phase::awaiting_reaction) {
      react(fd, a, "none");
    } else {
      ++c_.connect_failures;
      close_agent(fd, false);
    }
  }
  std::vector<int> flooding;
  for (auto& [fd, a] : agents_)
    if (a.phase == Phase::flooding) flooding.push_back(fd);
  for (int fd : flooding) {
    auto it = agents_.find(fd);
    if (it != agents_.end()) flood(fd, it->second);
  }
}

int Hostile::run() {
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.seconds));
  // The group's members are found once: scanning /proc ten times a second
  // would cost the good clients more than some of the attacks do. The last
  // sample scans again, for a process forked meanwhile.
  const std::vector<int> server = group_members(o_.server_pid);
  const ProcSample first_sample = sample_pids(server);
  c_.rss_start_kib = c_.rss_peak_kib = first_sample.rss_kib;
  auto last = start, last_sample = start;
  std::vector<epoll_event> events(1024);
  auto next_tick = start;
  while (Clock::now() < end) {
    next_tick += kTick;
    std::this_thread::sleep_until(next_tick);
    for (;;) {  // everything that is ready, without waiting
      const int n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), 0);
      for (int i = 0; i < n; ++i) on_event(events[static_cast<std::size_t>(i)].data.fd, events[static_cast<std::size_t>(i)].events);
      if (n < static_cast<int>(events.size())) break;
    }
    const auto now = Clock::now();
    if (now - next_tick > 10 * kTick) next_tick = now;  // fell behind: do not catch up in a burst
    maintain(now, std::chrono::duration<double>(now - last).count());
    last = now;
    if (o_.server_pid > 0 && now - last_sample >= std::chrono::milliseconds(100)) {
      c_.rss_peak_kib = std::max(c_.rss_peak_kib, sample_pids(server).rss_kib);
      last_sample = now;
    }
  }
  const ProcSample final_sample = sample_group(o_.server_pid);
  c_.rss_end_kib = final_sample.rss_kib;
  c_.server_minor_faults =
      final_sample.minor_faults >= first_sample.minor_faults ? final_sample.minor_faults - first_sample.minor_faults : 0;
  c_.rss_peak_kib = std::max(c_.rss_peak_kib, c_.rss_end_kib);
  std::vector<int> all;
  for (const auto& [fd, a] : agents_) all.push_back(fd);
  for (int fd : all) close_agent(fd, false);

  const auto r = [&](const char* k) {
    auto it = c_.reactions.find(k);
    return it == c_.reactions.end() ? std::uint64_t{0} : it->second;
  };
  std::printf(
      "RESULT seconds=%.1f half_open_peak=%zu half_open_opened=%llu half_open_reaped=%llu bound_idle_peak=%zu "
      "malformed_sent=%llu reaction_bind_nak=%llu reaction_fault=%llu reaction_close=%llu reaction_none=%llu "
      "reaction_alter_resp=%llu reaction_other=%llu flood_mib=%.1f floods_refused=%llu bind_refused=%llu connect_failures=%llu "
      "server_rss_start_kib=%llu server_rss_peak_kib=%llu server_rss_end_kib=%llu server_minor_faults=%llu\n",
      o_.seconds, c_.peak[0], static_cast<unsigned long long>(c_.opened[0]),
      static_cast<unsigned long long>(c_.closed_by_server[0]), c_.peak[1],
      static_cast<unsigned long long>(c_.malformed_sent), static_cast<unsigned long long>(r("bind_nak")),
      static_cast<unsigned long long>(r("fault")), static_cast<unsigned long long>(r("close")),
      static_cast<unsigned long long>(r("none")), static_cast<unsigned long long>(r("alter_context_resp")),
      static_cast<unsigned long long>(r("other")),
      static_cast<double>(c_.flood_octets) / (1 << 20), static_cast<unsigned long long>(c_.floods_refused),
      static_cast<unsigned long long>(c_.bind_refused), static_cast<unsigned long long>(c_.connect_failures),
      static_cast<unsigned long long>(c_.rss_start_kib), static_cast<unsigned long long>(c_.rss_peak_kib),
      static_cast<unsigned long long>(c_.rss_end_kib), static_cast<unsigned long long>(c_.server_minor_faults));
  for (const auto& [name, rs] : c_.per_case) {
    std::string line;
    for (const auto& [k, v] : rs) line += " " + k + "=" + std::to_string(v);
    std::fprintf(stderr, "case %s:%s\n", name.c_str(), line.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Hostile(parse(argc, argv)).run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rampart-hostile: %s\n", e.what());
    return 1;
  }
}
