# shellcheck shell=bash
# rampartd in a private network namespace, for interop tests. Source it (it sources common.sh
# and samba.sh for the namespace helpers).
#
#   rampartd_start NS WORKDIR RAMPARTD
#       create NS, write WORKDIR/rampartd.toml (127.0.0.1:135, local and static sockets in
#       WORKDIR, static entries for lsarpc on 49154 and netlogon on 49155), start RAMPARTD in NS
#       with its log in WORKDIR/rampartd.log, and wait (10 s at most) until 135 accepts.
#       Registers cleanups at exit. Sets RAMPARTD_PID. $RAMPARTD_EXTRA_CONF, when set, is
#       appended to the configuration (e.g. a [security] table). Start a capture before calling it to
#       record the whole session.

if [[ -n "${_INTEROP_RAMPARTD_SH:-}" ]]; then return 0; fi
_INTEROP_RAMPARTD_SH=1
# shellcheck source=samba.sh
source "$(dirname "${BASH_SOURCE[0]}")/samba.sh"

rampartd_write_conf() {
  local work=$1
  cat >"$work/rampartd.toml" <<CONF
[server]
listeners = ["127.0.0.1:135"]
local_socket = "$work/epmapper.sock"
threads = 2
# Started as root in the namespace; it keeps root (rampartd(8), PRIVILEGES).
allow_root = true
[registration]
static_socket = "$work/epmapper-static.sock"
[[static_endpoint]]
interface = "12345778-1234-abcd-ef00-0123456789ab"
version = "0.0"
protseq = "ncacn_ip_tcp"
endpoint = "49154"
annotation = "lsarpc"
[[static_endpoint]]
interface = "12345678-1234-abcd-ef00-01234567cffb"
version = "1.0"
protseq = "ncacn_ip_tcp"
endpoint = "49155"
annotation = "netlogon"
${RAMPARTD_EXTRA_CONF:-}
CONF
}

rampartd_start() {
  (($# == 3)) || interop_die "usage: rampartd_start NS WORKDIR RAMPARTD"
  local ns=$1 work=$2 binary=$3
  [[ -e /run/netns/$ns ]] || { netns_create "$ns"; interop_at_exit netns_delete "$ns"; }
  rampartd_write_conf "$work"
  # ip netns exec execs rampartd itself, so $! is rampartd's pid.
  ip netns exec "$ns" "$binary" --config "$work/rampartd.toml" >"$work/rampartd.log" 2>&1 &
  RAMPARTD_PID=$!
  interop_at_exit kill "$RAMPARTD_PID"
  interop_wait_until 10 netns_exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/135' 2>/dev/null ||
    { cat "$work/rampartd.log" >&2; interop_die "rampartd did not listen"; }
}
