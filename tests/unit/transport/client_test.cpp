// The client transport over real loopback sockets: against transport::Server
// with the test interface, and against hostile servers that lie, truncate,
// stall or never stop. Every wait is bounded; none may hang.
#include "unit/transport/client_fixture.hpp"

namespace rampart::transport::testing {
namespace {

using runtime::ClientErrc;

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7);
  return v;
}

TEST(Client, BindsAndCallsOverTcp) {
  Fixture f;
  const auto at = f.listen_v4();
  BlockingClient c(quick_options());
  ASSERT_TRUE(c.connect_tcp("127.0.0.1", at.tcp.port()));
  auto info = c.bind(kTestSyntax);
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_TRUE(info->conc_mpx);
  EXPECT_EQ(info->max_xmit_frag, 5840);
  const std::vector<std::uint8_t> stub{1, 2, 3};
  auto r = c.call(0, stub);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, stub);
  EXPECT_TRUE(c.is_open());
}

TEST(Client, FragmentsBothWays) {
  Fixture f;
  const auto at = f.listen_v4();
  BlockingClient c(quick_options());
  ASSERT_TRUE(c.connect_tcp("127.0.0.1", at.tcp.port()));
  ASSERT_TRUE(c.bind(kTestSyntax));
  const auto big = pattern(100000);  // 18 request fragments
  auto echoed = c.call(0, big);
  ASSERT_TRUE(echoed) << echoed.error().to_string();
  EXPECT_EQ(*echoed, big);
  const std::vector<std::uint8_t> kib{0x01, 0x00};  // 256 KiB response
  auto zeros = c.call(2, kib);
  ASSERT_TRUE(zeros) << zeros.error().to_string();
  EXPECT_EQ(zeros->size(), 256u * 1024);
}

TEST(Client, ResponseAboveTheStubCapIsAnError) {
  Fixture f;
  const auto at = f.listen_v4();
  auto options = quick_options();
  options.limits.fragments.max_stub = 64 * 1024;
  BlockingClient c(options);
  ASSERT_TRUE(c.connect_tcp("127.0.0.1", at.tcp.port()));
  ASSERT_TRUE(c.bind(kTestSyntax));
  const std::vector<std::uint8_t> kib{0x00, 0x80};  // 128 KiB
  auto r = c.call(2, kib);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(runtime::FragErrc::stub_too_large)) << r.error().to_string();
  EXPECT_FALSE(c.is_open());
}

