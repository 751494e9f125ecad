// register_endpoint against the real endpoint mapper behind a real local
// socket: the entry is served while the handle lives and goes with it.
#include "rampart/transport/endpoint_registration.hpp"

#include "epm.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/services/epm_service.hpp"
#include "rampart/transport/client.hpp"
#include "rampart/transport/errc.hpp"
#include "rampart/transport/listen_address.hpp"
#include "unit/transport/transport_fixture.hpp"

namespace rampart::transport::testing {
namespace {

const SyntaxId kServed{Uuid::from_string("5e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"), 2, 1};

services::Config with_static(std::string path) {
  services::Config c;
  c.static_socket_path = std::move(path);
  return c;
}

struct Registered : ::testing::Test {
  Registered()
      : path(temp_socket_path("reg")),
        static_path(temp_socket_path("reg-static")),
        db(std::make_shared<services::EndpointDatabase>(with_static(static_path))) {
    f.core.interfaces.add(std::make_shared<services::EndpointMapper>(db));
    for (const auto& p : {path, static_path}) {
      auto bound = f.server->listen(*local_address(p));
      EXPECT_TRUE(bound) << bound.error().message();
    }
  }
  // The entries an ept_lookup of everything returns, over its own connection.
  std::vector<spec::epm::ept_entry_t> lookup() {
    ClientOptions options;
    options.connect_timeout = options.call_timeout = 2s;
    BlockingClient c(options);
    EXPECT_TRUE(c.connect_local(path));
    EXPECT_TRUE(c.bind(spec::epm::ept_descriptor().syntax));
    auto stub = ndr::encode_stub(spec::epm::ept_lookup_request{0, {}, {}, 1, {}, 50}, Drep::little());
    auto reply = c.call(static_cast<std::uint16_t>(spec::epm::ept_opnum::ept_lookup), *stub);
    if (!reply) return {};
    auto r = ndr::decode_stub<spec::epm::ept_lookup_response>(*reply, Drep::little());
    return r ? r->entries : std::vector<spec::epm::ept_entry_t>{};
  }
  Fixture f;
  std::string path, static_path;
  std::shared_ptr<services::EndpointDatabase> db;
};

TEST_F(Registered, EntryLivesAsLongAsTheHandle) {
  auto entry = make_ept_entry(kServed, binding::Protseq::ncacn_ip_tcp, "49700", "test server");
  ASSERT_TRUE(entry) << entry.error().to_string();
  {
    auto reg = register_endpoint(std::span(&*entry, 1), RegistrationOptions{path, 2s});
    ASSERT_TRUE(reg) << reg.error().to_string();
    EXPECT_TRUE(reg->answer().ok()) << reg->answer().fault_status << " " << reg->answer().status;
    EXPECT_TRUE(reg->connected());
    auto seen = lookup();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].annotation, "test server");
    EXPECT_EQ(seen[0].tower->tower_octet_string, entry->tower);
    // Moving the handle keeps the registration.
    auto moved = std::move(*reg);
    EXPECT_EQ(lookup().size(), 1u);
  }
  // The connection closed: rampartd's endpoint mapper drops the entry.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = lookup().empty();
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(gone) << "the entry outlived its handle";
}

TEST_F(Registered, AnotherConnectionCannotUnregisterAHeldEntry) {
  auto entry = make_ept_entry(kServed, binding::Protseq::ncacn_ip_tcp, "49701");
  ASSERT_TRUE(entry);
  auto reg = register_endpoint(std::span(&*entry, 1), RegistrationOptions{path, 2s});
  ASSERT_TRUE(reg && reg->answer().ok());
  auto answer = unregister_endpoint(std::span(&*entry, 1), RegistrationOptions{path, 2s});
  ASSERT_TRUE(answer) << answer.error().to_string();
  EXPECT_EQ(answer->fault_status, 0u);
  EXPECT_NE(answer->status, 0u) << "the entry belongs to the registering connection";
  EXPECT_EQ(lookup().size(), 1u);
}

TEST_F(Registered, StaticSocketEntryOutlivesTheHandleUntilUnregistered) {
  auto entry = make_ept_entry(kServed, binding::Protseq::ncacn_ip_tcp, "49702");
  ASSERT_TRUE(entry);
  {
    auto reg = register_endpoint(std::span(&*entry, 1), RegistrationOptions{static_path, 2s});
    ASSERT_TRUE(reg && reg->answer().ok());
  }
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(lookup().size(), 1u);
  auto answer = unregister_endpoint(std::span(&*entry, 1), RegistrationOptions{static_path, 2s});
  ASSERT_TRUE(answer) << answer.error().to_string();
  EXPECT_TRUE(answer->ok()) << answer->fault_status << " " << answer->status;
  EXPECT_TRUE(lookup().empty());
}

TEST_F(Registered, RenewRegistersAgainAfterTheDaemonRestarts) {
  auto entry = make_ept_entry(kServed, binding::Protseq::ncacn_ip_tcp, "49703");
  ASSERT_TRUE(entry);
  auto reg = register_endpoint(std::span(&*entry, 1), RegistrationOptions{path, 2s});
  ASSERT_TRUE(reg && reg->answer().ok());
  auto same = reg->renew();
  ASSERT_TRUE(same && same->ok());
  EXPECT_EQ(lookup().size(), 1u) << "renewing a live registration adds nothing";
  // A restart: the server and its database go, a new one listens on the path.
  f.server.reset();
  db = std::make_shared<services::EndpointDatabase>(with_static(static_path));
  f.core.interfaces.add(std::make_shared<services::EndpointMapper>(db));
  f.server = std::make_unique<Server>(f.core, ServerOptions{}, f.events);
  ASSERT_TRUE(f.server->listen(*local_address(path)));
  EXPECT_TRUE(lookup().empty());
  auto again = reg->renew();
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_TRUE(again->ok());
  EXPECT_EQ(lookup().size(), 1u);
  reg->release();
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = lookup().empty();
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(gone);
}

TEST(Registration, BadInputIsRefusedBeforeConnecting) {
  auto long_note = make_ept_entry(kServed, binding::Protseq::ncacn_ip_tcp, "1", std::string(64, 'a'));
  ASSERT_FALSE(long_note);
  EXPECT_TRUE(long_note.error().is(Errc::annotation_too_long));
  EXPECT_FALSE(make_ept_entry(kServed, binding::Protseq::ncacn_ip_tcp, "not-a-port"));
  auto entry = make_ept_entry(kServed, binding::Protseq::ncacn_ip_tcp, "1");
  ASSERT_TRUE(entry);
  auto reg = rampart::register_endpoint(std::span(&*entry, 1), RegistrationOptions{"/nonexistent/rampart.sock", 1s});
  ASSERT_FALSE(reg);
  EXPECT_TRUE(reg.error().is(runtime::ClientErrc::connect_failed)) << reg.error().to_string();
}

}  // namespace
}  // namespace rampart::transport::testing
