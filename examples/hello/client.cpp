// hello_client: asks the endpoint mapper on HOST where the hello interface
// listens (ept_map), binds to it and calls it.
//   hello_client HOST NAME
#include <cstdio>
#include <string>

#include <rampart/transport/client.hpp>
#include <rampart/transport/stub_channel.hpp>

#include "hello.hpp"

namespace {

std::string narrow(const std::u16string& s) {
  std::string out;
  for (char16_t c : s) out += c < 0x80 ? static_cast<char>(c) : '?';
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: hello_client HOST NAME\n");
    return 2;
  }
  const std::string host = argv[1];
  const auto& syntax = rampart::hello::hello_descriptor().syntax;

  // ept_map on HOST:135 names the port the server registered.
  auto where = rampart::transport::resolve_endpoint(host, syntax);
  if (!where) {
    std::fprintf(stderr, "hello_client: ept_map: %s\n", where.error().to_string().c_str());
    return 1;
  }
  rampart::transport::ClientOptions options;
  // Offer NDR64 too: a generated server accepts it.
  options.transfer_syntaxes = {rampart::syntax::kNdr20, rampart::syntax::kNdr64};
  rampart::transport::BlockingClient client(options);
  auto port = static_cast<std::uint16_t>(std::stoul(where->endpoint));
  if (auto c = client.connect_tcp(host, port); !c) {
    std::fprintf(stderr, "hello_client: connect: %s\n", c.error().to_string().c_str());
    return 1;
  }
  if (auto b = client.bind(syntax); !b) {
    std::fprintf(stderr, "hello_client: bind: %s\n", b.error().to_string().c_str());
    return 1;
  }
  rampart::hello::hello_client proxy(rampart::transport::stub_channel(client));
  rampart::hello::hello_greet_request greet;
  std::string name = argv[2];
  greet.name.assign(name.begin(), name.end());
  auto greeting = proxy.hello_greet(greet);
  if (!greeting) {
    std::fprintf(stderr, "hello_client: hello_greet: %s\n", greeting.error().to_string().c_str());
    return 1;
  }
  auto sum = proxy.hello_add({40, 2});
  if (!sum) {
    std::fprintf(stderr, "hello_client: hello_add: %s\n", sum.error().to_string().c_str());
    return 1;
  }
  const bool ndr64 = client.transfer_syntax(syntax) == rampart::syntax::kNdr64;
  std::printf("%s (greeting %d), 40 + 2 = %d, port %u, %s\n", narrow(greeting->reply.text.value_or(u"")).c_str(),
              greeting->reply.count, sum->return_value, port, ndr64 ? "NDR64" : "NDR20");
  return 0;
}
