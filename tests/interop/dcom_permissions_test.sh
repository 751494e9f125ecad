#!/usr/bin/env bash
# Per-class launch and access permissions ([dcom] default_launch / default_access,
# [[dcom.class_security]]) against Impacket's DCOM client and rampart's, with NTLM users
# RAMPART\alice and RAMPART\bob and one rampartd in a private network namespace:
#   launch = [alice]: alice activates and calls Echo; bob's CoCreateInstanceEx gets exactly
#     0x80070005 (E_ACCESSDENIED), rampartd logs the denial and serves alice again;
#   launch = [RAMPART\*], access = [alice] (after SIGHUP): bob's activation succeeds and his
#     Echo faults E_ACCESSDENIED (Impacket keeps the fault's low 16 bits; rampart dcom activate
#     -U bob shows the same with the whole 0x80070005);
#   access for bob too (after SIGHUP): bob activates, calls and releases, with Impacket and
#     with rampart, from the same rampartd process.
# About 5 s.
#   dcom_permissions_test.sh RAMPART RAMPARTD
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
source "$here/lib/python.sh"
interop_require_root
interop_python_check
(($# == 2)) || interop_die "usage: $0 RAMPART RAMPARTD"
rampart=$(realpath "$1")
rampartd=$(realpath "$2")
work=$(mktemp -d /tmp/rampart-dcomperm.XXXXXX)
interop_at_exit rm -rf "$work"
clsid=7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01
iid=7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02
alice_pw=Rampart-Alice-Pass1
bob_pw=Rampart-Bob-Pass1
printf 'RAMPART:alice:%s\nRAMPART:bob:%s\n' "$alice_pw" "$bob_pw" >"$work/ntlm-users"

write_conf() {  # write_conf LAUNCH ACCESS: the echo class's lists (TOML arrays)
  cat >"$work/rampartd.toml" <<CONF
[server]
listeners = ["127.0.0.1:135"]
local_socket = ""
threads = 2
allow_root = true
[registration]
static_socket = ""
[logging]
format = "json"
[security]
ntlm_user_file = "$work/ntlm-users"
service = "host@rampart.test"
[dcom]
enabled = true
classes = ["rampart-echo"]
[[dcom.class_security]]
clsid = "$clsid"
launch = $1
access = $2
CONF
}

ns=rampart-dcomperm-$$
netns_create "$ns"
interop_at_exit netns_delete "$ns"
write_conf '["RAMPART\\alice"]' '["*"]'
ip netns exec "$ns" "$rampartd" --config "$work/rampartd.toml" >"$work/rampartd.log" 2>&1 &
pid=$!
interop_at_exit kill "$pid"
interop_wait_until 10 netns_exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/135' 2>/dev/null ||
  { cat "$work/rampartd.log" >&2; interop_die "rampartd did not listen"; }

fail=0
pass() { interop_log "ok: $*"; }
flunk() { interop_log "FAIL: $*"; fail=1; }
impacket() {  # impacket NAME USER PASSWORD MODE: the Impacket client at PKT_PRIVACY
  local name=$1
  if netns_exec "$ns" env PYTHONDONTWRITEBYTECODE=1 DCOM_USER="$2" DCOM_PASSWORD="$3" DCOM_DOMAIN=RAMPART \
      "$INTEROP_PYTHON" "$here/dcom_impacket_client.py" 127.0.0.1 6 "$4" >"$work/out" 2>&1; then
    pass "$name: $(tr '\n' ' ' <"$work/out")"
  else
    flunk "$name"
    cat "$work/out" >&2
  fi
}
cli() {  # cli NAME WANT_EXIT PATTERN USER PASSWORD: rampart dcom activate ... --call echo
  local name=$1 want=$2 pattern=$3 rc=0
  timeout 60 ip netns exec "$ns" "$rampart" dcom activate 127.0.0.1 "$clsid" "$iid" --call echo perm-test \
    -U "RAMPART/$4%$5" --spn host@rampart.test --auth-level integrity >"$work/cli.out" 2>&1 || rc=$?
  if ((rc == want)) && grep -qE "$pattern" "$work/cli.out"; then
    pass "$name (exit $rc): $(tr '\n' ' ' <"$work/cli.out" | cut -c1-160)"
  else
    flunk "$name: exit $rc, expected $want and /$pattern/"
    cat "$work/cli.out" >&2
  fi
}
logged_denial() {  # logged_denial CHECK OPERATION: a JSON event for bob's refusal is in the log
  if "$INTEROP_PYTHON" - "$work/rampartd.log" "$1" "$2" "$clsid" <<'PY'; then
import json, sys
log, check, operation, clsid = sys.argv[1:]
want = {"message": "dcom permission denied", "level": "warning", "check": check, "operation": operation,
        "clsid": clsid, "principal": "RAMPART\\bob"}
for line in open(log):
    e = json.loads(line)
    if all(e.get(k) == v for k, v in want.items()) and e.get("peer", "").startswith("127.0.0.1:"):
        sys.exit(0)
sys.exit(1)
PY
    pass "the $1 denial is one JSON event with check, operation, clsid, principal and peer"
  else
    flunk "no JSON event for the $1 denial"
    cat "$work/rampartd.log" >&2
  fi
}
reload() {  # reload N: SIGHUP, then wait for the N-th "dcom permissions reloaded"
  kill -HUP "$pid"
  interop_wait_until 10 bash -c "(( \$(grep -c 'dcom permissions reloaded' '$work/rampartd.log') >= $1 ))" ||
    { cat "$work/rampartd.log" >&2; interop_die "the permissions were not reloaded"; }
}

# 1. Only alice may launch.
impacket "alice activates and calls" alice "$alice_pw" cycle
impacket "bob's activation is refused" bob "$bob_pw" nolaunch
logged_denial launch RemoteCreateInstance
cli "rampart as bob: E_ACCESSDENIED" 1 "activation returned a failure HRESULT \\(E_ACCESSDENIED \\(0x80070005\\)\\)" bob "$bob_pw"
impacket "and alice is still served" alice "$alice_pw" cycle

# 2. Everyone of RAMPART may launch; only alice may call.
write_conf '["RAMPART\\*"]' '["RAMPART\\alice"]'
reload 1
impacket "bob activates, his Echo is refused" bob "$bob_pw" noaccess
logged_denial access IRampartEcho
cli "rampart as bob: activated, Echo E_ACCESSDENIED" 1 "Echo \\(fault E_ACCESSDENIED \\(0x80070005\\)\\)" bob "$bob_pw"
impacket "alice activates and calls" alice "$alice_pw" cycle

# 3. bob may call too, without a restart.
write_conf '["RAMPART\\*"]' '["RAMPART\\alice", "rampart\\BOB"]'
reload 2
impacket "bob activates and calls after the reload" bob "$bob_pw" cycle
cli "rampart as bob after the reload" 0 "perm-test" bob "$bob_pw"
if kill -0 "$pid" 2>/dev/null && (($(grep -c 'dcom object resolver serving' "$work/rampartd.log") == 1)); then
  pass "one rampartd process served every step"
else
  flunk "rampartd restarted or died"
fi
exit "$fail"
