#!/usr/bin/env bash
# `rampart probe` against three endpoint mappers, each in a private network
# namespace on 127.0.0.x:135, every probe including the unsafe ones:
#   rampartd with DCOM ([dcom] enabled) and an NTLM user file, probed with
#     -U: every probe correct, the DCOM and authenticated ones included (known
#     gaps reported as XFAIL), fingerprinted as rampartd; with a wrong
#     password the authenticated probes are inconclusive, never correct; a
#     second rampartd with activation_floor = "none" runs the DCOM probes: the
#     activation shapes get their own faults past the floor, and the floor
#     probe finds the lowered floor;
#   Samba 4.17 (samba-dcerpcd + rpcd_epmapper), probed with -U for a passdb
#     user: the verdicts Samba is known to earn, among them the tower whose
#     conformance disagrees with its tower_length, which Samba accepts
#     (lenient), and the documented refusals of the authenticated probes; no
#     DCOM, so the DCOM probes are not applicable; fingerprinted as Samba;
#   tests/interop/lib/lenient_epm.py (no credentials given, so the
#     authenticated probes are not applicable): with no flaw planted every
#     other probe is correct; with every flaw planted each is found (no false
#     "correct"), and exit status 4; a copy that exits on a context flood, and
#     one that obeys a remote mgmt stop_server_listening, are reported as
#     vulnerable patterns with exit status 5; a copy that acknowledges an NTLM
#     bind and then checks no verifier (plant auth-ignored), probed with -U, is
#     found by each authenticated probe.
# The checks are in lib/probe_check.py.
#   probe_test.sh RAMPART RAMPARTD
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
interop_require_root
(($# == 2)) || interop_die "usage: $0 RAMPART RAMPARTD"
rampart=$(realpath "$1")
rampartd=$(realpath "$2")
work=$(mktemp -d /tmp/rampart-probe.XXXXXX)
interop_at_exit rm -rf "$work"
py=/usr/bin/python3
check="$py $here/lib/probe_check.py"
fake=$here/lib/lenient_epm.py

fail=0
# run_probe NS NAME WANT_EXIT ARGS...: run rampart probe in NS, output in $work/NAME.jsonl.
run_probe() {
  local ns=$1 name=$2 want=$3 rc=0
  shift 3
  timeout 120 ip netns exec "$ns" "$rampart" probe --format jsonl --unsafe "$@" \
    >"$work/$name.jsonl" 2>"$work/$name.err" || rc=$?
  if ((rc == want)); then interop_log "ok: $name: exit $rc"; else
    interop_log "FAIL: $name: exit $rc, expected $want"
    cat "$work/$name.err" >&2
    fail=1
  fi
  grep -v WARNING "$work/$name.err" | sed "s/^/$name: /" >&2 || true
}
verify() {
  $check "$1" "$work/$2.jsonl" >&2 || fail=1
}
port_open() { ip netns exec "$1" bash -c "exec 3<>/dev/tcp/$2/135" 2>/dev/null; }

# ---- rampartd ----
dcom_conf='[dcom]
enabled = true
classes = ["rampart-echo"]'
password='Probe-Ntlm-Pass1'
spn=host@probe.test  # gss-ntlmssp puts the service's name in its CHALLENGE; the client checks it
rns=rampart-probe-r-$$
mkdir -p "$work/rampartd"
printf 'RAMPART:alice:%s\n' "$password" >"$work/rampartd/users"
RAMPARTD_EXTRA_CONF="$dcom_conf
[security]
ntlm_user_file = \"$work/rampartd/users\"
service = \"$spn\"" rampartd_start "$rns" "$work/rampartd" "$rampartd"
run_probe "$rns" rampartd 0 -U "RAMPART/alice%$password" --spn "$spn" 127.0.0.1  # every probe correct: no finding
verify rampartd rampartd
# A password the host refuses: the signed control call is refused, so the
# authenticated probes measure nothing and say so.
run_probe "$rns" rampartd-wrong-password 0 --probe C17 -U "RAMPART/alice%wrong" --spn "$spn" 127.0.0.1
verify rampartd-wrong-password rampartd-wrong-password
kill -0 "$RAMPARTD_PID" || { interop_log "FAIL: rampartd died"; fail=1; }
# The same with the activation floor lowered: only the DCOM probes.
nns=rampart-probe-n-$$
mkdir -p "$work/rampartd-nofloor"
RAMPARTD_EXTRA_CONF="$dcom_conf
activation_floor = \"none\"" rampartd_start "$nns" "$work/rampartd-nofloor" "$rampartd"
dcom_probes=()
for id in $("$rampart" probe --list --json | "$py" -c 'import json,sys; [print(json.loads(l)["id"]) for l in sys.stdin]'); do
  [[ $id == dcom.* ]] && dcom_probes+=(--probe "$id")
done
run_probe "$nns" rampartd-nofloor 4 "${dcom_probes[@]}" 127.0.0.1  # the lowered floor is a finding
verify rampartd-nofloor rampartd-nofloor
kill -0 "$RAMPARTD_PID" || { interop_log "FAIL: rampartd (no floor) died"; fail=1; }

# ---- Samba ----
sns=rampart-probe-s-$$
samba_start "$sns" "$work/samba" || interop_die "samba-dcerpcd did not start"
# passdb entries need a Unix account; daemon exists on every Debian system.
printf '%s\n%s\n' "$password" "$password" | pdbedit -s "$SAMBA_CONF" -a -u daemon -t >"$work/pdbedit.out" 2>&1 ||
  { cat "$work/pdbedit.out" >&2; interop_die "pdbedit could not add daemon"; }
run_probe "$sns" samba 4 -U "RAMPART/daemon%$password" 127.0.0.1
verify samba samba
# Selection by class and id, with the target after the options.
run_probe "$sns" samba-selected 4 --probe C3 --probe c7.tower-length-mismatch 127.0.0.1
n=$("$py" -c 'import json,sys; print(len(json.loads(open(sys.argv[1]).readline())["probes"]))' "$work/samba-selected.jsonl")
want=$("$rampart" probe --list --json | "$py" -c 'import json,sys; print(1 + sum(json.loads(l)["class"] == "C3" for l in sys.stdin))')
if ((n == want)); then interop_log "ok: --probe C3 --probe ID ran $n probes"; else
  interop_log "FAIL: --probe C3 --probe ID ran $n probes, expected $want"; fail=1; fi

# ---- the lenient test server ----
fns=rampart-probe-f-$$
netns_create "$fns"
interop_at_exit netns_delete "$fns"
plants=()
for p in $($check plants); do plants+=(--plant "$p"); done
ip netns exec "$fns" "$py" "$fake" --listen 127.0.0.1 --stats "$work/fake-clean.max" >"$work/fake-clean.log" 2>&1 &
ip netns exec "$fns" "$py" "$fake" --listen 127.0.0.2 "${plants[@]}" >"$work/fake-planted.log" 2>&1 &
ip netns exec "$fns" "$py" "$fake" --listen 127.0.0.3 --plant crash-on-flood >"$work/fake-crash.log" 2>&1 &
ip netns exec "$fns" "$py" "$fake" --listen 127.0.0.4 --plant remote-stop >"$work/fake-stop.log" 2>&1 &
ip netns exec "$fns" "$py" "$fake" --listen 127.0.0.6 --plant auth-ignored >"$work/fake-auth.log" 2>&1 &
# A TCP service on 135 that never speaks RPC: not an endpoint mapper, not probed.
ip netns exec "$fns" "$py" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.5", 135))
s.listen(64)
held = []
while True:
    held.append(s.accept()[0])' &
for a in 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6; do
  interop_wait_until 10 port_open "$fns" "$a" || interop_die "lenient_epm.py did not listen on $a"
done
# Paced and throttled: 20 connections/s, one at a time. The host needs at
# least 32 connections (baseline, 30 probes, one of them on two connections), so
# it cannot take less than 31 intervals of 50 ms. One probe at a time holds at
# most 2 connections (c15.lookup-handle-other-association), and the server may
# see a closed connection's EOF after the next one's accept, so it may count 3
# open at once, never the 4 probes (5 connections) of the default --per-host 4.
run_probe "$fns" fake-clean 0 --rate 20 --per-host 1 127.0.0.1
verify fake-clean fake-clean
ms=$("$py" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["elapsed_ms"])' "$work/fake-clean.jsonl")
if ((ms >= 1350)); then interop_log "ok: --rate 20 took $ms ms"; else
  interop_log "FAIL: --rate 20 took only $ms ms"; fail=1; fi
max=$(cat "$work/fake-clean.max")
if ((max <= 3)); then interop_log "ok: --per-host 1: at most $max connections open at once"; else
  interop_log "FAIL: --per-host 1 but $max connections were open at once"; fail=1; fi
run_probe "$fns" fake-planted 4 127.0.0.2
verify fake-planted fake-planted
run_probe "$fns" fake-crash 5 127.0.0.3
verify fake-crash fake-crash
run_probe "$fns" fake-stop 5 --probe c14.remote-stop-listening 127.0.0.4
verify fake-stop fake-stop
auth_probes=()
for id in $($check auth-probes); do auth_probes+=(--probe "$id"); done
run_probe "$fns" fake-auth 4 "${auth_probes[@]}" -U "RAMPART/alice%$password" 127.0.0.6
verify fake-auth fake-auth

run_probe "$fns" silent 0 --timeout 0.5 127.0.0.5
state=$("$py" -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print(h["state"], len(h["probes"]))' "$work/silent.jsonl")
if [[ $state == "no-bind 0" ]]; then interop_log "ok: a silent service is no-bind, not probed"; else
  interop_log "FAIL: a silent service gave '$state'"; fail=1; fi

# Both formats of one run agree with the JSON one: CSV has a row per probe.
ip netns exec "$fns" "$rampart" probe --format csv -q 127.0.0.1 >"$work/clean.csv" || true
rows=$(($(wc -l <"$work/clean.csv") - 1))
want=$(ip netns exec "$fns" "$rampart" probe --list --json | "$py" -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)["safety"]=="safe"))')
if ((rows == want)); then interop_log "ok: csv has $rows rows"; else interop_log "FAIL: csv has $rows rows, expected $want"; fail=1; fi

exit $fail
