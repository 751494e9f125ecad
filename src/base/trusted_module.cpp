// Loading trusted modules; the rules are in trusted_module.hpp.
#include "rampart/base/trusted_module.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace rampart::base {

namespace {

using Status = std::expected<void, std::string>;

bool trusted_owner(uid_t owner, uid_t euid) noexcept { return owner == 0 || owner == euid; }

Status check_file(int fd, const std::string& path, uid_t euid) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::unexpected(path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return std::unexpected(path + ": not a regular file");
  if (!trusted_owner(st.st_uid, euid))
    return std::unexpected(path + ": owned by uid " + std::to_string(st.st_uid) + ", not by root");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) return std::unexpected(path + ": writable by group or others");
  return {};
}

Status check_directories(const std::filesystem::path& file, uid_t euid) {
  for (auto dir = file.parent_path();; dir = dir.parent_path()) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return std::unexpected(dir.string() + ": " + std::strerror(errno));
    if (!trusted_owner(st.st_uid, euid))
      return std::unexpected(dir.string() + ": directory owned by uid " + std::to_string(st.st_uid) + ", not by root");
    const bool shared = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    if (shared && (st.st_mode & S_ISVTX) == 0)
      return std::unexpected(dir.string() + ": directory writable by group or others");
    if (dir == dir.root_path()) return {};
  }
}

}  // namespace

Status check_module_path(const std::string& path, uid_t euid) {
  const std::filesystem::path p(path);
  if (!p.is_absolute()) return std::unexpected(path + ": a module path must be absolute");
  std::error_code ec;
  const auto canonical = std::filesystem::canonical(p, ec);
  if (ec) return std::unexpected(path + ": " + ec.message());
  if (canonical != p)
    return std::unexpected(path + ": not canonical (a symbolic link or ..); name " + canonical.string());
  return check_directories(p, euid);
}

void* TrustedModule::raw_symbol(const char* name) const noexcept { return ::dlsym(handle_, name); }

std::expected<TrustedModule, std::string> load_trusted_module(const std::string& path, const char* build_symbol,
                                                              std::string_view build) {
  if (auto ok = check_module_path(path, ::geteuid()); !ok) return std::unexpected(ok.error());
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::unexpected(path + ": " + std::strerror(errno));
  if (auto ok = check_file(fd, path, ::geteuid()); !ok) {
    ::close(fd);
    return std::unexpected(ok.error());
  }
  const std::string via = "/proc/self/fd/" + std::to_string(fd);
  void* handle = ::dlopen(via.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    ::close(fd);
    const char* why = ::dlerror();
    return std::unexpected(path + ": " + (why != nullptr ? why : "dlopen failed"));
  }
  // From here the descriptor stays open for the life of the process, even
  // when the module is refused (dlclose need not unload it): the dynamic
  // loader knows the object by the name it was opened under, and a later
  // module opened on a reused descriptor number would match that name and
  // be handed this object instead of its own.
  TrustedModule module(handle);
  const auto* found = module.symbol<const char*>(build_symbol);
  if (found == nullptr || std::string_view(found) != build) {
    ::dlclose(handle);
    return std::unexpected(path + ": not a module of this build (want \"" + std::string(build) + "\")");
  }
  return module;
}

}  // namespace rampart::base
