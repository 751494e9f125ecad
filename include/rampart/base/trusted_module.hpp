// Loading a shared object into a privileged process. rampartd runs the code
// of its modules (COM classes, RPC services) with all of its rights, so a
// module is loaded only from a file that nobody but root, or the user the
// process runs as, can have written:
//  - the path is absolute and canonical (no symbolic link, no `..`);
//  - the file is a regular file owned by root or by the effective user, and
//    not writable by group or others;
//  - every directory above it is owned by root or the effective user and is
//    not writable by group or others, unless it is sticky (/tmp: others can
//    neither rename nor replace an entry they do not own).
// The checked file is opened once (O_NOFOLLOW) and loaded through that
// descriptor (/proc/self/fd/N), so the file checked is the file loaded.
// Then the module must carry a build string equal to the host's, naming the
// module interface, the Rampart version and the compiler: a module built
// against another version exchanges C++ objects of another layout.
// Loaded modules are never unloaded.
#pragma once

#include <sys/types.h>

#include <cstring>
#include <exception>
#include <expected>
#include <string>
#include <string_view>

namespace rampart::base {

/// Checks the path and directory rules above for `path`.
[[nodiscard]] std::expected<void, std::string> check_module_path(const std::string& path, uid_t euid);

/// A module that passed every check; its symbols stay valid for the life
/// of the process.
class TrustedModule {
 public:
  explicit TrustedModule(void* handle) noexcept : handle_(handle) {}

  /// The exported symbol `name` as a `T` (a function or data pointer), or
  /// null when the module does not export it.
  template <class T>
  [[nodiscard]] T symbol(const char* name) const noexcept {
    void* s = raw_symbol(name);
    T out{};
    static_assert(sizeof(out) == sizeof(s));
    std::memcpy(&out, &s, sizeof out);  // POSIX: dlsym's result converts to a function pointer
    return out;
  }

 private:
  [[nodiscard]] void* raw_symbol(const char* name) const noexcept;
  void* handle_;
};

/// Checks `path` (check_module_path, then the file itself through the
/// descriptor that is loaded), loads it, and checks that its exported
/// string `build_symbol` equals `build`. Errors name the path and the
/// reason; a refused module leaves nothing of its code running.
[[nodiscard]] std::expected<TrustedModule, std::string> load_trusted_module(const std::string& path,
                                                                            const char* build_symbol,
                                                                            std::string_view build);

/// Loads the module at `path` (load_trusted_module) and runs its entry
/// point `entry_symbol`, a `void(Registrar&)`, on `registrar`. A missing
/// entry point, or one that throws, refuses the module.
template <class Registrar>
[[nodiscard]] std::expected<void, std::string> run_trusted_module(const std::string& path, const char* build_symbol,
                                                                  std::string_view build, const char* entry_symbol,
                                                                  Registrar& registrar) {
  auto module = load_trusted_module(path, build_symbol, build);
  if (!module) return std::unexpected(module.error());
  const auto entry = module->template symbol<void (*)(Registrar&)>(entry_symbol);
  if (entry == nullptr) return std::unexpected(path + ": no " + entry_symbol + " entry point");
  try {
    entry(registrar);
  } catch (const std::exception& e) {
    return std::unexpected(path + ": the entry point threw: " + e.what());
  } catch (...) {
    return std::unexpected(path + ": the entry point threw");
  }
  return {};
}

}  // namespace rampart::base
