// The generated client proxy calls the generated server skeleton over a
// real socket: transport::Server on loopback hosts conformance_dispatcher,
// transport::BlockingClient binds and the typed proxy calls, for several
// language features, in NDR20 and NDR64 and in both byte orders; the
// asynchronous proxy does the same over an AsyncClient; a stub the server
// cannot decode comes back as a fault through the proxy.
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include <asio/io_context.hpp>

#include "conformance.hpp"
#include "conformance_calls.hpp"
#include "conformance_echo.hpp"
#include "rampart/runtime/client_errc.hpp"
#include "rampart/runtime/server_core.hpp"
#include "rampart/transport/server.hpp"
#include "rampart/transport/stub_channel.hpp"

namespace rampart::conformance {
namespace {

using namespace std::chrono_literals;

struct Served {
  runtime::ServerCore core;
  std::unique_ptr<transport::Server> server;
  std::uint16_t port = 0;

  Served() {
    core.interfaces.add(std::make_shared<conformance_dispatcher>(std::make_shared<Echo>()));
    transport::ServerOptions options;
    options.threads = 1;
    server = std::make_unique<transport::Server>(core, options);
    auto bound = server->listen(*transport::parse_tcp_address("127.0.0.1:0"));
    EXPECT_TRUE(bound.has_value());
    if (bound) port = bound->tcp.port();
  }
};

TEST(GenEndToEnd, ProxyCallsTheGeneratedServerOverTcp) {
  Served s;
  transport::ClientOptions options;
  options.connect_timeout = 2s;
  options.call_timeout = 2s;
  transport::BlockingClient client(options);
  ASSERT_TRUE(client.connect_tcp("127.0.0.1", s.port));
  ASSERT_TRUE(client.bind(conformance_descriptor().syntax));
  conformance_client proxy(transport::stub_channel(client));
  call_every_feature(proxy);
}

/// Records the transfer syntax and drep of each call, then echoes.
class Recording final : public conformance_server {
 public:
  using R = std::uint32_t;
  std::expected<op_base_types_response, R> op_base_types(const runtime::CallContext& ctx,
                                                         op_base_types_request q) override {
    seen(ctx);
    return op_base_types_response{q.v, 0};
  }
  std::expected<op_enums_response, R> op_enums(const runtime::CallContext& ctx, op_enums_request q) override {
    seen(ctx);
    return op_enums_response{q.c, q.s, 0};
  }
  std::expected<op_fixed_arrays_response, R> op_fixed_arrays(const runtime::CallContext& ctx,
                                                            op_fixed_arrays_request q) override {
    seen(ctx);
    return op_fixed_arrays_response{q.v, 0};
  }
  std::expected<op_conformant_struct_response, R> op_conformant_struct(const runtime::CallContext& ctx,
                                                                      op_conformant_struct_request q) override {
    seen(ctx);
    return op_conformant_struct_response{q.t, 0};
  }
  std::expected<op_conformant_param_response, R> op_conformant_param(const runtime::CallContext& ctx,
                                                                    op_conformant_param_request q) override {
    return echo_.op_conformant_param(ctx, std::move(q));
  }
  std::expected<op_varying_response, R> op_varying(const runtime::CallContext& ctx, op_varying_request q) override {
    seen(ctx);
    return op_varying_response{q.cv, 0};
  }
  std::expected<op_first_last_response, R> op_first_last(const runtime::CallContext& c, op_first_last_request q) override {
    return echo_.op_first_last(c, std::move(q));
  }
  std::expected<op_strings_response, R> op_strings(const runtime::CallContext& ctx, op_strings_request q) override {
    seen(ctx);
    return op_strings_response{q.v, 0};
  }
  std::expected<op_range_response, R> op_range(const runtime::CallContext& c, op_range_request q) override {
    return echo_.op_range(c, std::move(q));
  }
  std::expected<op_pointers_response, R> op_pointers(const runtime::CallContext& ctx, op_pointers_request q) override {
    seen(ctx);
    return op_pointers_response{q.v, 0};
  }
  std::expected<op_pointer_array_response, R> op_pointer_array(const runtime::CallContext& c,
                                                              op_pointer_array_request q) override {
    return echo_.op_pointer_array(c, std::move(q));
  }
  std::expected<op_nonencap_union_response, R> op_nonencap_union(const runtime::CallContext& ctx,
                                                                op_nonencap_union_request q) override {
    seen(ctx);
    return op_nonencap_union_response{q.v, 0};
  }
  std::expected<op_encap_union_response, R> op_encap_union(const runtime::CallContext& ctx,
                                                          op_encap_union_request q) override {
    seen(ctx);
    return op_encap_union_response{q.v, 0};
  }
  std::expected<op_context_handle_response, R> op_context_handle(const runtime::CallContext& c,
                                                                op_context_handle_request q) override {
    return echo_.op_context_handle(c, std::move(q));
  }
  std::expected<op_pipe_response, R> op_pipe(const runtime::CallContext& ctx, op_pipe_request q) override {
    seen(ctx);
    return op_pipe_response{static_cast<std::uint32_t>(q.p.size()), 0};
  }
  std::expected<op_handle_response, R> op_handle(const runtime::CallContext& c, op_handle_request q) override {
    return echo_.op_handle(c, std::move(q));
  }
  std::expected<op_multilevel_response, R> op_multilevel(const runtime::CallContext& ctx,
                                                        op_multilevel_request q) override {
    seen(ctx);
    return echo_.op_multilevel(ctx, std::move(q));
  }
  std::expected<op_void_response, R> op_void(const runtime::CallContext& c, op_void_request q) override {
    return echo_.op_void(c, std::move(q));
  }
  std::expected<op_unique_array_response, R> op_unique_array(const runtime::CallContext& ctx,
                                                            op_unique_array_request q) override {
    seen(ctx);
    return echo_.op_unique_array(ctx, std::move(q));
  }
  std::expected<op_string_out_response, R> op_string_out(const runtime::CallContext& ctx,
                                                        op_string_out_request q) override {
    seen(ctx);
    return echo_.op_string_out(ctx, std::move(q));
  }

