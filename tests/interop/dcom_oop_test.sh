#!/usr/bin/env bash
# An out-of-process class server (rampart-echo-server, CLSID 7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03)
# registered with rampartd ([[dcom.server]] for user nobody), driven by Impacket's DCOM client
# with NTLM:
#   CoCreateInstanceEx at PKT_INTEGRITY and PKT_PRIVACY goes to port 135, the object calls to
#   the server's own port, and the server process prints the echoed text with its pid; release;
#   `rampart dcom activate` on the same class;
#   ComplexPing on rampartd keeps the server's object alive past ping period x 3, and without
#   pings rampartd runs it down on the server (the server prints the rundown);
#   RegisterClassServer over TCP gets the fault access denied, as a remote ept_insert;
#   a second registration of the CLSID (root, while nobody's is live) gets CO_E_OBJISREG and
#   one from an unlisted user (daemon) ERROR_ACCESS_DENIED;
#   RemoteGetClassObject is forwarded too (rampart dcom activate --class-object), and so is the
#   legacy IActivation::RemoteActivation (Impacket's IActivation helper, NTLM at PKT_INTEGRITY,
#   Echo and Add on the server's port);
#   after a rampartd restart the server registers again by itself;
#   killing the server ends its registration: activation gets CO_E_SERVER_EXEC_FAILURE (through
#   RemoteActivation too, in phr) while the in-process class keeps working.
# CoCreateInstanceEx always dials port 135, so rampartd listens on 127.0.0.1:135 inside a
# private network namespace. About 12 s.
#   dcom_oop_test.sh RAMPARTD ECHO_SERVER RAMPART
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
source "$here/lib/python.sh"
interop_require_root
interop_python_check
rampartd=$(realpath "$1")
echo_server=$(realpath "$2")
rampart=$(realpath "$3")
work=$(mktemp -d /tmp/rampart-dcomoop.XXXXXX)
interop_at_exit rm -rf "$work"
[[ -n "${KEEP_WORK:-}" ]] && interop_at_exit cp -r "$work" /tmp/dcomoop-last
chmod 0755 "$work"
period_ms=400
clsid=7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03
iid=7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02
export DCOM_USER=alice DCOM_PASSWORD=Rampart-Dcom-Pass1 DCOM_DOMAIN=RAMPART
printf '%s:%s:%s\n' "$DCOM_DOMAIN" "$DCOM_USER" "$DCOM_PASSWORD" >"$work/ntlm-users"
chmod 0644 "$work/ntlm-users"
# The class servers' sockets live in directories their users own.
install -d -m 0755 -o nobody "$work/nobody"
install -d -m 0755 -o daemon "$work/daemon"
install -d -m 0755 "$work/root"

cat >"$work/rampartd.toml" <<CONF
[server]
listeners = ["127.0.0.1:135"]
local_socket = "$work/epmapper.sock"
threads = 2
allow_root = true
[registration]
static_socket = ""
[security]
ntlm_user_file = "$work/ntlm-users"
service = "host@rampart.test"
[dcom]
enabled = true
ping_period_ms = $period_ms
forward_timeout_ms = 2000
classes = ["rampart-echo"]
[[dcom.server]]
name = "echo-server"
clsids = ["$clsid"]
user = "nobody"
CONF

ns=rampart-dcomoop-$$
netns_create "$ns"
interop_at_exit netns_delete "$ns"
start_rampartd() {  # start_rampartd LOG: sets rampartd_pid
  ip netns exec "$ns" "$rampartd" --config "$work/rampartd.toml" >"$work/$1" 2>&1 &
  rampartd_pid=$!
  interop_at_exit kill "$rampartd_pid"
  interop_wait_until 10 netns_exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/135' 2>/dev/null ||
    { cat "$work/$1" >&2; interop_die "rampartd did not listen"; }
}
start_rampartd rampartd.log

start_server() {  # start_server USER LOG: the echo server as USER in the namespace
  ip netns exec "$ns" setpriv --reuid="$1" --regid="$(id -g "$1")" --clear-groups \
    "$echo_server" "$work/$1/echo.sock" "$work/epmapper.sock" "$work/ntlm-users" host@rampart.test >"$work/$2" 2>&1 &
}

fail=0
ok() { interop_log "ok: $*"; }
flunk() { interop_log "FAIL: $*"; fail=1; }
step() {  # step NAME LEVEL MODE [ARGS...]
  local name=$1
  shift
  if netns_exec "$ns" env PYTHONDONTWRITEBYTECODE=1 "$INTEROP_PYTHON" "$here/dcom_oop_client.py" \
      127.0.0.1 "$@" >"$work/out" 2>&1; then
    ok "$name: $(tr '\n' ' ' <"$work/out")"
  else
    flunk "$name"
    cat "$work/out" >&2
  fi
}

