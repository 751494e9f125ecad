#include "privileges.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define RAMPARTD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RAMPARTD_ASAN 1
#endif
#endif

namespace rampartd {

namespace {

constexpr const char* kUserFix = "set [server] user or --user NAME";

std::string errno_text(int e) { return std::strerror(e); }

std::expected<struct passwd, std::string> find_user(const std::string& name, std::vector<char>& buffer) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  buffer.resize(16384);
  const int rc = ::getpwnam_r(name.c_str(), &pw, buffer.data(), buffer.size(), &found);
  if (rc != 0) return std::unexpected("cannot look up user '" + name + "': " + errno_text(rc));
  if (found == nullptr) return std::unexpected("user '" + name + "' does not exist (" + kUserFix + ")");
  return pw;
}

std::expected<gid_t, std::string> find_group(const std::string& name) {
  struct group gr {};
  struct group* found = nullptr;
  std::vector<char> buffer(16384);
  const int rc = ::getgrnam_r(name.c_str(), &gr, buffer.data(), buffer.size(), &found);
  if (rc != 0) return std::unexpected("cannot look up group '" + name + "': " + errno_text(rc));
  if (found == nullptr) {
    return std::unexpected("group '" + name + "' does not exist (set [server] group or --group NAME)");
  }
  return gr.gr_gid;
}

// "CapEff:\t0000000000000000" -> the number, for one status file.
void add_capabilities(const std::filesystem::path& status, CapabilitySets& out) {
  std::ifstream in(status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("CapEff:")) out.effective |= std::stoull(line.substr(7), nullptr, 16);
    if (line.starts_with("CapPrm:")) out.permitted |= std::stoull(line.substr(7), nullptr, 16);
  }
}

}  // namespace

std::expected<std::optional<Identity>, std::string> plan_identity(const Config& config, uid_t euid) {
  if (config.user.empty()) {
    if (!config.group.empty()) return std::unexpected("[server] group needs [server] user (or --user NAME)");
    if (euid == 0 && !config.allow_root) {
      return std::unexpected(
          "refusing to run as root: name an unprivileged user to switch to once the listeners are bound (" +
          std::string(kUserFix) + ", e.g. --user nobody), or keep root with [server] allow_root = true or "
          "--allow-root");
    }
    return std::nullopt;
  }
  std::vector<char> buffer;
  auto pw = find_user(config.user, buffer);
  if (!pw) return std::unexpected(pw.error());
  Identity who{config.user, config.group, pw->pw_uid, pw->pw_gid};
  if (!config.group.empty()) {
    auto gid = find_group(config.group);
    if (!gid) return std::unexpected(gid.error());
    who.gid = *gid;
  }
  if (euid != 0) {
    if (who.uid == euid && who.gid == ::getegid()) return std::nullopt;  // already that user
    return std::unexpected("[server] user '" + config.user +
                           "' needs rampartd to start as root (it binds, then switches); run it as root or drop "
                           "the user setting");
  }
  if (who.uid == 0) return std::unexpected("[server] user '" + config.user + "' is root: name an unprivileged user");
  return who;
}

void restrict_process() noexcept {
  (void)::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (::geteuid() != 0) return;
  // Past the last capability the kernel knows, PR_CAPBSET_DROP fails with
  // EINVAL; CAP_LAST_CAP of these headers may be older than the kernel.
  for (int cap = 0; cap <= 63; ++cap) {
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno == EINVAL) break;
  }
}

std::expected<void, std::string> drop_to(const Identity& who) {
  // Order matters: groups while still root, the uid last.
  if (::setgroups(1, &who.gid) != 0) return std::unexpected("setgroups: " + errno_text(errno));
  if (::setresgid(who.gid, who.gid, who.gid) != 0) return std::unexpected("setresgid: " + errno_text(errno));
  if (::setresuid(who.uid, who.uid, who.uid) != 0) return std::unexpected("setresuid: " + errno_text(errno));
  // Leaving uid 0 for good clears every thread's permitted and effective
  // capabilities (capabilities(7), "Effect of user ID changes"); check it.
  if (::setresuid(0, 0, 0) == 0) return std::unexpected("root could be regained after the switch");
  const auto caps = current_capabilities();
  if (caps.effective != 0 || caps.permitted != 0) {
    return std::unexpected("capabilities remain after the switch (CapEff " + std::to_string(caps.effective) +
                           ", CapPrm " + std::to_string(caps.permitted) + ")");
  }
#ifdef RAMPARTD_ASAN
  // Sanitizer builds only: LeakSanitizer's check at exit ptrace-attaches to
  // the process, which the kernel refuses once a uid change made it
  // non-dumpable. A dumpable daemon could be traced by any process of its
  // new uid, so release builds stay non-dumpable.
  (void)::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
  return {};
}

CapabilitySets current_capabilities() {
  CapabilitySets out;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    add_capabilities(task.path() / "status", out);
  }
  if (ec) add_capabilities("/proc/self/status", out);
  return out;
}

}  // namespace rampartd