  std::mutex mutex;
  std::vector<std::pair<SyntaxId, Drep>> calls;

 private:
  void seen(const runtime::CallContext& ctx) {
    std::lock_guard lock(mutex);
    calls.emplace_back(ctx.transfer_syntax, ctx.drep);
  }
  Echo echo_;
};

struct RecordingServer {
  runtime::ServerCore core;
  std::shared_ptr<Recording> impl = std::make_shared<Recording>();
  std::unique_ptr<transport::Server> server;
  std::uint16_t port = 0;

  RecordingServer() {
    core.interfaces.add(std::make_shared<conformance_dispatcher>(impl));
    transport::ServerOptions options;
    options.threads = 1;
    server = std::make_unique<transport::Server>(core, options);
    auto bound = server->listen(*transport::parse_tcp_address("127.0.0.1:0"));
    EXPECT_TRUE(bound.has_value());
    if (bound) port = bound->tcp.port();
  }
};

class GenEndToEndWire : public ::testing::TestWithParam<Wire> {};

TEST_P(GenEndToEndWire, ProxyCallsInTheNegotiatedSyntaxAndByteOrder) {
  const Wire& w = GetParam();
  RecordingServer s;
  transport::ClientOptions options;
  options.call_timeout = 2s;
  options.transfer_syntaxes = w.offered();
  options.drep = w.drep();
  transport::BlockingClient client(options);
  ASSERT_TRUE(client.connect_tcp("127.0.0.1", s.port));
  auto bound = client.bind(conformance_descriptor().syntax);
  ASSERT_TRUE(bound.has_value()) << bound.error().to_string();
  ASSERT_EQ(client.transfer_syntax(conformance_descriptor().syntax), w.expected());
  conformance_client proxy(transport::stub_channel(client));
  call_every_feature(proxy);
  std::lock_guard lock(s.impl->mutex);
  ASSERT_FALSE(s.impl->calls.empty());
  for (const auto& [transfer, drep] : s.impl->calls) {
    EXPECT_EQ(transfer, w.expected());
    EXPECT_EQ(drep, w.drep());
  }
}

INSTANTIATE_TEST_SUITE_P(Wires, GenEndToEndWire, ::testing::ValuesIn(kWires),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_P(GenEndToEndWire, AsyncProxyCallsConcurrently) {
  const Wire& w = GetParam();
  RecordingServer s;
  asio::io_context io;
  transport::ClientOptions options;
  options.call_timeout = 2s;
  options.transfer_syntaxes = w.offered();
  options.drep = w.drep();
  auto client = transport::AsyncClient::create(io, options);
  std::optional<conformance_async_client> proxy;
  std::vector<Result<op_conformant_struct_response>> structs;
  std::optional<Result<op_void_response>> faulted;
  client->async_connect(transport::ClientEndpoint::tcp("127.0.0.1", s.port), [&](Result<void> r) {
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    client->async_bind({conformance_descriptor().syntax}, [&](Result<transport::BindInfo> b) {
      ASSERT_TRUE(b.has_value()) << b.error().to_string();
      proxy.emplace(transport::async_stub_channel(client));
      // Several calls in flight at once (CONC_MPX), answered in any order.
      for (std::uint8_t i = 1; i <= 4; ++i)
        proxy->op_conformant_struct({conformance_types::twr_t{i, std::vector<std::uint8_t>(i, i)}},
                                    [&](Result<op_conformant_struct_response> r) { structs.push_back(std::move(r)); });
      proxy->op_void({false}, [&](Result<op_void_response> r) { faulted = std::move(r); });
    });
  });
  io.run_for(5s);
  ASSERT_EQ(structs.size(), 4u);
  std::set<std::uint32_t> lengths;
  for (const auto& r : structs) {
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->r.tower_octet_string, std::vector<std::uint8_t>(r->r.tower_length, static_cast<std::uint8_t>(r->r.tower_length)));
    lengths.insert(r->r.tower_length);
  }
  EXPECT_EQ(lengths, (std::set<std::uint32_t>{1, 2, 3, 4}));
  ASSERT_TRUE(faulted.has_value());
  ASSERT_FALSE(faulted->has_value());
  EXPECT_TRUE(faulted->error().is(runtime::ClientErrc::call_faulted));
  EXPECT_EQ(proxy->last_fault(), 0x1c010003u);
  std::lock_guard lock(s.impl->mutex);
  ASSERT_EQ(s.impl->calls.size(), 4u);
  for (const auto& [transfer, drep] : s.impl->calls) {
    EXPECT_EQ(transfer, w.expected());
    EXPECT_EQ(drep, w.drep());
  }
}

TEST(GenEndToEnd, AsyncProxyReportsAnUnboundInterface) {
  RecordingServer s;
  asio::io_context io;
  transport::ClientOptions options;
  options.call_timeout = 300ms;
  auto client = transport::AsyncClient::create(io, options);
  std::optional<Result<op_range_response>> got;
  client->async_connect(transport::ClientEndpoint::tcp("127.0.0.1", s.port), [&](Result<void> r) {
    ASSERT_TRUE(r.has_value());
    conformance_async_client proxy(transport::async_stub_channel(client));
    // Not bound: the call fails; the proxy is gone before the answer.
    proxy.op_range({7, ranged{3, 0}}, [&](Result<op_range_response> r) { got = std::move(r); });
  });
  io.run_for(3s);
  ASSERT_TRUE(got.has_value());
  ASSERT_FALSE(got->has_value());
  EXPECT_TRUE(got->error().is(runtime::ClientErrc::call_timed_out)) << got->error().to_string();
}

TEST(GenEndToEnd, UndecodableStubIsAFaultAndTheConnectionLives) {
  Served s;
  transport::ClientOptions options;
  options.call_timeout = 2s;
  transport::BlockingClient client(options);
  ASSERT_TRUE(client.connect_tcp("127.0.0.1", s.port));
  ASSERT_TRUE(client.bind(conformance_descriptor().syntax));
  // op_conformant_struct with max_count 5 but tower_length 3.
  const std::vector<std::uint8_t> lying{5, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3, 4, 5};
  auto r = client.call(static_cast<std::uint16_t>(conformance_opnum::op_conformant_struct), lying);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(client.last_fault(), 0x6f7u);  // rpc_x_bad_stub_data
  conformance_client proxy(transport::stub_channel(client));
  auto ok = proxy.op_range({7, ranged{3, 0}});
  ASSERT_TRUE(ok.has_value()) << ok.error().to_string();
  EXPECT_EQ(ok->return_value, 7u);
}

}  // namespace
}  // namespace rampart::conformance
