// rampart-loadgen: a closed-loop DCE/RPC load generator for endpoint mappers
// on ncacn_ip_tcp (rampartd, Samba's samba-dcerpcd, bench/echo). One epoll
// thread drives every connection; each connection has at most one call
// outstanding. Every reply counted is validated: header (version, PTYPE,
// flags, drep, frag_length, call_id), then the stub is compared byte for
// byte with a reference reply that was fully decoded (PDU codec plus the
// ept_map_response / rpc__mgmt_is_server_listening_response NDR codecs and the tower
// codec); every --full-decode-every'th reply is fully decoded again.
//
// Shapes:
//   steady  N connections bind once, then call back to back for --seconds
//   churn   N workers each loop: connect, bind, one call, close
//   idle    N connections connect and bind, then hold (--hold seconds)
//
// With --server-pid PID, the server's CPU time (utime+stime, plus the
// cutime+cstime of reaped children) and VmRSS are summed over every process
// in PID's process group, read at the start and end of the timed window.
//
// Output: one line "RESULT key=value ..." on stdout; progress on stderr.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/binding/tower.hpp"
#include "epm.hpp"
#include "mgmt.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/pdu/pdu.hpp"
#include "cli_number.hpp"
#include "proc_sample.hpp"
#include "requests.hpp"

namespace {

using namespace rampart;
using Clock = std::chrono::steady_clock;
using rampart::bench::ProcSample;
using rampart::bench::sample_group;
using rampart::bench::make_bind;

constexpr std::uint16_t kMaxRecvFrag = rampart::bench::kBenchFrag;  // what the bind offers
constexpr std::size_t kRxCapacity = kMaxRecvFrag + 64;

// Impacket's ept_map request for lsarpc 12345778-1234-abcd-ef00-0123456789ab
// v0.0 over ncacn_ip_tcp, 156 octets (tests/golden/captures/
// impacket_ept_map_registered/03-c2s-request.hex); call_id is patched per call.
constexpr std::array<std::uint8_t, 156> kEptMapRequest = {
    0x05, 0x00, 0x00, 0x03, 0x10, 0x00, 0x00, 0x00, 0x9c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x4b, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00, 0x05, 0x00, 0x13, 0x00, 0x0d, 0x78, 0x57, 0x34,
    0x12, 0x34, 0x12, 0xcd, 0xab, 0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x13, 0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
    0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x02,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x09, 0x04, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xab, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
};

const SyntaxId kLsarpc{Uuid::from_string("12345778-1234-abcd-ef00-0123456789ab"), 0, 0};

enum class Shape { steady, churn, idle };
enum class Op : std::uint8_t { map = 0, mgmt = 1 };
enum class OpMix { map, mgmt, mix };

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 135;
  std::string netns;
  Shape shape = Shape::steady;
  OpMix ops = OpMix::map;
  std::size_t connections = 1;
  double seconds = 5;
  double warmup = 0.5;
  double hold = 1;
  double deadline = 60;  // idle: give up establishing after this long
  std::uint64_t max_calls = 20'000'000;
  std::uint32_t full_decode_every = 64;
  std::size_t max_connecting = 256;  // handshakes in flight at once (idle, churn)
  int server_pid = 0;
  std::string label;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "rampart-loadgen: %s\n"
               "usage: rampart-loadgen [--host A] [--port P] [--netns NAME] --shape steady|churn|idle\n"
               "         [--op map|mgmt|mix] [--connections N] [--seconds S] [--warmup S] [--hold S]\n"
               "         [--max-calls N] [--full-decode-every K] [--max-connecting N]\n"
               "         [--server-pid PID] [--deadline S] [--label TEXT]\n",
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
    std::string_view a = argv[i];
    auto val = [&]() -> std::string_view {
      if (i + 1 >= argc) usage("missing value");
      return argv[++i];
    };
    if (a == "--host") o.host = val();
    else if (a == "--port") o.port = number<std::uint16_t>(val(), "--port");
    else if (a == "--netns") o.netns = val();
    else if (a == "--shape") {
      auto v = val();
      if (v == "steady") o.shape = Shape::steady;
      else if (v == "churn") o.shape = Shape::churn;
      else if (v == "idle") o.shape = Shape::idle;
      else usage("bad --shape");
    } else if (a == "--op") {
      auto v = val();
      if (v == "map") o.ops = OpMix::map;
      else if (v == "mgmt") o.ops = OpMix::mgmt;
      else if (v == "mix") o.ops = OpMix::mix;
      else usage("bad --op");
    } else if (a == "--connections") o.connections = number<std::size_t>(val(), "--connections");
    else if (a == "--seconds") o.seconds = number<double>(val(), "--seconds");
    else if (a == "--warmup") o.warmup = number<double>(val(), "--warmup");
    else if (a == "--hold") o.hold = number<double>(val(), "--hold");
    else if (a == "--deadline") o.deadline = number<double>(val(), "--deadline");
    else if (a == "--max-calls") o.max_calls = number<std::uint64_t>(val(), "--max-calls");
    else if (a == "--full-decode-every") o.full_decode_every = number<std::uint32_t>(val(), "--full-decode-every");
    else if (a == "--max-connecting") o.max_connecting = number<std::size_t>(val(), "--max-connecting");
    else if (a == "--server-pid") o.server_pid = number<int>(val(), "--server-pid");
    else if (a == "--label") o.label = val();
    else usage(("unknown option " + std::string(a)).c_str());
  }
  if (o.connections == 0 || o.connections > 100000) usage("--connections must be 1..100000");
  if (o.full_decode_every == 0) o.full_decode_every = 1;
  if (o.max_connecting == 0) o.max_connecting = 1;
  if (o.seconds <= 0 || o.seconds > 600) usage("--seconds must be in (0, 600]");
  return o;
}