start_server nobody server.log
server_pid=$!
interop_at_exit kill "$server_pid"
interop_wait_until 10 grep -q "registered, object port" "$work/server.log" ||
  { cat "$work/server.log" "$work/rampartd.log" >&2; interop_die "the class server did not register"; }
grep -q "dcom class server registered server=echo-server pid=[0-9]* uid=65534" "$work/rampartd.log" ||
  flunk "the registration was not logged with its pid and uid"

step "RegisterClassServer over TCP: access denied" 1 tcpregister

for level in 5 6; do
  text="served-out-of-process-$level-$$"
  step "NTLM level $level: activate, Echo, Add, release" "$level" cycle "$text"
  grep -q "rampart-echo-server\[$server_pid\]: Echo \"$text\"" "$work/server.log" &&
    ok "the class server (pid $server_pid) answered Echo at level $level" ||
    flunk "the Echo at level $level was not answered by the class server"
done

if netns_exec "$ns" "$rampart" dcom activate 127.0.0.1 "$clsid" "$iid" --call echo "from-rampart-$$" --json \
    -U "RAMPART/alice%$DCOM_PASSWORD" --spn host@rampart.test --auth-level integrity >"$work/cli.out" 2>&1 &&
   grep -q "from-rampart-$$" "$work/cli.out" &&
   grep -q "rampart-echo-server\[$server_pid\]: Echo \"from-rampart-$$\"" "$work/server.log"; then
  ok "rampart dcom activate on the class server"
else
  flunk "rampart dcom activate on the class server"
  cat "$work/cli.out" >&2
fi

if netns_exec "$ns" "$rampart" dcom activate 127.0.0.1 "$clsid" "$iid" --class-object --call add 2 3 --json \
    -U "RAMPART/alice%$DCOM_PASSWORD" --spn host@rampart.test --auth-level integrity >"$work/cf.out" 2>&1 &&
   grep -q '"result": "5"' "$work/cf.out"; then
  ok "RemoteGetClassObject forwarded: IClassFactory::CreateInstance on the class server, Add"
else
  flunk "RemoteGetClassObject on the class server"
  cat "$work/cf.out" >&2
fi

text="legacy-activation-$$"
step "IActivation::RemoteActivation at NTLM level 5: activate, Echo, Add, release" 5 legacy "$text"
grep -q "rampart-echo-server\[$server_pid\]: Echo \"$text\"" "$work/server.log" &&
  ok "the class server (pid $server_pid) answered Echo after RemoteActivation" ||
  flunk "the Echo after RemoteActivation was not answered by the class server"

timeout_s=$(awk "BEGIN { print $period_ms * 3 / 1000 }")
step "ComplexPing on rampartd keeps the server's object alive" 5 keep "$(awk "BEGIN { print $timeout_s * 2 }")"
step "an unpinged object is run down on the server" 5 rundown "$(awk "BEGIN { print $timeout_s + 1.5 }")"
interop_wait_until 5 grep -q "objects run down: [1-9]" "$work/server.log" && ok "the server counted the rundown" ||
  flunk "the server did not report a rundown"

# rampartd restarts: the server's registration went with the old connection, and the server
# registers again (ClassServerHost::renew, every 5 s in the example server).
kill "$rampartd_pid"
wait "$rampartd_pid" || true
start_rampartd rampartd2.log
if interop_wait_until 12 grep -q "dcom class server registered server=echo-server pid=$server_pid" \
    "$work/rampartd2.log"; then
  ok "the class server registered again after a rampartd restart"
  step "after the restart: activate, Echo, Add, release" 5 cycle "after-restart-$$"
else
  flunk "the class server did not register again after a rampartd restart"
fi

# A second registration of the CLSID: root while nobody's is live, then an unlisted user.
start_server root second.log
wait $! && flunk "a duplicate registration succeeded" || true
grep -q "status 0x800401fb" "$work/second.log" && ok "duplicate registration: CO_E_OBJISREG" ||
  { flunk "duplicate registration: $(cat "$work/second.log")"; }
start_server daemon third.log
wait $! && flunk "an unlisted user registered" || true
grep -q "status 0x00000005" "$work/third.log" && ok "unlisted user: ERROR_ACCESS_DENIED" ||
  { flunk "unlisted user: $(cat "$work/third.log")"; }

# The server goes: its registration goes with its connection.
kill "$server_pid"
wait "$server_pid" || true
interop_wait_until 5 grep -q "dcom class server unregistered server=echo-server" "$work/rampartd2.log" ||
  flunk "the end of the registration was not logged"
step "a configured class without its server: CO_E_SERVER_EXEC_FAILURE" 5 fails 0x80080005
step "RemoteActivation without its server: CO_E_SERVER_EXEC_FAILURE in phr" 5 legacyfails 0x80080005
step "the in-process class still works" 6 inproc
exit "$fail"