TEST(Client, LocalSocketAndStringBinding) {
  Fixture f;
  const auto path = temp_socket_path("client");
  ASSERT_TRUE(f.server->listen(*local_address(path)));
  auto binding = binding::StringBinding::parse("ncalrpc:[" + path + "]");
  ASSERT_TRUE(binding);
  BlockingClient c(quick_options());
  ASSERT_TRUE(c.connect(*binding));
  ASSERT_TRUE(c.bind(kTestSyntax));
  auto r = c.call(3, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(std::string(r->begin(), r->begin() + 5), "local");
}

TEST(Client, FaultIsReported) {
  Fixture f;
  const auto at = f.listen_v4();
  BlockingClient c(quick_options());
  ASSERT_TRUE(c.connect(*binding::StringBinding::parse("ncacn_ip_tcp:127.0.0.1[" + std::to_string(at.tcp.port()) + "]")));
  ASSERT_TRUE(c.bind(kTestSyntax));
  auto r = c.call(9, {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ClientErrc::call_faulted));
  EXPECT_EQ(c.last_fault(), pdu::status::kNcaOpRangeError);
  EXPECT_TRUE(c.call(0, {}));  // the connection is still usable
}

TEST(Client, SeveralInterfacesOnOneConnection) {
  Fixture f;
  const auto at = f.listen_v4();
  BlockingClient c(quick_options());
  ASSERT_TRUE(c.connect_tcp("127.0.0.1", at.tcp.port()));
  const SyntaxId unknown{Uuid::from_string("0badc0de-0000-4000-8000-000000000001"), 1, 0};
  auto rejected = c.bind(unknown);
  ASSERT_FALSE(rejected);
  EXPECT_TRUE(rejected.error().is(ClientErrc::context_rejected));
  auto info = c.bind(kTestSyntax);  // alter_context on the same association
  ASSERT_TRUE(info) << info.error().to_string();
  auto r = c.call(CallRequest{unknown, 0, {}, std::nullopt, {}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ClientErrc::context_rejected));
  auto ok = c.call(CallRequest{kTestSyntax, 0, {9}, std::nullopt, {}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->stub, std::vector<std::uint8_t>{9});
  ASSERT_TRUE(c.bind_info());
  EXPECT_EQ(c.bind_info()->contexts.size(), 2u);
}

TEST(Client, TimeoutOrphansTheCallAndKeepsTheConnection) {
  Fixture f;
  const auto at = f.listen_v4();
  BlockingClient c(quick_options());
  ASSERT_TRUE(c.connect_tcp("127.0.0.1", at.tcp.port()));
  ASSERT_TRUE(c.bind(kTestSyntax));
  const auto start = std::chrono::steady_clock::now();
  auto slow = c.call(1, std::vector<std::uint8_t>{1}, 20ms);  // answers after 100 ms
  ASSERT_FALSE(slow);
  EXPECT_TRUE(slow.error().is(ClientErrc::call_timed_out));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  std::this_thread::sleep_for(150ms);  // the late answer is dropped by the server or the client
  auto next = c.call(0, std::vector<std::uint8_t>{4});
  ASSERT_TRUE(next) << next.error().to_string();
  EXPECT_EQ(*next, std::vector<std::uint8_t>{4});
}

TEST(Client, ConcurrentCallsUnderConcMpx) {
  Fixture f;
  const auto at = f.listen_v4();
  asio::io_context io;
  auto client = AsyncClient::create(io, quick_options());
  int done = 0;
  std::vector<std::uint8_t> order;
  client->async_connect(ClientEndpoint::tcp("127.0.0.1", at.tcp.port()), [&](Result<void> r) {
    ASSERT_TRUE(r);
    client->async_bind({kTestSyntax}, [&](Result<BindInfo> b) {
      ASSERT_TRUE(b);
      EXPECT_TRUE(b->conc_mpx);
      for (std::uint8_t i = 0; i < 8; ++i)
        client->async_call({kTestSyntax, 1, {i}, std::nullopt, {}}, [&](Result<CallReply> reply) {
          ASSERT_TRUE(reply) << reply.error().to_string();
          order.push_back(reply->stub.at(0));
          if (++done == 8) client->close();
        });
      EXPECT_EQ(client->outstanding_calls(), 8u);
    });
  });
  const auto start = std::chrono::steady_clock::now();
  io.run_for(5s);
  EXPECT_EQ(done, 8);
  // Eight 100 ms calls in parallel, not one after another (800 ms).
  EXPECT_LT(std::chrono::steady_clock::now() - start, 650ms);
  EXPECT_EQ(order.size(), 8u);
}

TEST(Client, SerialWithoutConcMpxButAllComplete) {
  Fixture f;
  const auto at = f.listen_v4();
  asio::io_context io;
  auto options = quick_options();
  options.request_conc_mpx = false;
  auto client = AsyncClient::create(io, options);
  int done = 0;
  client->async_connect(ClientEndpoint::tcp("127.0.0.1", at.tcp.port()), [&](Result<void> r) {
    ASSERT_TRUE(r);
    client->async_bind({kTestSyntax}, [&](Result<BindInfo> b) { ASSERT_TRUE(b); });
    // Queued before the bind completes: sent one at a time once bound.
    for (std::uint8_t i = 0; i < 4; ++i)
      client->async_call({kTestSyntax, 0, {i}, std::nullopt, {}}, [&, i](Result<CallReply> reply) {
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->stub, std::vector<std::uint8_t>{i});
        if (++done == 4) client->close();
      });
  });
  io.run_for(5s);
  EXPECT_EQ(done, 4);
  EXPECT_FALSE(client->conc_mpx());
}

TEST(Client, CancelAndCloseCompleteEveryHandler) {
  Fixture f;
  const auto at = f.listen_v4();
  asio::io_context io;
  auto client = AsyncClient::create(io, quick_options());
  std::vector<Error> errors;
  client->async_connect(ClientEndpoint::tcp("127.0.0.1", at.tcp.port()), [&](Result<void>) {
    client->async_bind({kTestSyntax}, [&](Result<BindInfo>) {
      auto t = client->async_call({kTestSyntax, 1, {1}, std::nullopt, {}}, [&](Result<CallReply> r) { errors.push_back(r.error()); });
      client->async_call({kTestSyntax, 1, {2}, std::nullopt, {}}, [&](Result<CallReply> r) { errors.push_back(r.error()); });
      EXPECT_TRUE(client->cancel(t));
      EXPECT_FALSE(client->cancel(9999));
      client->close();
    });
  });
  io.run_for(3s);
  ASSERT_EQ(errors.size(), 2u);
  for (const auto& e : errors) EXPECT_TRUE(e.is(ClientErrc::call_cancelled));
}

TEST(Client, ResolvesADynamicEndpoint) {
  Fixture f;
  const auto at = f.listen_v4();
  f.core.interfaces.add(std::make_shared<FakeEpm>(at.tcp.port()));
  auto tower = resolve_endpoint("127.0.0.1", kTestSyntax, binding::Protseq::ncacn_ip_tcp, 2s, at.tcp.port());
  ASSERT_TRUE(tower) << tower.error().to_string();
  EXPECT_EQ(tower->endpoint, std::to_string(at.tcp.port()));
  const SyntaxId other{Uuid::from_string("0badc0de-0000-4000-8000-000000000002"), 1, 0};
  auto missing = resolve_endpoint("127.0.0.1", other, binding::Protseq::ncacn_ip_tcp, 2s, at.tcp.port());
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is(ClientErrc::endpoint_not_found));

  auto options = quick_options();
  options.epm_port = at.tcp.port();
  BlockingClient c(options);
  ASSERT_TRUE(c.connect(*binding::StringBinding::parse("ncacn_ip_tcp:127.0.0.1"), kTestSyntax));
  ASSERT_TRUE(c.bind(kTestSyntax));
  EXPECT_TRUE(c.call(0, std::vector<std::uint8_t>{1}));
}

