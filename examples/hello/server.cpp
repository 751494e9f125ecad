// hello_server: serves the hello interface on a TCP port the kernel picks
// and registers it with rampartd's endpoint mapper over the local socket,
// so clients find it with ept_map. The registration lasts as long as this
// process: rampartd removes it when the connection closes.
//   hello_server [REGISTRATION_SOCKET]   (default /run/rampart/epmapper.sock)
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <rampart/runtime/server_core.hpp>
#include <rampart/transport/endpoint_registration.hpp>
#include <rampart/transport/server.hpp>

#include "hello.hpp"

namespace {

std::atomic<bool> stop{false};

class Hello final : public rampart::hello::hello_server {
 public:
  std::expected<rampart::hello::hello_greet_response, std::uint32_t> hello_greet(
      const rampart::runtime::CallContext&, rampart::hello::hello_greet_request request) override {
    rampart::hello::hello_greet_response r;
    r.reply.count = ++greeted_;
    r.reply.text = u"Hello, " + request.name + u"!";
    return r;
  }
  std::expected<rampart::hello::hello_add_response, std::uint32_t> hello_add(
      const rampart::runtime::CallContext&, rampart::hello::hello_add_request request) override {
    return rampart::hello::hello_add_response{request.a + request.b};
  }

 private:
  std::atomic<std::int32_t> greeted_{0};
};

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, [](int) { stop = true; });
  std::signal(SIGTERM, [](int) { stop = true; });

  rampart::runtime::ServerCore core;
  core.interfaces.add(std::make_shared<rampart::hello::hello_dispatcher>(std::make_shared<Hello>()));
  rampart::transport::Server server(core);
  auto bound = server.listen(*rampart::transport::parse_tcp_address("0.0.0.0:0"));
  if (!bound) {
    std::fprintf(stderr, "hello_server: cannot listen: %s\n", bound.error().message().c_str());
    return 1;
  }
  const std::string port = std::to_string(bound->tcp.port());

  auto entry = rampart::transport::make_ept_entry(rampart::hello::hello_descriptor().syntax,
                                                  rampart::binding::Protseq::ncacn_ip_tcp, port, "hello example");
  if (!entry) {
    std::fprintf(stderr, "hello_server: %s\n", entry.error().to_string().c_str());
    return 1;
  }
  rampart::transport::RegistrationOptions options;
  if (argc > 1) options.socket = argv[1];
  auto registration = rampart::register_endpoint(std::span(&*entry, 1), options);
  if (!registration || !registration->answer().ok()) {
    std::fprintf(stderr, "hello_server: cannot register with rampartd at %s: %s\n", options.socket.c_str(),
                 registration ? "refused" : registration.error().to_string().c_str());
    return 1;
  }
  std::printf("hello_server: listening on port %s, registered with the endpoint mapper\n", port.c_str());
  std::fflush(stdout);
  while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.stop(std::chrono::milliseconds(500));
  return 0;
}
