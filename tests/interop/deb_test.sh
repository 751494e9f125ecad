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
#     endpoint counts the calls, and the registration survives `systemctl restart`.
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

# Install with the root's own apt, in a private mount namespace.
unshare -m --propagation private sh -c "mount -t proc proc '$root/proc' && chroot '$root' sh -c \
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/rampart.deb'" \
  >"$work/install.log" 2>&1 || { tail -20 "$work/install.log" >&2; interop_die "the package did not install"; }
pass "apt installs the package into a clean Debian 12 root"
grep -q "^rampart:x:" "$root/etc/passwd" && pass "postinst created the rampart user" || flunk "no rampart user"
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
interop_at_exit kill -9 "$boot"
init=""
interop_wait_until 20 bash -c "pgrep -P $boot -x systemd >/dev/null" || interop_die "systemd did not start"
init=$(pgrep -P "$boot" -x systemd)
interop_at_exit kill -9 "$init"  # PID 1 of the namespace: every process in it goes
in_root() { nsenter -t "$init" -m -u -i -n -p -r -w "$@"; }
in_net() { nsenter -t "$init" -n "$@"; }
interop_wait_until 60 bash -c "[[ \$(nsenter -t $init -m -u -i -n -p -r -w systemctl is-system-running 2>/dev/null) =~ ^(running|degraded)$ ]]" ||
  flunk "the system did not finish booting"
in_root systemctl is-active --quiet rampartd.socket && pass "rampartd.socket listens" || flunk "rampartd.socket is not active"
in_root systemctl is-active --quiet rampartd.service && flunk "rampartd ran before any connection" ||
  pass "rampartd waits for its first connection"

in_root rampart dump 127.0.0.1 >"$work/dump.out" 2>&1 && grep -q "ncacn_ip_tcp:127.0.0.1\[135\]" "$work/dump.out" &&
  pass "rampart dump answers through socket activation" || { flunk "rampart dump"; cat "$work/dump.out" >&2; }
pid=$(in_root systemctl show -p MainPID --value rampartd.service)
status=$(in_root cat "/proc/$pid/status")
[[ $(awk '/^Uid:/ {print $2}' <<<"$status") == $(awk -F: '$1 == "rampart" {print $3}' "$root/etc/passwd") ]] &&
  pass "rampartd runs as rampart" || flunk "rampartd's uid: $(grep ^Uid: <<<"$status")"
if awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ && $2 != "0000000000000000" {bad=1} END {exit bad}' <<<"$status" &&
  grep -q "^NoNewPrivs:.1" <<<"$status"; then
  pass "no capability in any set, NoNewPrivs"
else
  flunk "capabilities: $(grep -E '^(Cap|NoNewPrivs)' <<<"$status" | tr '\n' ' ')"
fi
[[ $(in_root systemctl show -p StatusText --value rampartd.service) == "serving the endpoint mapper" ]] &&
  pass "readiness notified" || flunk "no READY status"

in_root rampart register lsarpc 49701 --annotation "registered by the deb test" >"$work/register.out" 2>&1 &&
  pass "rampart register" || { flunk "rampart register"; cat "$work/register.out" >&2; }
in_net "$py" "$rpcdump" 127.0.0.1 >"$work/rpcdump.out" 2>&1 || true
grep -A3 "registered by the deb test" "$work/rpcdump.out" | grep -q "ncacn_ip_tcp:127.0.0.1\[49701\]" &&
  pass "Impacket's rpcdump sees the registered entry" || { flunk "rpcdump"; cat "$work/rpcdump.out" >&2; }

in_root systemctl kill -s SIGKILL rampartd.service
interop_wait_until 10 bash -c "[[ \$(nsenter -t $init -m -u -i -n -p -r -w systemctl show -p NRestarts --value rampartd.service) == 1 ]]" &&
  pass "systemd restarted rampartd after SIGKILL" || flunk "no restart after SIGKILL"
interop_wait_until 10 bash -c "nsenter -t $init -m -u -i -n -p -r -w rampart map 127.0.0.1 lsarpc | grep -q '\[49701\]'" &&
  pass "the registration survived SIGKILL" || flunk "the registration was lost"
in_root systemctl reload rampartd.service && pass "systemctl reload" || flunk "systemctl reload"
in_root journalctl RAMPART_EVENT=registration -o verbose --no-pager 2>/dev/null | grep -q "RAMPART_UID=0" &&
  pass "the journal has the registration with its fields" || flunk "no structured journal entry"

# Metrics: the documented drop-in gives the service a network, the configuration an address.
mkdir -p "$root/etc/systemd/system/rampartd.service.d"
printf '[Service]\nPrivateNetwork=no\nRestrictAddressFamilies=AF_UNIX AF_INET\n' \
  >"$root/etc/systemd/system/rampartd.service.d/metrics.conf"
sed -i 's/^listen = ""$/listen = "127.0.0.1:9135"/' "$root/etc/rampart/rampartd.toml"
in_root systemctl daemon-reload
in_root systemctl restart rampartd.service
in_root rampart ping 127.0.0.1 -c 3 >/dev/null 2>&1 || flunk "ping after the restart"
in_net "$py" -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9135/metrics", timeout=5).read().decode())' \
  >"$work/metrics.out" 2>&1 || true
if grep -qE '^rampart_calls_total\{interface="mgmt",opnum="2"\} [3-9]' "$work/metrics.out"; then
  pass "the metrics endpoint counts the calls"
else
  flunk "metrics"; head -40 "$work/metrics.out" >&2
fi
in_root rampart map 127.0.0.1 lsarpc 2>/dev/null | grep -q '\[49701\]' && pass "the registration survived a restart" ||
  flunk "the registration was lost by the restart"

for f in dump register rpcdump; do
  printf '==== %s\n' "$f" >&2
  head -n 20 "$work/$f.out" >&2
done
if ((fail)); then interop_die "some checks failed"; fi
interop_log "all checks passed"
