#include "service_manager.hpp"

#include <systemd/sd-daemon.h>

#include <ctime>
#include <string>

namespace rampartd::service_manager {

std::vector<int> listen_fds() {
  // unset_environment = 1: the variables name this pid; nothing rampartd
  // might start later should see them.
  const int n = sd_listen_fds(1);
  std::vector<int> out;
  for (int i = 0; i < n; ++i) out.push_back(SD_LISTEN_FDS_START + i);
  return out;
}

void ready(std::string_view status) {
  const std::string message = "READY=1\nSTATUS=" + std::string(status);
  (void)sd_notify(0, message.c_str());
}

void reloading() {
  // systemd >= 253 (Type=notify-reload) wants the CLOCK_MONOTONIC time of
  // the reload in microseconds beside RELOADING=1; older ones ignore it.
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ull +
                    static_cast<unsigned long long>(now.tv_nsec) / 1000ull;
  const std::string message = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
  (void)sd_notify(0, message.c_str());
}

void stopping() { (void)sd_notify(0, "STOPPING=1"); }

}  // namespace rampartd::service_manager