// ---- requests ----

std::vector<std::uint8_t> make_mgmt_request() {
  pdu::Pdu p;
  p.header.ptype = pdu::PType::request;
  p.header.call_id = 1;
  pdu::Request r;
  r.context_id = 1;
  r.opnum = static_cast<std::uint16_t>(spec::mgmt::mgmt_opnum::rpc__mgmt_is_server_listening);
  p.body = r;
  return pdu::encode(p);
}

std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// ---- validation ----

// Full decode of a response PDU for `op`; empty string when it is right.
std::string full_check(std::span<const std::uint8_t> bytes, Op op, std::uint32_t call_id) {
  auto p = pdu::decode(bytes);
  if (!p) return "PDU decode: " + p.error().to_string();
  if (p->header.call_id != call_id) return "call_id mismatch";
  if (const auto* f = p->as<pdu::Fault>()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "fault 0x%08x", f->status);
    return buf;
  }
  const auto* r = p->as<pdu::Response>();
  if (!r) return "not a response PDU";
  if (!p->header.is_first_frag() || !p->header.is_last_frag()) return "response not a single fragment";
  if (op == Op::map) {
    if (r->context_id != 0) return "ept_map reply on the wrong context";
    auto m = ndr::decode_stub<spec::epm::ept_map_response>(r->stub, p->header.drep);
    if (!m) return "ept_map_response decode: " + m.error().to_string();
    if (m->status != 0) return "ept_map status " + std::to_string(m->status);
    if (m->ITowers.size() != 1 || !m->ITowers[0]) return "ept_map: expected exactly one tower";
    auto t = binding::Tower::decode(m->ITowers[0]->tower_octet_string);
    if (!t) return "tower decode: " + t.error().to_string();
    auto b = t->binding();
    if (!b) return "tower binding: " + b.error().to_string();
    if (b->interface != kLsarpc) return "tower names " + b->interface.to_string() + ", not lsarpc";
    if (b->protseq != binding::Protseq::ncacn_ip_tcp) return "tower is not ncacn_ip_tcp";
  } else {
    if (r->context_id != 1) return "mgmt reply on the wrong context";
    auto m = ndr::decode_stub<spec::mgmt::rpc__mgmt_is_server_listening_response>(r->stub, p->header.drep);
    if (!m) return "is_server_listening response decode: " + m.error().to_string();
    if (m->status != 0) return "is_server_listening status != 0";
    if (m->return_value == 0) return "is_server_listening says not listening";
  }
  return {};
}

