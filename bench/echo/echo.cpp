// rampart-echo: the floor a DCE/RPC server on TCP could reach on this machine.
// A minimal epoll server that frames requests by frag_length and answers each
// with canned bytes of the size the real server sends: Samba's bind_ack
// (tests/golden/captures/impacket_ept_map_registered/02-s2c-bind_ack.hex,
// one acceptance result per presentation context of the bind) and Samba's
// 152-octet ept_map response (04-s2c-response.hex), with call_id (and the
// context id) patched. It decodes nothing else and checks nothing: the cost
// of the kernel, the sockets and the event loop, without any RPC work.
//
//   rampart-echo [--listen 127.0.0.1] [--port 135] [--threads 1|2]
//
// Each thread owns an epoll instance and an SO_REUSEPORT listener; the
// kernel spreads connections across them. Runs until SIGTERM/SIGINT.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "golden_capture.hpp"

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

struct Canned {
  std::vector<std::uint8_t> bind_ack_head;  // Samba's bind_ack up to and excluding its results list
  std::vector<std::uint8_t> result_entry;   // one p_result_t: acceptance, NDR20
  std::vector<std::uint8_t> ept_map;        // Samba's 152-octet ept_map response
  std::vector<std::uint8_t> mgmt;           // is_server_listening response: status 0, listening 1
  std::vector<std::uint8_t> fault;          // nca_s_op_rng_error for anything else
};

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}

Canned load_canned() {
  Canned c;
  auto ack = rampart::bench::golden_capture("impacket_ept_map_registered/02-s2c-bind_ack.hex");
  // 16 header + 8 (max_xmit, max_recv, assoc_group) + 2+4 sec_addr "135\0" + 2 pad = 32,
  // then n_results (1 octet), 3 reserved, and 24 octets per result.
  if (ack.size() != 60 || ack[32] != 1) std::abort();
  c.bind_ack_head.assign(ack.begin(), ack.begin() + 36);
  c.result_entry.assign(ack.begin() + 36, ack.end());
  c.ept_map = rampart::bench::golden_capture("impacket_ept_map_registered/04-s2c-response.hex");
  if (c.ept_map.size() != 152) std::abort();
  // response header: alloc_hint 8, context 1, cancel 0; stub: status 0, listening 1
  c.mgmt = {0x05, 0x00, 0x02, 0x03, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
  c.fault = {0x05, 0x00, 0x03, 0x23, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
             0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x1c, 0x00, 0x00, 0x00, 0x00};
  return c;
}

struct Conn {
  int fd = -1;
  std::size_t rx_len = 0;
  std::uint8_t rx[8192];
  std::vector<std::uint8_t> out;
  std::size_t out_off = 0;
};

class Loop {
 public:
  Loop(const Canned& canned, const sockaddr_in& addr) : canned_(canned) {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    lfd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(lfd_, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (::bind(lfd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(lfd_, 4096) != 0) {
      std::perror("rampart-echo: bind/listen");
      std::exit(1);
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;
    epoll_ctl(ep_, EPOLL_CTL_ADD, lfd_, &ev);
  }

  void run() {
    epoll_event evs[256];
    while (!g_stop) {
      int n = epoll_wait(ep_, evs, 256, 200);
      for (int i = 0; i < n; ++i) {
        if (evs[i].data.ptr == nullptr) {
          accept_all();
          continue;
        }
        auto* c = static_cast<Conn*>(evs[i].data.ptr);
        if (!on_event(*c, evs[i].events)) drop(c);
      }
    }
  }

 private:
  void accept_all() {
    for (;;) {
      int fd = ::accept4(lfd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto* c = new Conn;
      c->fd = fd;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = c;
      epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
    }
  }

  void drop(Conn* c) {
    ::close(c->fd);
    delete c;
  }

  void reply(Conn& c, const std::uint8_t* req) {
    const std::size_t at = c.out.size();
    const std::uint8_t ptype = req[2];
    if (ptype == 11 || ptype == 14) {  // bind / alter_context: one acceptance per context
      const std::uint8_t n = req[24];
      c.out.insert(c.out.end(), canned_.bind_ack_head.begin(), canned_.bind_ack_head.end());
      for (std::uint8_t i = 0; i < n; ++i)
        c.out.insert(c.out.end(), canned_.result_entry.begin(), canned_.result_entry.end());
      std::uint8_t* p = c.out.data() + at;
      p[2] = ptype == 11 ? 12 : 15;
      p[32] = n;
      put16(p + 8, static_cast<std::uint16_t>(c.out.size() - at));
    } else if (ptype == 0) {
      const std::uint16_t opnum = static_cast<std::uint16_t>(req[22] | (req[23] << 8));
      const auto& r = opnum == 3 ? canned_.ept_map : opnum == 2 ? canned_.mgmt : canned_.fault;
      c.out.insert(c.out.end(), r.begin(), r.end());
      std::memcpy(c.out.data() + at + 20, req + 20, 2);  // context id
    } else {
      return;  // nothing else is answered
    }
    std::memcpy(c.out.data() + at + 12, req + 12, 4);  // call_id
  }

  bool on_event(Conn& c, std::uint32_t events) {
    if (events & EPOLLIN) {
      ssize_t r = ::recv(c.fd, c.rx + c.rx_len, sizeof c.rx - c.rx_len, 0);
      if (r == 0) return false;
      if (r < 0) return errno == EAGAIN;
      c.rx_len += static_cast<std::size_t>(r);
      std::size_t off = 0;
      while (c.rx_len - off >= 16) {
        const std::uint16_t frag = static_cast<std::uint16_t>(c.rx[off + 8] | (c.rx[off + 9] << 8));
        if (frag < 24 || frag > sizeof c.rx) return false;
        if (c.rx_len - off < frag) break;
        reply(c, c.rx + off);
        off += frag;
      }
      std::memmove(c.rx, c.rx + off, c.rx_len - off);
      c.rx_len -= off;
    } else if (events & (EPOLLHUP | EPOLLERR)) {
      return false;
    }
    if (c.out.size() > c.out_off) {
      ssize_t w = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
      if (w < 0 && errno != EAGAIN) return false;
      if (w > 0) c.out_off += static_cast<std::size_t>(w);
      epoll_event ev{};
      ev.data.ptr = &c;
      if (c.out_off == c.out.size()) {
        c.out.clear();
        c.out_off = 0;
        if (events & EPOLLOUT) {
          ev.events = EPOLLIN;
          epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
        }
      } else if (!(events & EPOLLOUT)) {
        ev.events = EPOLLIN | EPOLLOUT;
        epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
      }
    }
    return true;
  }

  const Canned& canned_;
  int ep_ = -1;
  int lfd_ = -1;
};

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 135, threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view a = argv[i];
    if (a == "--listen") host = argv[i + 1];
    else if (a == "--port") port = std::atoi(argv[i + 1]);
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: rampart-echo [--listen ADDR] [--port P] [--threads 1|2]\n");
      return 2;
    }
  }
  if (threads < 1 || threads > 64 || port < 1 || port > 65535) return 2;
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return 2;
  static const Canned canned = load_canned();
  std::vector<std::unique_ptr<Loop>> loops;
  for (int i = 0; i < threads; ++i) loops.push_back(std::make_unique<Loop>(canned, addr));
  std::vector<std::thread> ts;
  for (int i = 1; i < threads; ++i) ts.emplace_back([&, i] { loops[static_cast<std::size_t>(i)]->run(); });
  loops[0]->run();
  for (auto& t : ts) t.join();
  return 0;
}
