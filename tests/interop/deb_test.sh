#!/usr/bin/env bash
# The Debian package in a clean Debian 12 root, booted with systemd as PID 1 in
# private PID, mount, network, UTS and IPC namespaces:
#   - apt installs the .deb and its dependencies; the rampart user exists and both
#     socket units are enabled;
#   - systemd starts rampartd by socket activation at the first connection, as
#     rampart with no capability (every set zero, NoNewPrivs), Type=notify;
#   - `rampart register` adds an entry that Impacket's rpcdump sees;
#   - after SIGKILL systemd restarts rampartd and the entry is still served;
#   - `systemctl reload` completes (RELOADING=1, READY=1), and the journal has the
#     registration as a structured entry;
#   - with the metrics drop-in of docs/privileges.md and [metrics] listen, the
#     endpoint counts exactly the calls made, and the registration survives `systemctl restart`.
# Each step prints its commands and their output (systemctl status, the Uid and Cap*
# lines of /proc/PID/status, rpcdump, the journal entry, the metrics before and
# after), on stderr and in $RAMPART_DEB_TRANSCRIPT (default ./deb-transcript.txt;
# build/tests/interop/deb-transcript.txt under ctest).
#   deb_test.sh BUILD_DIR
# Needs root, debootstrap and the Debian archive (apt); the clean root is made once
# and kept as $RAMPART_DEB_ROOT (default /var/tmp/rampart-bookworm-minbase.tar).
# Skips (77) without them, or when BUILD_DIR is not configured for /usr (make deb).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
interop_require_root
(($# == 1)) || interop_die "usage: $0 BUILD_DIR"
build=$(realpath "$1")
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[[ $prefix == /usr ]] || { interop_log "skipped: $build is configured for $prefix, not /usr (make deb)"; exit 77; }
command -v debootstrap >/dev/null || { interop_log "skipped: debootstrap is not installed"; exit 77; }
py=/usr/bin/python3
rpcdump=/usr/share/doc/python3-impacket/examples/rpcdump.py

work=$(mktemp -d /tmp/rampart-deb.XXXXXX)
interop_at_exit rm -rf "$work"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" >cpack.log 2>&1) ||
  { cat "$work/cpack.log" >&2; interop_die "cpack failed"; }
deb=$(ls "$work"/rampart_*.deb)

cache=${RAMPART_DEB_ROOT:-/var/tmp/rampart-bookworm-minbase.tar}
if [[ ! -s $cache ]]; then
  interop_log "making the clean root $cache (debootstrap, once)"
  debootstrap --variant=minbase bookworm "$work/seed" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    { tail -5 "$work/debootstrap.log" >&2; interop_die "debootstrap failed"; }
  tar -C "$work/seed" -cf "$cache.part" . && mv "$cache.part" "$cache"
  rm -rf "$work/seed"
fi
root=$work/root
mkdir "$root"
tar -C "$root" -xf "$cache"
cp "$deb" "$root/tmp/rampart.deb"
cp /etc/resolv.conf "$root/etc/resolv.conf"

fail=0
pass() { interop_log "ok: $*"; }
flunk() { interop_log "FAIL: $*"; fail=1; }

# The transcript: each step's commands and their output, on stderr (ctest shows it)
# and in $RAMPART_DEB_TRANSCRIPT (default deb-transcript.txt in the working
# directory, build/tests/interop under ctest).
transcript=${RAMPART_DEB_TRANSCRIPT:-$PWD/deb-transcript.txt}
: >"$transcript"
step() { printf '\n==== %s\n' "$*" | tee -a "$transcript" >&2; }
# shown WHERE CMD...: run CMD (WHERE is in_root, in_net or host), print "# CMD" and its
# output; the output is also left in $out and the status returned.
out=""
shown() {
  local where=$1 rc=0 arg cmd=""
  shift
  for arg in "$@"; do
    [[ $arg =~ ^[][A-Za-z0-9_./:=,+@-]+$ ]] && cmd+=" $arg" || cmd+=" '${arg//\'/\'\\\'\'}'"
  done
  [[ $where == in_net ]] && cmd+="    (the host's program, in the root's network namespace)"
  printf '#%s\n' "$cmd" | tee -a "$transcript" >&2
  out=$("$where" "$@" 2>&1) || rc=$?
  if [[ -n $out ]]; then printf '%s\n' "$out" | tee -a "$transcript" >&2; fi
  ((rc == 0)) || printf '(exit status %d)\n' "$rc" | tee -a "$transcript" >&2
  return "$rc"
}
host() { "$@"; }
in_chroot() { chroot "$root" "$@"; }

step "install the package with apt into a clean Debian 12 root (debootstrap --variant=minbase bookworm)"
# With the root's own apt, in a private mount namespace.
printf '# apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/rampart.deb    (chroot, before the boot; /tmp/rampart.deb is %s)\n' \
  "${deb##*/}" | tee -a "$transcript" >&2
unshare -m --propagation private sh -c "mount -t proc proc '$root/proc' && chroot '$root' sh -c \
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/rampart.deb'" \
  >"$work/install.log" 2>&1 || { tail -20 "$work/install.log" >&2; interop_die "the package did not install"; }
grep -E '^(Setting up rampart|Created symlink|Unpacking rampart)' "$work/install.log" | tee -a "$transcript" >&2 || true
pass "apt installs the package into a clean Debian 12 root"
shown in_chroot getent passwd rampart && [[ $out == rampart:x:* ]] && pass "postinst created the rampart user" ||
  flunk "no rampart user"
for unit in rampartd.socket rampartd-static.socket; do
  [[ -L $root/etc/systemd/system/sockets.target.wants/$unit ]] && pass "$unit enabled" || flunk "$unit not enabled"
done

# Boot it: systemd as PID 1 of new namespaces, on its own loopback.
cat >"$work/boot.sh" <<EOF
#!/bin/sh
set -e
mount --bind '$root' '$root'
mount -t proc proc '$root/proc'
mount -t sysfs -o ro sysfs '$root/sys' || true
mount -t tmpfs tmpfs '$root/run'
mount -t tmpfs tmpfs '$root/tmp'
mount -t tmpfs tmpfs '$root/sys/fs/cgroup' || true
mkdir -p '$root/sys/fs/cgroup/systemd'
mount -t cgroup -o none,name=systemd cgroup '$root/sys/fs/cgroup/systemd' || true
mount --rbind /dev '$root/dev'
ip link set lo up
export container=rampart-test
exec chroot '$root' /lib/systemd/systemd --system
EOF
chmod +x "$work/boot.sh"
unshare --pid --fork --mount --net --uts --ipc --propagation private "$work/boot.sh" >"$work/boot.log" 2>&1 &
boot=$!
disown "$boot"  # no "Killed" notice when the cleanup ends it
interop_at_exit kill -9 "$boot"
init=""
interop_wait_until 20 bash -c "pgrep -P $boot -x systemd >/dev/null" || interop_die "systemd did not start"
init=$(pgrep -P "$boot" -x systemd)
interop_at_exit kill -9 "$init"  # PID 1 of the namespace: every process in it goes
in_root() { nsenter -t "$init" -m -u -i -n -p -r -w "$@"; }
in_net() { nsenter -t "$init" -n "$@"; }
interop_wait_until 60 bash -c "[[ \$(nsenter -t $init -m -u -i -n -p -r -w systemctl is-system-running 2>/dev/null) =~ ^(running|degraded)$ ]]" ||
  flunk "the system did not finish booting"
step "boot the root with systemd as PID 1: rampartd.socket listens, rampartd.service waits"
shown in_root systemctl is-system-running || true
shown in_root systemctl status --no-pager --lines=0 rampartd.socket rampartd-static.socket &&
  pass "both socket units are active" || flunk "a socket unit is not active"
shown in_root systemctl is-active rampartd.service && flunk "rampartd ran before any connection" ||
  pass "rampartd waits for its first connection"

step "the first connection starts rampartd (socket activation)"
shown in_root rampart dump 127.0.0.1 && grep -q "ncacn_ip_tcp:127.0.0.1\[135\]" <<<"$out" &&
  pass "rampart dump answers through socket activation" || flunk "rampart dump"
shown in_root systemctl status --no-pager --lines=8 rampartd.service || true
grep -q "Active: active (running)" <<<"$out" && grep -q "TriggeredBy:" <<<"$out" && grep -q " rampartd\.socket$" <<<"$out" &&
  pass "rampartd.service is running, triggered by rampartd.socket" || flunk "rampartd.service status"
pid=$(in_root systemctl show -p MainPID --value rampartd.service)
shown in_root sh -c "grep -E '^(Name|Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs):' /proc/$pid/status" || true
status=$out
[[ $(awk '/^Uid:/ {print $2 $3 $4 $5}' <<<"$status") == $(awk -F: '$1 == "rampart" {print $3 $3 $3 $3}' "$root/etc/passwd") ]] &&
  pass "rampartd runs as rampart (real, effective, saved, fs uid)" || flunk "rampartd's uid: $(grep ^Uid: <<<"$status")"
if awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ {n++; if ($2 != "0000000000000000") bad=1} END {exit bad || n != 5}' <<<"$status" &&
  grep -q "^NoNewPrivs:.1" <<<"$status"; then
  pass "no capability in any set, NoNewPrivs"
else
  flunk "capabilities: $(grep -E '^(Cap|NoNewPrivs)' <<<"$status" | tr '\n' ' ')"
fi
# Every thread, not only the main one.
threads=$(in_root sh -c "cat /proc/$pid/task/*/status" | awk '/^Cap(Prm|Eff):/ && $2 != "0000000000000000" {bad++} /^Pid:/ {n++} END {print n+0, bad+0}')
[[ $threads =~ ^[1-9][0-9]*\ 0$ ]] && pass "no thread holds a capability ($threads)" || flunk "threads with capabilities: $threads"
[[ $(in_root systemctl show -p StatusText --value rampartd.service) == "serving the endpoint mapper" ]] &&
  pass "readiness notified" || flunk "no READY status"

step "rampart register adds an entry that Impacket's rpcdump sees"
shown in_root rampart register lsarpc 49701 --annotation "registered by the deb test" && pass "rampart register" ||
  flunk "rampart register"
shown in_net "$py" "$rpcdump" 127.0.0.1 || true
grep -A3 "registered by the deb test" <<<"$out" | grep -q "ncacn_ip_tcp:127.0.0.1\[49701\]" &&
  pass "Impacket's rpcdump sees the registered entry" || flunk "rpcdump"
shown in_root cat /var/lib/rampart/registrations || true

step "SIGKILL: systemd restarts rampartd and the entry is kept"
old=$pid
shown in_root systemctl kill -s SIGKILL rampartd.service || true
interop_wait_until 10 bash -c "[[ \$(nsenter -t $init -m -u -i -n -p -r -w systemctl show -p NRestarts --value rampartd.service) == 1 ]]" &&
  pass "systemd restarted rampartd after SIGKILL" || flunk "no restart after SIGKILL"
interop_wait_until 10 bash -c "[[ \$(nsenter -t $init -m -u -i -n -p -r -w systemctl is-active rampartd.service) == active ]]" || true
shown in_root systemctl show -p NRestarts -p MainPID -p ActiveState -p SubState rampartd.service || true
pid=$(in_root systemctl show -p MainPID --value rampartd.service)
[[ $pid != "$old" && $pid != 0 ]] && pass "a new rampartd (pid $old, then $pid)" || flunk "MainPID $old, then $pid"
shown in_root journalctl -u rampartd.service --no-pager -o short-monotonic --grep "Main process exited|Scheduled restart|Started|restored" || true
interop_wait_until 10 bash -c "nsenter -t $init -m -u -i -n -p -r -w rampart map 127.0.0.1 lsarpc | grep -q '\[49701\]'" || true
shown in_root rampart map 127.0.0.1 lsarpc && grep -q '\[49701\]' <<<"$out" &&
  pass "the registration survived SIGKILL" || flunk "the registration was lost"
shown in_net "$py" "$rpcdump" 127.0.0.1 || true
grep -A3 "registered by the deb test" <<<"$out" | grep -q "ncacn_ip_tcp:127.0.0.1\[49701\]" &&
  pass "rpcdump still sees the entry after SIGKILL" || flunk "rpcdump after SIGKILL"

step "reload, and the registration in the journal as a structured entry"
shown in_root systemctl reload rampartd.service && pass "systemctl reload" || flunk "systemctl reload"
shown in_root sh -c "journalctl RAMPART_EVENT=registration -o verbose --no-pager | grep -E '^ *(MESSAGE|PRIORITY|_PID|_UID|_CAP_EFFECTIVE|_SYSTEMD_UNIT|RAMPART_[A-Z]+)='" || true
grep -q "RAMPART_UID=0" <<<"$out" && pass "the journal has the registration with its fields" ||
  flunk "no structured journal entry"

step "metrics: the drop-in of docs/privileges.md, [metrics] listen, and the calls counted"
# The documented drop-in gives the service a network, the configuration an address.
mkdir -p "$root/etc/systemd/system/rampartd.service.d"
printf '[Service]\nPrivateNetwork=no\nRestrictAddressFamilies=AF_UNIX AF_INET\n' \
  >"$root/etc/systemd/system/rampartd.service.d/metrics.conf"
sed -i 's/^listen = ""$/listen = "127.0.0.1:9135"/' "$root/etc/rampart/rampartd.toml"
shown in_root cat /etc/systemd/system/rampartd.service.d/metrics.conf || true
shown in_root grep -n -e '^\[metrics\]' -e '^listen = ' /etc/rampart/rampartd.toml || true
shown in_root systemctl daemon-reload || true
shown in_root systemctl restart rampartd.service || flunk "systemctl restart"
scrape() {
  in_net "$py" -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9135/metrics", timeout=5).read().decode())' 2>&1 |
    grep -E '^rampart_(calls_total|connections)' || true
}
calls() { awk -F'} ' '/^rampart_calls_total\{interface="mgmt",opnum="2"\}/ {n = $2} END {print n + 0}' <<<"$1"; }
printf '# GET http://127.0.0.1:9135/metrics | grep -E "^rampart_(calls_total|connections)"    (python3 urllib, in the root'"'"'s network namespace)\n' | tee -a "$transcript" >&2
before=$(scrape)
printf '%s\n' "$before" | tee -a "$transcript" >&2
shown in_root rampart ping 127.0.0.1 --count 3 || flunk "ping after the restart"
printf '# GET http://127.0.0.1:9135/metrics | grep -E "^rampart_(calls_total|connections)"    (python3 urllib, in the root'"'"'s network namespace)\n' | tee -a "$transcript" >&2
after=$(scrape)
printf '%s\n' "$after" | tee -a "$transcript" >&2
b=$(calls "$before") a=$(calls "$after")
((a - b == 3)) && pass "the metrics endpoint counted the 3 calls (mgmt opnum 2: $b, then $a)" ||
  flunk "metrics: mgmt opnum 2 went from $b to $a after 3 pings"
shown in_root rampart map 127.0.0.1 lsarpc && grep -q '\[49701\]' <<<"$out" && pass "the registration survived a restart" ||
  flunk "the registration was lost by the restart"

interop_log "transcript: $transcript"
if ((fail)); then interop_die "some checks failed"; fi
interop_log "all checks passed"