// ---- connections ----

enum class State : std::uint8_t { connecting, bind_sent, ready, call_sent, closed };

struct Conn {
  int fd = -1;
  State state = State::closed;
  Op op = Op::map;
  std::uint32_t call_id = 0;
  Clock::time_point sent{};     // this call (or, for churn, the connect) started
  std::size_t rx_len = 0;
  std::size_t tx_off = 0;
  std::vector<std::uint8_t> tx;  // pending output, rarely used
  std::unique_ptr<std::uint8_t[]> rx;
  std::uint64_t calls_on_conn = 0;
};

struct Stats {
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  std::uint64_t full_decodes = 0;
  std::map<std::string, std::uint64_t> error_kinds;
  std::vector<std::uint32_t> lat_ns;
};

class LoadGen {
 public:
  explicit LoadGen(Options o) : o_(std::move(o)), bind_(make_bind()), mgmt_req_(make_mgmt_request()) {
    map_req_.assign(kEptMapRequest.begin(), kEptMapRequest.end());
    std::memset(&addr_, 0, sizeof addr_);
    addr_.sin_family = AF_INET;
    addr_.sin_port = htons(o_.port);
    if (inet_pton(AF_INET, o_.host.c_str(), &addr_.sin_addr) != 1) usage("--host must be a dotted IPv4 address");
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) die("epoll_create1");
    conns_.resize(o_.connections);
    stats_.lat_ns.reserve(std::min<std::uint64_t>(o_.max_calls, 4'000'000));
  }

  int run();

 private:
  [[noreturn]] static void die(const char* what) {
    std::fprintf(stderr, "rampart-loadgen: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
  }

  void error(Conn& c, std::size_t idx, const std::string& kind) {
    ++stats_.errors;
    if (stats_.error_kinds[kind]++ < 3) std::fprintf(stderr, "rampart-loadgen: connection %zu: %s\n", idx, kind.c_str());
    close_conn(c);
  }

  void close_conn(Conn& c) {
    if (c.fd >= 0) {
      if (c.state == State::connecting) --connecting_;
      if (c.state == State::ready || c.state == State::call_sent) --established_;
      ::close(c.fd);
    }
    c.fd = -1;
    c.state = State::closed;
  }

  bool open_conn(std::size_t idx);
  bool send(Conn& c, std::size_t idx, const std::uint8_t* data, std::size_t n);
  void start_call(Conn& c, std::size_t idx);
  void on_event(std::size_t idx, std::uint32_t events);
  void on_pdu(Conn& c, std::size_t idx, std::span<const std::uint8_t> pdu);
  void on_reply(Conn& c, std::size_t idx, std::span<const std::uint8_t> pdu);
  void poll(int timeout_ms);
  Op next_op() {
    switch (o_.ops) {
      case OpMix::map: return Op::map;
      case OpMix::mgmt: return Op::mgmt;
      case OpMix::mix: return (op_counter_++ & 1) ? Op::mgmt : Op::map;
    }
    return Op::map;
  }
  bool timing() const { return phase_ == Phase::timed; }

  enum class Phase { setup, warmup, timed, draining };

  Options o_;
  std::vector<std::uint8_t> bind_, mgmt_req_, map_req_;
  sockaddr_in addr_{};
  int ep_ = -1;
  std::vector<Conn> conns_;
  Stats stats_;
  Phase phase_ = Phase::setup;
  Clock::time_point timed_start_{};
  std::size_t connecting_ = 0, established_ = 0;
  std::uint64_t op_counter_ = 0, reply_counter_ = 0;
  std::array<std::vector<std::uint8_t>, 2> ref_stub_;  // a fully validated reply's stub, per op
  std::array<std::uint16_t, 2> ref_len_{};
  bool mgmt_accepted_ = true;
  std::uint64_t connects_ = 0;
};

