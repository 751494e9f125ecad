// ClassServerRegistry: who may register which CLSIDs, and that a
// registration lives exactly as long as its connection.
#include "class_server_registry.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>

#include "rampart/dcom/hresult.hpp"
#include "rampart/dcom/oxid_resolver.hpp"
#include "rampart/runtime/association_group.hpp"

namespace rampartd {
namespace {

namespace cs = rampart::spec::class_server;
namespace dcom = rampart::dcom;
using rampart::Uuid;
using rampart::runtime::PeerInfo;
using rampart::runtime::TransportKind;

const Uuid kEcho = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03");
const Uuid kOther = Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f04");
const Uuid kUnlisted = Uuid::from_string("11111111-2222-3333-4444-555555555555");
constexpr uid_t kUser = 1234;

PeerInfo local_peer(std::uint64_t connection, uid_t uid) {
  PeerInfo p;
  p.transport = TransportKind::local;
  p.address = "local";
  p.credentials = PeerInfo::Credentials{4242, uid, uid};
  p.connection_id = connection;
  return p;
}

cs::RegisterClassServer_request request(std::vector<Uuid> clsids, dcom::Oxid oxid = 0x2222) {
  cs::RegisterClassServer_request r;
  for (const auto& c : clsids) r.clsids.push_back(dcom::to_wire(c));
  r.cClsids = static_cast<std::uint32_t>(r.clsids.size());
  r.oxid = oxid;
  r.port = 49999;
  r.ipidRemUnknown = Uuid::from_string("00000000-0000-0000-0000-00000000beef");
  r.authnLevel = 5;
  r.socketPath = u"/run/test/echo.sock";
  return r;
}

class RegistryTest : public ::testing::Test {
 protected:
  std::uint32_t reg(const PeerInfo& peer, cs::RegisterClassServer_request r) {
    rampart::runtime::AssociationGroup group{1, peer.transport, 4};
    const rampart::runtime::CallContext ctx{peer, group, 1, 0, 0, std::nullopt, rampart::Drep::little(),
                                            rampart::syntax::kNdr20, {}};
    auto out = registry.RegisterClassServer(ctx, std::move(r));
    EXPECT_TRUE(out.has_value());
    return out ? out->return_value : 0xffffffffu;
  }
  void SetUp() override { own_oxid = exporter->add_oxid(dcom::AuthnLevel::pkt_integrity).oxid; }
  std::shared_ptr<dcom::ObjectExporter> exporter = std::make_shared<dcom::ObjectExporter>();
  dcom::Oxid own_oxid = 0;
  std::shared_ptr<ClassServerRegistry> registry_ptr = std::make_shared<ClassServerRegistry>(
      std::vector<ClassServerRegistry::Server>{{"echo", {kEcho}, kUser}, {"other", {kOther}, kUser + 1}}, exporter,
      std::chrono::milliseconds(500));
  ClassServerRegistry& registry = *registry_ptr;
};

TEST_F(RegistryTest, TheConfiguredUserAndRootRegister) {
  EXPECT_EQ(reg(local_peer(1, kUser), request({kEcho})), 0u);
  EXPECT_EQ(reg(local_peer(2, 0), request({kOther}, 0x3333)), 0u);
  EXPECT_EQ(registry.registered(), 2u);
}

TEST_F(RegistryTest, AnotherUserIsDenied) {
  EXPECT_EQ(reg(local_peer(1, kUser + 1), request({kEcho})), dcom::hr::kErrorAccessDenied);
  EXPECT_EQ(registry.registered(), 0u);
}

TEST_F(RegistryTest, UnlistedOrMixedClsidsAreNotRegistered) {
  EXPECT_EQ(reg(local_peer(1, 0), request({kUnlisted})), dcom::hr::kClassNotRegistered);
  EXPECT_EQ(reg(local_peer(1, 0), request({kEcho, kOther})), dcom::hr::kClassNotRegistered);
  EXPECT_EQ(registry.registered(), 0u);
}

TEST_F(RegistryTest, AClsidHeldByAnotherConnectionIsRefused) {
  ASSERT_EQ(reg(local_peer(1, kUser), request({kEcho})), 0u);
  EXPECT_EQ(reg(local_peer(2, kUser), request({kEcho}, 0x4444)), kCoEObjIsReg);
  // The same connection may register again (a renewal).
  EXPECT_EQ(reg(local_peer(1, kUser), request({kEcho})), 0u);
  EXPECT_EQ(registry.registered(), 1u);
}

TEST_F(RegistryTest, BadExportersAreInvalid) {
  EXPECT_EQ(reg(local_peer(1, kUser), request({kEcho}, own_oxid)), dcom::hr::kInvalidArg);
  EXPECT_EQ(reg(local_peer(1, kUser), request({kEcho}, 0)), dcom::hr::kInvalidArg);
  auto relative = request({kEcho});
  relative.socketPath = u"echo.sock";
  EXPECT_EQ(reg(local_peer(1, kUser), relative), dcom::hr::kInvalidArg);
  auto long_path = request({kEcho});
  long_path.socketPath = u"/" + std::u16string(120, u'a');
  EXPECT_EQ(reg(local_peer(1, kUser), long_path), dcom::hr::kInvalidArg);
  auto no_port = request({kEcho});
  no_port.port = 0;
  EXPECT_EQ(reg(local_peer(1, kUser), no_port), dcom::hr::kInvalidArg);
  ASSERT_EQ(reg(local_peer(1, 0), request({kOther}, 0x5555)), 0u);
  EXPECT_EQ(reg(local_peer(2, kUser), request({kEcho}, 0x5555)), dcom::hr::kInvalidArg);
}

TEST_F(RegistryTest, TcpCallersAreRefusedBeforeUnmarshalling) {
  PeerInfo tcp;
  tcp.transport = TransportKind::tcp;
  tcp.loopback = true;
  EXPECT_EQ(reg(tcp, request({kEcho})), dcom::hr::kErrorAccessDenied);
  auto itf = make_class_registry_interface(std::make_shared<ClassServerRegistry>(
      std::vector<ClassServerRegistry::Server>{}, exporter, std::chrono::milliseconds(500)));
  EXPECT_FALSE(itf->allows_peer(tcp, 0));
  EXPECT_TRUE(itf->allows_peer(local_peer(1, kUser), 0));
}

TEST_F(RegistryTest, ClosingTheConnectionEndsTheRegistration) {
  ASSERT_EQ(reg(local_peer(1, kUser), request({kEcho})), 0u);
  // While registered, rampartd's object resolver answers for its OXID.
  ASSERT_TRUE(exporter->resolve(0x2222).has_value());
  EXPECT_EQ(exporter->resolve(0x2222)->port, 49999);
  EXPECT_TRUE(registry.forwards(kEcho));
  EXPECT_FALSE(registry.forwards(kUnlisted));
  registry.connection_closed(1);
  EXPECT_EQ(registry.registered(), 0u);
  EXPECT_FALSE(exporter->resolve(0x2222).has_value());
  // Configured but not registered: Windows' "server execution failed".
  auto made = registry.forward({kEcho, {Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02")},
                                dcom::AuthnLevel::pkt_integrity, "", false});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error(), dcom::kServerExecFailure);
  // Another connection may take the CLSIDs (and the OXID) now.
  EXPECT_EQ(reg(local_peer(2, kUser), request({kEcho})), 0u);
}

TEST_F(RegistryTest, AServerThatDoesNotListenFailsTheActivation) {
  ASSERT_EQ(reg(local_peer(1, kUser), request({kEcho})), 0u);
  auto made = registry.forward({kEcho, {Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02")},
                                dcom::AuthnLevel::pkt_integrity, "", false});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error(), dcom::kServerExecFailure);
}

// A server that accepts the connection and never answers (a listener that
// never calls accept: the kernel completes the connect from its backlog).
TEST_F(RegistryTest, AHungServerFailsTheActivationInTime) {
  const std::string path = "/tmp/rampart-hung-" + std::to_string(::getpid()) + ".sock";
  ::unlink(path.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  auto r = request({kEcho});
  r.socketPath = std::u16string(path.begin(), path.end());
  // Registered as this process's own uid, so the listener passes the
  // SO_PEERCRED check and the call itself must time out.
  const uid_t me = ::getuid();
  auto own = std::make_shared<ClassServerRegistry>(std::vector<ClassServerRegistry::Server>{{"echo", {kEcho}, me}},
                                                   exporter, std::chrono::milliseconds(500));
  rampart::runtime::AssociationGroup group{1, TransportKind::local, 4};
  const auto peer = local_peer(1, me);
  const rampart::runtime::CallContext ctx{peer, group, 1, 0, 0, std::nullopt, rampart::Drep::little(),
                                          rampart::syntax::kNdr20, {}};
  ASSERT_EQ(own->RegisterClassServer(ctx, r)->return_value, 0u);
  auto made = own->forward({kEcho, {Uuid::from_string("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02")},
                                dcom::AuthnLevel::pkt_integrity, "", false});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error(), dcom::kServerExecFailure);
  ::close(fd);
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace rampartd