TEST(Client, ConnectFailuresAreBounded) {
  BlockingClient c(quick_options());
  HostileServer s([](int) {});
  const auto port = s.port();
  auto refused = c.connect_tcp("127.0.0.1", 1);  // nothing listens on port 1
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ClientErrc::connect_failed));
  EXPECT_FALSE(c.connect_local("/nonexistent/rampart.sock"));
  EXPECT_TRUE(c.connect(*binding::StringBinding::parse("ncacn_ip_tcp:127.0.0.1")).error().is(ClientErrc::endpoint_not_found));
  EXPECT_TRUE(c.connect(*binding::StringBinding::parse("ncacn_np:srv[\\pipe\\x]")).error().is(ClientErrc::bad_binding));
  EXPECT_TRUE(c.call(0, {}).error().is(ClientErrc::not_connected));
  ASSERT_TRUE(c.connect_tcp("127.0.0.1", port));
}

// --- hostile servers --------------------------------------------------------

Error bind_error(HostileServer& s, std::chrono::milliseconds timeout = 500ms) {
  BlockingClient c(quick_options(timeout));
  EXPECT_TRUE(c.connect_tcp("127.0.0.1", s.port()));
  auto r = c.bind(kTestSyntax);
  EXPECT_FALSE(r);
  EXPECT_FALSE(c.is_open());
  return r ? Error(ClientErrc::wrong_state, "bind succeeded") : r.error();
}

Error call_error(HostileServer& s, std::vector<std::uint8_t> stub = {1, 2, 3, 4}, ClientOptions options = quick_options(500ms)) {
  BlockingClient c(options);
  EXPECT_TRUE(c.connect_tcp("127.0.0.1", s.port()));
  EXPECT_TRUE(c.bind(kTestSyntax));
  const auto start = std::chrono::steady_clock::now();
  auto r = c.call(0, stub);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_FALSE(r);
  return r ? Error(ClientErrc::wrong_state, "call succeeded") : r.error();
}

TEST(ClientHostile, BindAckWithMoreResultsThanContexts) {
  HostileServer s([](int fd) {
    auto bind = read_pdu(fd);
    auto ack = pdu::testing::make_pdu(pdu::PType::bind_ack,
                                      pdu::BindAck{4280, 4280, 1, "", {{}, {}}});
    ack.header.call_id = bind ? pdu::decode(*bind)->header.call_id : 0;
    send_all(fd, pdu::encode(ack));
  });
  EXPECT_TRUE(bind_error(s).is(ClientErrc::result_count_mismatch));
}

TEST(ClientHostile, BindNak) {
  HostileServer s([](int fd) {
    auto bind = read_pdu(fd);
    auto nak = pdu::testing::make_pdu(pdu::PType::bind_nak, pdu::BindNak{pdu::RejectReason::local_limit_exceeded, {{5, 0}}, {}});
    nak.header.call_id = bind ? pdu::decode(*bind)->header.call_id : 0;
    send_all(fd, pdu::encode(nak));
  });
  const auto e = bind_error(s);
  EXPECT_TRUE(e.is(ClientErrc::bind_refused)) << e.to_string();
}

TEST(ClientHostile, SilentServerTimesOutTheBind) {
  HostileServer s([](int fd) { (void)read_pdu(fd); });
  EXPECT_TRUE(bind_error(s, 200ms).is(ClientErrc::call_timed_out));
}

TEST(ClientHostile, TruncatedBindAckTimesOut) {
  HostileServer s([](int fd) {
    (void)read_pdu(fd);
    auto ack = pdu::encode(pdu::testing::make_pdu(pdu::PType::bind_ack, pdu::BindAck{4280, 4280, 1, "", {{}}}));
    ack.resize(ack.size() / 2);
    send_all(fd, ack);
  });
  EXPECT_TRUE(bind_error(s, 200ms).is(ClientErrc::call_timed_out));
}

