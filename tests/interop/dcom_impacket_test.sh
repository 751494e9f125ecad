#!/usr/bin/env bash
# Impacket's DCOM client (dcomrt.DCOMConnection) against rampartd's rampart-echo class, with
# NTLM from rampartd's user file and the default activation floor (packet integrity):
#   CoCreateInstanceEx at PKT_PRIVACY (Impacket's default) and at PKT_INTEGRITY, Echo and Add
#   on the returned interface, RemRelease, and a call on the released IPID (RPC_E_INVALID_IPID);
#   an unauthenticated and a PKT_CONNECT activation are refused with E_ACCESSDENIED, and so is
#   an unauthenticated call on an object activated with NTLM (the exporter's level);
#   an object whose client never pings is collected after ping period x 3;
#   the same class served from a COM module ([dcom] modules) is activated and called, and a
#   module file others may write is refused at start.
# CoCreateInstanceEx always dials port 135, so rampartd listens on 127.0.0.1:135 inside a
# private network namespace; one rampartd serves every built-in case. About 10 s.
#   dcom_impacket_test.sh RAMPARTD MODULE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
source "$here/lib/python.sh"
interop_require_root
interop_python_check
rampartd=$(realpath "$1")
module_built=$(realpath "$2")
work=$(mktemp -d /tmp/rampart-dcom.XXXXXX)
interop_at_exit rm -rf "$work"
period_ms=400
export DCOM_USER=alice DCOM_PASSWORD=Rampart-Dcom-Pass1 DCOM_DOMAIN=RAMPART
printf '%s:%s:%s\n' "$DCOM_DOMAIN" "$DCOM_USER" "$DCOM_PASSWORD" >"$work/ntlm-users"
# A module is loaded only from a file and directories no one but root may write.
install -d -m 0755 "$work/modules"
install -m 0644 "$module_built" "$work/modules/rampart_echo_module.so"

write_conf() {  # write_conf NS CLASSES MODULES
  cat >"$work/$1.toml" <<CONF
[server]
listeners = ["127.0.0.1:135"]
local_socket = ""
threads = 2
allow_root = true
[registration]
static_socket = ""
[security]
ntlm_user_file = "$work/ntlm-users"
[dcom]
enabled = true
ping_period_ms = $period_ms
classes = [$2]
modules = [$3]
CONF
}

run_rampartd() {  # run_rampartd NS CLASSES MODULES: start rampartd in a new namespace NS
  local ns=$1
  netns_create "$ns"
  interop_at_exit netns_delete "$ns"
  write_conf "$ns" "$2" "$3"
  ip netns exec "$ns" "$rampartd" --config "$work/$ns.toml" >"$work/$ns.log" 2>&1 &
  interop_at_exit kill $!
  interop_wait_until 10 netns_exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/135' 2>/dev/null ||
    { cat "$work/$ns.log" >&2; interop_die "rampartd did not listen"; }
}

fail=0
step() {  # step NAME NS LEVEL MODE [ARGS...]: run the client in NS
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

ns=rampart-dcom-$$
run_rampartd "$ns" '"rampart-echo"' ''
step "NTLM PKT_PRIVACY: activate, Echo, Add, release" "$ns" 6 cycle
step "NTLM PKT_INTEGRITY: activate, Echo, Add, release" "$ns" 5 cycle
step "unauthenticated activation is below the floor" "$ns" 1 denied
step "NTLM PKT_CONNECT activation is below the floor" "$ns" 2 denied
step "an unauthenticated object call is below the exporter's level" "$ns" 6 lowcall
step "an unpinged object is collected" "$ns" 6 gc "$(awk "BEGIN { print $period_ms * 3 / 1000 + 1 }")"
step "and activation still works" "$ns" 6 cycle
grep -q "dcom objects released" "$work/$ns.log" || { interop_log "FAIL: no collection logged"; fail=1; }
grep -q 'authenticated .*auth_level=6 .*principal=RAMPART\\alice' "$work/$ns.log" ||
  { interop_log "FAIL: the privacy-level logon was not logged"; fail=1; }

mod_ns=rampart-dcomm-$$
run_rampartd "$mod_ns" '' "\"$work/modules/rampart_echo_module.so\""
grep -q "dcom module loaded.*rampart-echo-module" "$work/$mod_ns.log" ||
  { cat "$work/$mod_ns.log" >&2; interop_log "FAIL: the module's class was not logged"; fail=1; }
step "a class from a module: activate, Echo, Add, release" "$mod_ns" 6 cycle

# A module file that others may write is refused, and rampartd does not start.
chmod 0666 "$work/modules/rampart_echo_module.so"
write_conf bad '' "\"$work/modules/rampart_echo_module.so\""
if ip netns exec "$mod_ns" "$rampartd" --config "$work/bad.toml" >"$work/bad.log" 2>&1; then
  interop_log "FAIL: rampartd started with a world-writable module"
  fail=1
elif ! grep -q "writable by group or others" "$work/bad.log"; then
  cat "$work/bad.log" >&2
  interop_log "FAIL: the refusal does not name its reason"
  fail=1
else
  interop_log "ok: a world-writable module is refused: $(tail -n 1 "$work/bad.log")"
fi
exit "$fail"
