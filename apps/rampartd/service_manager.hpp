// What rampartd tells and takes from a service manager (systemd): listening
// sockets passed at start (socket activation, sd_listen_fds(3)) and state
// notifications (sd_notify(3)): READY=1 once serving, RELOADING=1 while a
// SIGHUP is applied, STOPPING=1 when draining. Outside systemd these do
// nothing: sd_notify without $NOTIFY_SOCKET is a no-op and no descriptors
// are passed without $LISTEN_FDS.
#pragma once

#include <string_view>
#include <vector>

namespace rampartd::service_manager {

/// The descriptors passed to this process (from SD_LISTEN_FDS_START on),
/// close-on-exec; empty when none were. Unsets $LISTEN_FDS and friends so
/// nothing else takes them.
[[nodiscard]] std::vector<int> listen_fds();

void ready(std::string_view status);
void reloading();
void stopping();

}  // namespace rampartd::service_manager
