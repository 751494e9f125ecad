// COM modules: the file rules, the refusals, and the rampart-echo module
// loaded into a ComServer and called through its router.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "echo_class.hpp"
#include "rampart/dcom/com_module_loader.hpp"
#include "rampart/dcom/hresult.hpp"
#include "rampart/ndr/stub.hpp"
#include "rampart/runtime/association_group.hpp"

#ifdef RAMPART_ECHO_MODULE

namespace rampart::dcom {
namespace {

namespace fs = std::filesystem;
namespace re = spec::rampart_echo;

class ModuleLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rampart-module-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;  // 0700, in sticky /tmp
    module_ = dir_ / "echo.so";
    fs::copy_file(RAMPART_ECHO_MODULE, module_);
    fs::permissions(module_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                 fs::perms::others_read);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::expected<std::vector<std::string>, std::string> load(const fs::path& p) {
    return load_com_module(p.string(), server_);
  }

  fs::path dir_;
  fs::path module_;
  std::shared_ptr<ObjectExporter> exporter_ = std::make_shared<ObjectExporter>();
  OxidEntry oxid_ = exporter_->add_oxid();
  runtime::InterfaceRegistry registry_;
  ComServer server_{exporter_, oxid_.oxid, registry_};
};

TEST_F(ModuleLoader, TheEchoModuleServesItsClassThroughTheRouter) {
  auto loaded = load(module_);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(*loaded, std::vector<std::string>{"rampart-echo-module"});
  ASSERT_TRUE(server_.has_class(echo::kClsid));
  auto made = server_.create_instance(echo::kClsid, {echo::kIid}, Clock::now());
  ASSERT_TRUE(made);
  ASSERT_EQ(made->at(0).hresult, hr::kOk);
  // A call on the new IPID reaches the module's implementation.
  spec::orpc::ORPCTHIS t;
  t.version = {5, 7};
  const auto stub = ndr::encode_stub<re::Echo_request, ndr::Ndr20>({t, u"from a module"}, Drep::little()).value();
  runtime::PeerInfo peer;
  runtime::AssociationGroup group{1, runtime::TransportKind::tcp, 4};
  const runtime::CallContext ctx{peer, group, 1, 0, 3, made->at(0).std.ipid, Drep::little(), syntax::kNdr20, stub};
  auto slot = std::make_shared<runtime::Responder::Slot>();
  registry_.find(SyntaxId{echo::kIid, 0, 0})->call(ctx, runtime::Responder(slot));
  ASSERT_TRUE(slot->inline_outcome);
  ASSERT_FALSE(slot->inline_outcome->is_fault()) << std::hex << slot->inline_outcome->fault_status;
  const auto resp = ndr::decode_stub<re::Echo_response, ndr::Ndr20>(slot->inline_outcome->stub, Drep::little());
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->echoed, std::optional<std::u16string>(u"from a module"));
}

TEST_F(ModuleLoader, AClassAlreadyServedIsRefusedAndNothingIsRegistered) {
  echo::register_echo_class(server_);
  const auto before = server_.classes();
  auto loaded = load(module_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("already served"), std::string::npos) << loaded.error();
  EXPECT_EQ(server_.classes(), before);
}

TEST_F(ModuleLoader, WritableFilesAndDirectoriesAreRefused) {
  fs::permissions(module_, fs::perms::others_write, fs::perm_options::add);
  auto loaded = load(module_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("writable by group or others"), std::string::npos) << loaded.error();
  fs::permissions(module_, fs::perms::others_write, fs::perm_options::remove);
  fs::permissions(dir_, fs::perms::group_write, fs::perm_options::add);
  loaded = load(module_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("directory writable by group or others"), std::string::npos) << loaded.error();
  EXPECT_FALSE(server_.has_class(echo::kClsid));
}

TEST_F(ModuleLoader, PathsMustBeAbsoluteAndCanonical) {
  EXPECT_NE(load("echo.so").error().find("must be absolute"), std::string::npos);
  fs::create_symlink(module_, dir_ / "link.so");
  EXPECT_NE(load(dir_ / "link.so").error().find("not canonical"), std::string::npos);
  EXPECT_NE(load(dir_ / "." / "echo.so").error().find("not canonical"), std::string::npos);
  EXPECT_FALSE(load(dir_ / "absent.so"));
}

TEST_F(ModuleLoader, AFileThatIsNotAModuleIsRefused) {
  std::ofstream(dir_ / "text.so") << "not an ELF object\n";
  fs::permissions(dir_ / "text.so", fs::perms::owner_read | fs::perms::owner_write);
  auto loaded = load(dir_ / "text.so");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("text.so"), std::string::npos);
  EXPECT_TRUE(server_.classes().empty());
}

TEST_F(ModuleLoader, EachLoadReadsItsOwnFile) {
  // The loader opens each module through /proc/self/fd/N; a later file must
  // not be taken for an object already loaded under a reused N.
  ASSERT_TRUE(load(module_));
  std::ofstream(dir_ / "later.so") << "not an ELF object either\n";
  fs::permissions(dir_ / "later.so", fs::perms::owner_read | fs::perms::owner_write);
  // A fresh server: had the earlier object been handed back, it would
  // register its class here and the load would succeed.
  runtime::InterfaceRegistry registry;
  ComServer other{exporter_, oxid_.oxid, registry};
  auto later = load_com_module((dir_ / "later.so").string(), other);
  ASSERT_FALSE(later);
  EXPECT_NE(later.error().find("later.so"), std::string::npos) << later.error();
  EXPECT_TRUE(other.classes().empty());
}

TEST(ModulePath, ADirectoryOwnedBySomeoneElseIsRefused) {
  // Root's view: a directory of an unprivileged user is not trusted.
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  char tmpl[] = "/tmp/rampart-module-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path dir = tmpl;
  std::ofstream(dir / "m.so") << "x";
  ASSERT_EQ(::chown(dir.c_str(), 65534, 65534), 0);
  const auto ok = check_module_path((dir / "m.so").string(), 0);
  fs::remove_all(dir);
  ASSERT_FALSE(ok);
  EXPECT_NE(ok.error().find("owned by uid 65534"), std::string::npos) << ok.error();
}

}  // namespace
}  // namespace rampart::dcom

#endif  // RAMPART_ECHO_MODULE
