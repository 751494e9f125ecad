#!/usr/bin/env bash
# Impacket's DCOM client (dcomrt.DCOMConnection) against rampartd's rampart-echo class:
#   CoCreateInstanceEx, Echo and Add on the returned interface, RemRelease, and a call on
#   the released IPID (RPC_E_INVALID_IPID);
#   an object whose client never pings is collected after ping period x 3;
#   with the default activation floor (packet integrity) an unauthenticated activation is
#   refused with E_ACCESSDENIED, and rampartd keeps serving.
# Unauthenticated (auth level 1) with [dcom] activation_floor = "none": the runtime carries
# no security context yet. CoCreateInstanceEx always dials port 135, so rampartd listens on
# 127.0.0.1:135 inside a private network namespace. About 5 s.
#   dcom_impacket_test.sh RAMPARTD
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
source "$here/lib/python.sh"
interop_require_root
interop_python_check
rampartd=$(realpath "$1")
work=$(mktemp -d /tmp/rampart-dcom.XXXXXX)
interop_at_exit rm -rf "$work"
period_ms=400

run_rampartd() {  # run_rampartd NS FLOOR: start rampartd in NS with the echo class
  local ns=$1 floor=$2
  netns_create "$ns"
  interop_at_exit netns_delete "$ns"
  cat >"$work/$ns.toml" <<CONF
[server]
listeners = ["127.0.0.1:135"]
local_socket = ""
threads = 2
allow_root = true
[registration]
static_socket = ""
[dcom]
enabled = true
ping_period_ms = $period_ms
activation_floor = "$floor"
classes = ["rampart-echo"]
CONF
  ip netns exec "$ns" "$rampartd" --config "$work/$ns.toml" >"$work/$ns.log" 2>&1 &
  interop_at_exit kill $!
  interop_wait_until 10 netns_exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/135' 2>/dev/null ||
    { cat "$work/$ns.log" >&2; interop_die "rampartd did not listen"; }
}

fail=0
step() {  # step NAME NS ARGS...: run the client in NS
  local name=$1 ns=$2
  shift 2
  if netns_exec "$ns" env PYTHONDONTWRITEBYTECODE=1 "$INTEROP_PYTHON" "$here/dcom_impacket_client.py" \
      127.0.0.1 "$@" >"$work/out" 2>&1; then
    interop_log "ok: $name: $(tr '\n' ' ' <"$work/out")"
  else
    interop_log "FAIL: $name"
    cat "$work/out" >&2
    fail=1
  fi
}

open_ns=rampart-dcom-$$
run_rampartd "$open_ns" none
step "activate, Echo, Add, release" "$open_ns" 1 cycle
step "an unpinged object is collected" "$open_ns" 1 gc "$(awk "BEGIN { print $period_ms * 3 / 1000 + 1 }")"
step "and activation still works" "$open_ns" 1 cycle

floor_ns=rampart-dcomf-$$
run_rampartd "$floor_ns" integrity
step "below the activation floor" "$floor_ns" 1 denied
step "a second client after the refusal is answered alike" "$floor_ns" 1 denied

grep -q "dcom objects released" "$work/$open_ns.log" || { interop_log "FAIL: no collection logged"; fail=1; }
exit "$fail"