bool LoadGen::open_conn(std::size_t idx) {
  Conn& c = conns_[idx];
  c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) die("socket (raise RLIMIT_NOFILE?)");
  int one = 1;
  ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!c.rx) c.rx = std::make_unique<std::uint8_t[]>(kRxCapacity);
  c.rx_len = 0;
  c.tx.clear();
  c.tx_off = 0;
  c.call_id = 1;
  c.calls_on_conn = 0;
  c.sent = Clock::now();
  ++connects_;
  int rc = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_);
  if (rc < 0 && errno != EINPROGRESS) {
    ::close(c.fd);
    c.fd = -1;
    ++stats_.errors;
    if (stats_.error_kinds[std::string("connect: ") + std::strerror(errno)]++ < 3)
      std::fprintf(stderr, "rampart-loadgen: connect: %s\n", std::strerror(errno));
    return false;
  }
  c.state = State::connecting;
  ++connecting_;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.u64 = idx;
  if (epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev) < 0) die("epoll_ctl");
  return true;
}

bool LoadGen::send(Conn& c, std::size_t idx, const std::uint8_t* data, std::size_t n) {
  if (c.tx_off < c.tx.size()) {  // earlier output still queued
    c.tx.insert(c.tx.end(), data, data + n);
    return true;
  }
  ssize_t w = ::send(c.fd, data, n, MSG_NOSIGNAL);
  if (w < 0 && errno != EAGAIN) {
    error(c, idx, std::string("send: ") + std::strerror(errno));
    return false;
  }
  std::size_t done = w < 0 ? 0 : static_cast<std::size_t>(w);
  if (done < n) {
    c.tx.assign(data + done, data + n);
    c.tx_off = 0;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = idx;
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
  }
  return true;
}

void LoadGen::start_call(Conn& c, std::size_t idx) {
  c.op = next_op();
  auto& req = c.op == Op::map ? map_req_ : mgmt_req_;
  c.call_id = c.call_id + 1;
  put32(req.data() + 12, c.call_id);
  c.state = State::call_sent;
  if (o_.shape != Shape::churn) c.sent = Clock::now();
  send(c, idx, req.data(), req.size());
}

void LoadGen::on_event(std::size_t idx, std::uint32_t events) {
  Conn& c = conns_[idx];
  if (c.fd < 0) return;
  if (c.state == State::connecting) {
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      errno = err;
      return error(c, idx, std::string("connect: ") + std::strerror(err));
    }
    --connecting_;
    c.state = State::bind_sent;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = idx;
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    put32(bind_.data() + 12, 1);
    send(c, idx, bind_.data(), bind_.size());
    return;
  }
  if ((events & EPOLLOUT) && c.tx_off < c.tx.size()) {
    ssize_t w = ::send(c.fd, c.tx.data() + c.tx_off, c.tx.size() - c.tx_off, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN) return error(c, idx, std::string("send: ") + std::strerror(errno));
    if (w > 0) c.tx_off += static_cast<std::size_t>(w);
    if (c.tx_off == c.tx.size()) {
      c.tx.clear();
      c.tx_off = 0;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = idx;
      epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    }
  }
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
  ssize_t r = ::recv(c.fd, c.rx.get() + c.rx_len, kRxCapacity - c.rx_len, 0);
  if (r == 0) return error(c, idx, "server closed the connection");
  if (r < 0) {
    if (errno == EAGAIN) return;
    return error(c, idx, std::string("recv: ") + std::strerror(errno));
  }
  c.rx_len += static_cast<std::size_t>(r);
  std::size_t off = 0;
  while (c.fd >= 0 && c.rx_len - off >= 16) {
    const std::uint8_t* h = c.rx.get() + off;
    if (h[0] != 5 || h[1] != 0 || h[4] != 0x10) return error(c, idx, "bad PDU header (version or drep)");
    const std::uint16_t frag = le16(h + 8);
    if (frag < 16 || frag > kMaxRecvFrag) return error(c, idx, "bad frag_length");
    if (c.rx_len - off < frag) break;
    on_pdu(c, idx, {h, frag});
    off += frag;
  }
  if (c.fd < 0) return;
  if (off > 0) {
    std::memmove(c.rx.get(), c.rx.get() + off, c.rx_len - off);
    c.rx_len -= off;
  }
}