TEST(ClientHostile, ServerClosesDuringTheBind) {
  HostileServer s([](int fd) {
    (void)read_pdu(fd);
    ::shutdown(fd, SHUT_RDWR);
  });
  EXPECT_TRUE(bind_error(s).is(ClientErrc::connection_closed));
}

TEST(ClientHostile, OversizedFragment) {
  HostileServer s([](int fd) {
    accept_bind(fd);
    const auto id = read_request(fd);
    send_all(fd, pdu::encode(response_pdu(id, pattern(6000))));  // > 4280 negotiated
  });
  EXPECT_TRUE(call_error(s).is(pdu::Errc::frag_length_too_large));
}

TEST(ClientHostile, ResponseForAnotherCall) {
  HostileServer s([](int fd) {
    accept_bind(fd);
    const auto id = read_request(fd);
    send_all(fd, pdu::encode(response_pdu(id + 1000, pattern(8))));
  });
  EXPECT_TRUE(call_error(s).is(ClientErrc::unknown_call_id));
}

TEST(ClientHostile, ResponseForAnotherContext) {
  HostileServer s([](int fd) {
    accept_bind(fd);
    const auto id = read_request(fd);
    send_all(fd, pdu::encode(response_pdu(id, pattern(8), pdu::pfc::kFirstLast, 3)));
  });
  EXPECT_TRUE(call_error(s).is(ClientErrc::context_mismatch));
}

TEST(ClientHostile, MisfragmentedResponse) {
  HostileServer s([](int fd) {
    accept_bind(fd);
    const auto id = read_request(fd);
    send_all(fd, pdu::encode(response_pdu(id, pattern(8), pdu::pfc::kLastFrag)));  // last without first
  });
  EXPECT_TRUE(call_error(s).is(runtime::FragErrc::unexpected_fragment));
}

TEST(ClientHostile, NeverEndingFragments) {
  HostileServer s([](int fd) {
    accept_bind(fd);
    const auto id = read_request(fd);
    send_all(fd, pdu::encode(response_pdu(id, pattern(8), pdu::pfc::kFirstFrag)));
    const auto middle = pdu::encode(response_pdu(id, pattern(8), 0));
    for (int i = 0; i < 10000; ++i)
      if (!send_all(fd, middle)) break;
  });
  EXPECT_TRUE(call_error(s).is(runtime::FragErrc::too_many_fragments));
}

TEST(ClientHostile, StubAboveTheCap) {
  HostileServer s([](int fd) {
    accept_bind(fd);
    const auto id = read_request(fd);
    const auto chunk = pattern(4096);
    send_all(fd, pdu::encode(response_pdu(id, chunk, pdu::pfc::kFirstFrag)));
    for (int i = 0; i < 100; ++i)
      if (!send_all(fd, pdu::encode(response_pdu(id, chunk, 0)))) break;
  });
  auto options = quick_options(500ms);
  options.limits.fragments.max_stub = 64 * 1024;
  EXPECT_TRUE(call_error(s, {1}, options).is(runtime::FragErrc::stub_too_large));
}

TEST(ClientHostile, StalledResponseTimesOut) {
  HostileServer s([](int fd) {
    accept_bind(fd);
    const auto id = read_request(fd);
    auto bytes = pdu::encode(response_pdu(id, pattern(64)));
    bytes.resize(30);  // header and part of the body, then nothing
    send_all(fd, bytes);
  });
  EXPECT_TRUE(call_error(s).is(ClientErrc::call_timed_out));
}

TEST(ClientHostile, GarbageAfterBind) {
  HostileServer s([](int fd) {
    accept_bind(fd);
    (void)read_request(fd);
    std::vector<std::uint8_t> junk(64, 0xee);
    send_all(fd, junk);
  });
  EXPECT_TRUE(call_error(s).is(pdu::Errc::bad_rpc_version));
}

TEST(ClientHostile, BindAckClaimingTinyFragments) {
  HostileServer s([](int fd) {
    auto bind = read_pdu(fd);
    auto ack = pdu::testing::make_pdu(pdu::PType::bind_ack,
                                      pdu::BindAck{512, 512, 1, "", {{pdu::ContextResult::acceptance, 0, syntax::kNdr20}}});
    ack.header.call_id = bind ? pdu::decode(*bind)->header.call_id : 0;
    send_all(fd, pdu::encode(ack));
  });
  EXPECT_TRUE(bind_error(s).is(ClientErrc::bad_negotiated_size));
}

}  // namespace
}  // namespace rampart::transport::testing
