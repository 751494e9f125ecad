// The trust rules for module files (rampart/base/trusted_module.hpp): what
// rampartd refuses to load, checked on files and directories made here.
#include "rampart/base/trusted_module.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace rampart::base {
namespace {

namespace fs = std::filesystem;

/// A private directory (mode 0755) under the temporary directory, removed
/// at the end of the test.
class ModuleDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "rampart-module-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = fs::canonical(pattern);
    fs::permissions(dir_, fs::perms(0755));
    // The directories above must pass (root-owned, and sticky where shared).
    const auto probe = file("probe", "x", 0644);
    if (auto trusted = check_module_path(probe.string(), ::geteuid()); !trusted)
      GTEST_SKIP() << "the temporary directory is not trusted here: " << trusted.error();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path file(const std::string& name, const std::string& text, unsigned mode) {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    fs::permissions(p, fs::perms(mode));
    return p;
  }
  fs::path dir_;
};

TEST_F(ModuleDir, APrivateRegularFileInTrustedDirectoriesPasses) {
  const auto p = file("m.so", "x", 0644);
  EXPECT_TRUE(check_module_path(p.string(), ::geteuid()).has_value());
}

TEST_F(ModuleDir, ARelativePathIsRefused) {
  auto r = check_module_path("m.so", ::geteuid());
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("absolute"), std::string::npos) << r.error();
}

TEST_F(ModuleDir, ASymbolicLinkIsRefusedAndTheRealNameGiven) {
  const auto target = file("real.so", "x", 0644);
  const auto link = dir_ / "link.so";
  fs::create_symlink(target, link);
  auto r = check_module_path(link.string(), ::geteuid());
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("not canonical"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find(target.string()), std::string::npos) << r.error();
}

TEST_F(ModuleDir, AGroupWritableDirectoryIsRefusedUnlessSticky) {
  const auto sub = dir_ / "shared";
  fs::create_directory(sub);
  fs::permissions(sub, fs::perms(0775));
  std::ofstream(sub / "m.so") << "x";
  fs::permissions(sub / "m.so", fs::perms(0644));
  auto r = check_module_path((sub / "m.so").string(), ::geteuid());
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("writable by group or others"), std::string::npos) << r.error();
  fs::permissions(sub, fs::perms(01777));
  EXPECT_TRUE(check_module_path((sub / "m.so").string(), ::geteuid()).has_value());
}

TEST_F(ModuleDir, AGroupWritableFileIsRefusedWhenLoaded) {
  const auto p = file("m.so", "x", 0664);
  auto r = load_trusted_module(p.string(), "build", "v1");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("writable by group or others"), std::string::npos) << r.error();
}

TEST_F(ModuleDir, AFileOwnedBySomeoneElseIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "changing a file's owner needs root";
  const auto p = file("m.so", "x", 0644);
  ASSERT_EQ(::chown(p.c_str(), 65534, 65534), 0);
  auto r = load_trusted_module(p.string(), "build", "v1");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("owned by uid 65534"), std::string::npos) << r.error();
}

TEST_F(ModuleDir, AFileThatIsNotASharedObjectIsRefused) {
  const auto p = file("m.so", "not an ELF file", 0644);
  auto r = load_trusted_module(p.string(), "build", "v1");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rfind(p.string() + ": ", 0), 0U) << r.error();
}

TEST_F(ModuleDir, ASharedObjectWithoutTheBuildStringIsRefused) {
  // Any real shared object of the system lacks the symbol: copy one in
  // (zlib is in every Debian system: Priority required).
  const fs::path installed = "/lib/x86_64-linux-gnu/libz.so.1";
  if (!fs::exists(installed)) GTEST_SKIP() << installed << " is not here";
  const fs::path libz = fs::canonical(installed);
  const auto p = dir_ / "libz.so";
  fs::copy_file(libz, p);
  fs::permissions(p, fs::perms(0644));
  auto r = load_trusted_module(p.string(), "rampart_service_module_build", "v1");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("not a module of this build"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace rampart::base