void LoadGen::on_pdu(Conn& c, std::size_t idx, std::span<const std::uint8_t> bytes) {
  if (c.state == State::bind_sent) {
    auto p = pdu::decode(bytes);
    if (!p) return error(c, idx, "bind reply: " + p.error().to_string());
    const auto* ack = p->as<pdu::BindAck>();
    if (!ack) return error(c, idx, "bind not acknowledged (PTYPE " + std::to_string(static_cast<int>(p->ptype())) + ")");
    if (p->header.call_id != 1) return error(c, idx, "bind_ack call_id mismatch");
    if (ack->results.size() != 2 || ack->results[0].result != pdu::ContextResult::acceptance ||
        ack->results[0].transfer_syntax != syntax::kNdr20)
      return error(c, idx, "bind_ack does not accept the EPM over NDR20");
    const bool mgmt_ok = ack->results[1].result == pdu::ContextResult::acceptance;
    if (!mgmt_ok && o_.ops != OpMix::map) {
      mgmt_accepted_ = false;
      return error(c, idx, "server rejected the mgmt context (mgmt not offered on this endpoint)");
    }
    c.state = State::ready;
    ++established_;
    if (o_.shape == Shape::idle) return;
    if (phase_ == Phase::draining) return;
    return start_call(c, idx);
  }
  if (c.state != State::call_sent) return error(c, idx, "unsolicited PDU");
  on_reply(c, idx, bytes);
}

void LoadGen::on_reply(Conn& c, std::size_t idx, std::span<const std::uint8_t> bytes) {
  const auto now = Clock::now();
  const int k = static_cast<int>(c.op);
  const std::uint8_t* h = bytes.data();
  // The cheap check on every reply: response PTYPE, first|last, call_id,
  // and the whole stub equal to the reference reply (one tower, status 0).
  bool fast_ok = h[2] == static_cast<std::uint8_t>(pdu::PType::response) && (h[3] & 0x03) == 0x03 &&
                 le32(h + 12) == c.call_id && le16(h + 10) == 0;
  const bool full = !ref_len_[k] || (++reply_counter_ % o_.full_decode_every) == 0 || !fast_ok;
  if (full) {
    ++stats_.full_decodes;
    auto why = full_check(bytes, c.op, c.call_id);
    if (!why.empty()) return error(c, idx, why);
    if (!ref_len_[k]) {
      ref_len_[k] = static_cast<std::uint16_t>(bytes.size());
      ref_stub_[k].assign(bytes.begin() + 24, bytes.end());
    }
  }
  if (bytes.size() != ref_len_[k] || std::memcmp(bytes.data() + 24, ref_stub_[k].data(), ref_stub_[k].size()) != 0 ||
      le16(h + 20) != (c.op == Op::map ? 0 : 1))
    return error(c, idx, "reply differs from the validated reference reply");
  ++c.calls_on_conn;
  if (timing() && c.sent >= timed_start_) {
    ++stats_.calls;
    stats_.lat_ns.push_back(static_cast<std::uint32_t>(
        std::min<std::int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - c.sent).count(), UINT32_MAX)));
  }
  if (o_.shape == Shape::churn) return close_conn(c);  // poll() opens the next one
  c.state = State::ready;
  if (phase_ != Phase::draining && stats_.calls < o_.max_calls) start_call(c, idx);
}

