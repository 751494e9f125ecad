// Loading COM modules; the rules are in com_module_loader.hpp.
#include "rampart/dcom/com_module_loader.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace rampart::dcom {

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

// The registrar's contents, checked before anything reaches the server.
Status check_registration(ComModuleRegistrar& r, const ComServer& server, const std::string& path) {
  if (r.classes().empty()) return std::unexpected(path + ": the module registers no class");
  for (const auto* d : r.interfaces()) {
    if (d == nullptr || d->operation_count() <= 3)
      return std::unexpected(path + ": an interface without methods beyond IUnknown's");
    // An IID rampartd already serves as a service (IObjectExporter,
    // IRemUnknown, the activators, the endpoint mapper) is never taken
    // over; one another class routes already must have the same methods.
    const auto routed = server.routed_interface(d->syntax.uuid);
    if (routed ? *routed != d->operation_count() : server.interface_registered(d->syntax))
      return std::unexpected(path + ": interface " + d->syntax.uuid.to_string() + " is already served otherwise");
  }
  for (std::size_t i = 0; i < r.classes().size(); ++i) {
    const auto& c = r.classes()[i];
    if (c.name.empty() || c.name.size() > 64 || !c.factory)
      return std::unexpected(path + ": a class without a name (1..64 characters) or a factory");
    if (server.has_class(c.clsid)) return std::unexpected(path + ": class " + c.clsid.to_string() + " is already served");
    for (std::size_t j = 0; j < i; ++j)
      if (r.classes()[j].clsid == c.clsid)
        return std::unexpected(path + ": class " + c.clsid.to_string() + " registered twice");
  }
  return {};
}

template <class T>
T symbol(void* handle, const char* name) {
  void* s = ::dlsym(handle, name);
  T out{};
  static_assert(sizeof(out) == sizeof(s));
  std::memcpy(&out, &s, sizeof out);  // POSIX: dlsym's result converts to a function pointer
  return out;
}

// Opens `path` (after the checks) and returns its entry point.
std::expected<ComModuleEntryV1, std::string> open_module(const std::string& path) {
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
    return std::unexpected(path + ": " + (why ? why : "dlopen failed"));
  }
  // From here the descriptor stays open for the life of the process, even
  // when the module is refused (dlclose need not unload it): the dynamic
  // loader knows the object by the name it was opened under, and a later
  // module opened on a reused descriptor number would match that name and
  // be handed this object instead of its own.
  const auto* build = symbol<const char*>(handle, "rampart_com_module_build");
  if (build == nullptr || std::string_view(build) != RAMPART_COM_MODULE_BUILD) {
    ::dlclose(handle);
    return std::unexpected(path + ": not a module of this build (want \"" RAMPART_COM_MODULE_BUILD "\")");
  }
  auto entry = symbol<ComModuleEntryV1>(handle, "rampart_com_module_v1");
  if (entry == nullptr) {
    ::dlclose(handle);
    return std::unexpected(path + ": no rampart_com_module_v1 entry point");
  }
  return entry;  // the handle stays open for the life of the process
}

}  // namespace

Status check_module_path(const std::string& path, uid_t euid) {
  const std::filesystem::path p(path);
  if (!p.is_absolute()) return std::unexpected(path + ": a module path must be absolute");
  std::error_code ec;
  const auto canonical = std::filesystem::canonical(p, ec);
  if (ec) return std::unexpected(path + ": " + ec.message());
  if (canonical != p) return std::unexpected(path + ": not canonical (a symbolic link or ..); name " + canonical.string());
  return check_directories(p, euid);
}

std::expected<std::vector<std::string>, std::string> load_com_module(const std::string& path, ComServer& server) {
  if (auto ok = check_module_path(path, ::geteuid()); !ok) return std::unexpected(ok.error());
  const auto entry = open_module(path);
  if (!entry) return std::unexpected(entry.error());
  ComModuleRegistrar registrar;
  try {
    (*entry)(registrar);
  } catch (const std::exception& e) {
    return std::unexpected(path + ": the entry point threw: " + e.what());
  } catch (...) {
    return std::unexpected(path + ": the entry point threw");
  }
  if (auto ok = check_registration(registrar, server, path); !ok) return std::unexpected(ok.error());
  for (const auto* d : registrar.interfaces())
    if (!server.routed_interface(d->syntax.uuid)) server.register_interface(*d);
  std::vector<std::string> names;
  for (auto& c : registrar.classes()) {
    names.push_back(c.name);
    server.register_class(c.clsid, c.name, std::move(c.factory));
  }
  return names;
}

}  // namespace rampart::dcom