void LoadGen::poll(int timeout_ms) {
  std::array<epoll_event, 256> evs;
  int n = epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return;
    die("epoll_wait");
  }
  for (int i = 0; i < n; ++i) on_event(static_cast<std::size_t>(evs[static_cast<std::size_t>(i)].data.u64),
                                       evs[static_cast<std::size_t>(i)].events);
  // Connections are replaced here, never inside on_event (whose caller still
  // holds the old connection's receive state): churn workers start their
  // next cycle, steady connections lost to an error reconnect.
  if (o_.shape == Shape::idle || phase_ == Phase::setup || phase_ == Phase::draining) return;
  if (stats_.calls >= o_.max_calls) return;
  for (std::size_t i = 0; i < conns_.size(); ++i)
    if (conns_[i].fd < 0 && connecting_ < o_.max_connecting) open_conn(i);
}

double secs_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::uint64_t pct(std::vector<std::uint32_t>& v, double p) {
  if (v.empty()) return 0;
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

int LoadGen::run() {
  const long tck = sysconf(_SC_CLK_TCK);
  const char* shape = o_.shape == Shape::steady ? "steady" : o_.shape == Shape::churn ? "churn" : "idle";
  const char* ops = o_.ops == OpMix::map ? "map" : o_.ops == OpMix::mgmt ? "mgmt" : "mix";
  std::string head = "RESULT label=" + (o_.label.empty() ? std::string("-") : o_.label) + " shape=" + shape +
                     " op=" + ops + " connections=" + std::to_string(o_.connections);

  if (o_.shape == Shape::idle) {
    const ProcSample before = sample_group(o_.server_pid);
    const auto t0 = Clock::now();
    std::size_t next = 0;
    while (established_ < o_.connections && secs_since(t0) < o_.deadline) {
      while (next < o_.connections && connecting_ < o_.max_connecting) {
        if (!open_conn(next)) break;
        ++next;
      }
      poll(10);
      if (!mgmt_accepted_) break;
      if (next == o_.connections && connecting_ == 0 && established_ + stats_.errors >= o_.connections &&
          established_ < o_.connections)
        break;  // some failed; nothing more will come
    }
    const double t_est = secs_since(t0);
    std::fprintf(stderr, "rampart-loadgen: %zu of %zu connections established and bound in %.2f s\n", established_,
                 o_.connections, t_est);
    // Let the server settle (deferred allocations, worker hand-offs).
    const auto settle = Clock::now();
    while (secs_since(settle) < 0.5) poll(50);
    const ProcSample after = sample_group(o_.server_pid);
    const std::size_t alive = established_;
    const auto th = Clock::now();
    while (secs_since(th) < o_.hold) poll(50);
    const std::size_t still = established_;
    for (auto& c : conns_) close_conn(c);
    const double per_conn = alive ? (static_cast<double>(after.rss_kib) - static_cast<double>(before.rss_kib)) /
                                        static_cast<double>(alive)
                                  : 0;
    std::printf("%s established=%zu still_open_after_hold=%zu establish_s=%.3f rss_before_kib=%llu "
                "rss_after_kib=%llu rss_per_conn_kib=%.3f server_procs=%d errors=%llu\n",
                head.c_str(), alive, still, t_est, static_cast<unsigned long long>(before.rss_kib),
                static_cast<unsigned long long>(after.rss_kib), per_conn, after.processes,
                static_cast<unsigned long long>(stats_.errors));
    for (auto& [k, v] : stats_.error_kinds) std::fprintf(stderr, "rampart-loadgen: error x%llu: %s\n",
                                                         static_cast<unsigned long long>(v), k.c_str());
    return alive == o_.connections ? 0 : 1;
  }

  // steady and churn
  const auto t0 = Clock::now();
  if (o_.shape == Shape::steady) {
    for (std::size_t i = 0; i < o_.connections; ++i) open_conn(i);
    phase_ = o_.warmup > 0 ? Phase::warmup : Phase::timed;
    while (established_ < o_.connections && secs_since(t0) < 10 && mgmt_accepted_) poll(10);
    if (established_ < o_.connections) {
      std::fprintf(stderr, "rampart-loadgen: only %zu of %zu connections bound\n", established_, o_.connections);
      std::printf("%s calls=0 errors=%llu failed=setup\n", head.c_str(), static_cast<unsigned long long>(stats_.errors));
      return 1;
    }
  } else {
    phase_ = o_.warmup > 0 ? Phase::warmup : Phase::timed;
    for (std::size_t i = 0; i < o_.connections; ++i) open_conn(i);
  }
  const auto tw = Clock::now();
  while (phase_ == Phase::warmup && secs_since(tw) < o_.warmup && mgmt_accepted_) poll(10);
  const std::uint64_t errors_before_timing = stats_.errors;
  stats_.errors = 0;
  phase_ = Phase::timed;
  const ProcSample before = sample_group(o_.server_pid);
  rusage ru0{};
  getrusage(RUSAGE_SELF, &ru0);
  timed_start_ = Clock::now();
  while (secs_since(timed_start_) < o_.seconds && stats_.calls < o_.max_calls && mgmt_accepted_) {
    poll(10);
  }
  const double elapsed = secs_since(timed_start_);
  const ProcSample after = sample_group(o_.server_pid);
  rusage ru1{};
  getrusage(RUSAGE_SELF, &ru1);
  phase_ = Phase::draining;
  const auto td = Clock::now();
  auto busy = [&] {
    for (auto& c : conns_)
      if (c.fd >= 0 && c.state != State::ready) return true;
    return false;
  };
  while (busy() && secs_since(td) < 2) poll(10);
  for (auto& c : conns_) close_conn(c);

  const double cps = static_cast<double>(stats_.calls) / elapsed;
  const std::uint64_t p50 = pct(stats_.lat_ns, 0.50), p99 = pct(stats_.lat_ns, 0.99);
  const double srv_cpu_us =
      static_cast<double>(after.cpu_ticks - before.cpu_ticks) * 1e6 / static_cast<double>(tck);
  auto tv_us = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
  const double lg_cpu_us = tv_us(ru1.ru_utime) + tv_us(ru1.ru_stime) - tv_us(ru0.ru_utime) - tv_us(ru0.ru_stime);
  const double calls = static_cast<double>(std::max<std::uint64_t>(stats_.calls, 1));
  std::printf("%s calls=%llu seconds=%.3f calls_per_s=%.1f p50_us=%.1f p99_us=%.1f errors=%llu "
              "setup_errors=%llu full_decodes=%llu server_cpu_us_per_call=%.2f server_rss_kib=%llu "
              "server_procs=%d loadgen_cpu_us_per_call=%.2f connects=%llu\n",
              head.c_str(), static_cast<unsigned long long>(stats_.calls), elapsed, cps,
              static_cast<double>(p50) / 1000.0, static_cast<double>(p99) / 1000.0,
              static_cast<unsigned long long>(stats_.errors), static_cast<unsigned long long>(errors_before_timing),
              static_cast<unsigned long long>(stats_.full_decodes), o_.server_pid ? srv_cpu_us / calls : 0.0,
              static_cast<unsigned long long>(after.rss_kib), after.processes, lg_cpu_us / calls,
              static_cast<unsigned long long>(connects_));
  for (auto& [k, v] : stats_.error_kinds)
    std::fprintf(stderr, "rampart-loadgen: error x%llu: %s\n", static_cast<unsigned long long>(v), k.c_str());
  return stats_.calls > 0 && mgmt_accepted_ ? 0 : 1;
}

void raise_nofile(std::size_t need) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  const rlim_t want = static_cast<rlim_t>(need + 64);
  if (rl.rlim_cur >= want) return;
  if (rl.rlim_max < want) rl.rlim_max = want;  // needs CAP_SYS_RESOURCE
  rl.rlim_cur = want;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
    std::fprintf(stderr, "rampart-loadgen: cannot raise RLIMIT_NOFILE to %llu: %s\n",
                 static_cast<unsigned long long>(want), std::strerror(errno));
}

void enter_netns(const std::string& name) {
  const std::string path = "/run/netns/" + name;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "rampart-loadgen: cannot enter network namespace %s: %s\n", name.c_str(), std::strerror(errno));
    std::exit(1);
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  if (!o.netns.empty()) enter_netns(o.netns);
  raise_nofile(o.connections);
  LoadGen g(std::move(o));
  return g.run();
}
