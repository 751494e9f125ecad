#!/usr/bin/env bash
# The rampart command-line tool against two endpoint mappers it did not write
# the answers of, each in a private network namespace on 127.0.0.1:135:
#   Samba's samba-dcerpcd with rpcd_epmapper and rpcd_lsad: `rampart dump`
#   lists the same interfaces as Samba's own `rpcclient -c epmlookup` (also
#   when paging 2 entries at a time), `rampart map lsarpc` gives the port Samba
#   reports, ping and ifids answer;
#   rampartd with static endpoints: the same tools, paging 1 entry at a time.
# tshark records each session and `rampart explain` must accept every PDU in it.
#   rampart_cli_test.sh RAMPART RAMPARTD
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
source "$here/lib/capture.sh"
interop_require_root
(($# == 2)) || interop_die "usage: $0 RAMPART RAMPARTD"
rampart=$(realpath "$1")
rampartd=$(realpath "$2")
work=$(mktemp -d /tmp/rampart-cli.XXXXXX)
interop_at_exit rm -rf "$work"
py=/usr/bin/python3

fail=0
pass() { interop_log "ok: $*"; }
flunk() { interop_log "FAIL: $*"; fail=1; }
# expect_exit CODE NAME CMD...: CMD must exit with CODE; its output is kept in $work/NAME.out.
expect_exit() {
  local want=$1 name=$2 rc=0
  shift 2
  timeout 60 "$@" >"$work/$name.out" 2>&1 || rc=$?
  if ((rc == want)); then pass "$name (exit $rc)"; else
    flunk "$name: exit $rc, expected $want"
    cat "$work/$name.out" >&2
  fi
}
# check NAME FILE PATTERN: FILE must match PATTERN (grep -E).
check() {
  if grep -qE "$3" "$2"; then pass "$1"; else flunk "$1"; cat "$2" >&2; fi
}
# The interface UUIDs of a `rampart dump --json`, one per line, sorted.
dump_uuids() {
  "$py" -c 'import json,sys; print("\n".join(sorted({e["interface"]["uuid"] for e in json.load(open(sys.argv[1]))["entries"] if "interface" in e})))' "$1"
}
json_field() {  # json_field FILE KEY
  "$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
# explain over a capture: every PDU accepted.
explain_capture() {
  local name=$1 cap=$2
  capture_stop "$cap"
  expect_exit 0 "$name" "$rampart" explain --violations-only "$cap"
  check "$name: nothing rejected" "$work/$name.out" " [1-9][0-9]* accepted, 0 rejected"
}

lsarpc=12345778-1234-abcd-ef00-0123456789ab
epm=e1af8308-5d1f-11c9-91a4-08002b14a0fa
mgmt=afa8bd80-7d8a-11c9-bef4-08002b102989

# ---- Samba ----
sns=rampart-cli-s-$$
samba_start "$sns" "$work/samba" rpcd_lsad || interop_die "samba-dcerpcd did not start"
capture_start "$sns" "$work/samba.pcapng" "tcp"
in_samba=(ip netns exec "$sns" "$rampart")

expect_exit 0 samba-dump "${in_samba[@]}" dump 127.0.0.1 --json
expect_exit 0 samba-dump-paged "${in_samba[@]}" dump 127.0.0.1 --page-size 2 --json
samba_rpcclient "$sns" -c epmlookup >"$work/epmlookup.txt" 2>&1 || true
grep -oE 'abstract_syntax=[0-9a-f-]{36}' "$work/epmlookup.txt" | cut -d= -f2 | sort -u >"$work/samba-uuids.txt"
dump_uuids "$work/samba-dump.out" >"$work/rampart-uuids.txt" || true
dump_uuids "$work/samba-dump-paged.out" >"$work/rampart-uuids-paged.txt" || true
if [[ -s $work/samba-uuids.txt ]] && cmp -s "$work/samba-uuids.txt" "$work/rampart-uuids.txt"; then
  pass "dump lists the interfaces rpcclient epmlookup lists ($(wc -l <"$work/samba-uuids.txt"))"
else
  flunk "dump and rpcclient epmlookup disagree"
  diff "$work/samba-uuids.txt" "$work/rampart-uuids.txt" >&2 || true
fi
if cmp -s "$work/rampart-uuids.txt" "$work/rampart-uuids-paged.txt" &&
  (($(json_field "$work/samba-dump-paged.out" pages) > 1)); then
  pass "paged dump (2 per call, $(json_field "$work/samba-dump-paged.out" pages) pages) finds the same interfaces"
else
  flunk "paged dump differs or did not page"
fi

samba_port=$(grep -oE "ncacn_ip_tcp:127\.0\.0\.1\[[0-9]+,abstract_syntax=$lsarpc/" "$work/epmlookup.txt" |
  head -n1 | sed -E 's/.*\[([0-9]+),.*/\1/' || true)
expect_exit 0 samba-map "${in_samba[@]}" map 127.0.0.1 lsarpc --json
if [[ -n $samba_port && $(json_field "$work/samba-map.out" endpoint) == "$samba_port" ]]; then
  pass "map lsarpc gives port $samba_port, as Samba reports"
else
  flunk "map lsarpc: got '$(cat "$work/samba-map.out")', Samba reports '${samba_port:-nothing}'"
fi
expect_exit 0 samba-map-uuid "${in_samba[@]}" map 127.0.0.1 "$lsarpc:0.0"
check "map by UUID prints the binding" "$work/samba-map-uuid.out" "^ncacn_ip_tcp:127\.0\.0\.1\[$samba_port\]$"
expect_exit 1 samba-map-unregistered "${in_samba[@]}" map 127.0.0.1 svcctl
check "map of an unregistered interface says why" "$work/samba-map-unregistered.out" \
  "svcctl .* is not registered at 127\.0\.0\.1 over ncacn_ip_tcp \(ept_s_not_registered\)"
expect_exit 0 samba-ping "${in_samba[@]}" ping 127.0.0.1 --count 3
check "ping: listening, with a round trip" "$work/samba-ping.out" "listening, status ok .*round trip [0-9.]+ ms"
expect_exit 0 samba-ifids "${in_samba[@]}" ifids "ncacn_ip_tcp:127.0.0.1[135]"
check "ifids lists the endpoint mapper" "$work/samba-ifids.out" "^$epm v3\.0 +epm"
check "ifids lists mgmt" "$work/samba-ifids.out" "^$mgmt v1\.0 +mgmt"
explain_capture samba-explain "$work/samba.pcapng"
samba_stop "$sns"

# ---- rampartd ----
rns=rampart-cli-r-$$
netns_create "$rns"
interop_at_exit netns_delete "$rns"
capture_start "$rns" "$work/rampartd.pcapng" "tcp port 135"
rampartd_start "$rns" "$work" "$rampartd"
in_rampartd=(ip netns exec "$rns" "$rampart")

expect_exit 0 rampartd-dump "${in_rampartd[@]}" dump 127.0.0.1
check "dump lists lsarpc with its port" "$work/rampartd-dump.out" "ncacn_ip_tcp:127\.0\.0\.1\[49154\]"
check "dump names netlogon" "$work/rampartd-dump.out" "12345678-1234-abcd-ef00-01234567cffb v1\.0 +netlogon"
check "dump lists the endpoint mapper" "$work/rampartd-dump.out" "^$epm v3\.0 +epm"
expect_exit 0 rampartd-dump-json "${in_rampartd[@]}" dump 127.0.0.1 --json
expect_exit 0 rampartd-dump-paged "${in_rampartd[@]}" dump 127.0.0.1 --page-size 1 --json
if cmp -s <(dump_uuids "$work/rampartd-dump-json.out") <(dump_uuids "$work/rampartd-dump-paged.out") &&
  (($(json_field "$work/rampartd-dump-paged.out" pages) > 1)); then
  pass "paged dump (1 per call, $(json_field "$work/rampartd-dump-paged.out" pages) pages) finds the same interfaces"
else
  flunk "paged dump against rampartd differs or did not page"
fi
expect_exit 0 rampartd-map "${in_rampartd[@]}" map 127.0.0.1 lsarpc
check "map lsarpc gives the static endpoint" "$work/rampartd-map.out" "^ncacn_ip_tcp:127\.0\.0\.1\[49154\]$"
expect_exit 1 rampartd-map-unregistered "${in_rampartd[@]}" map 127.0.0.1 svcctl --json
check "map of an unregistered interface, as JSON" "$work/rampartd-map-unregistered.out" '"ok": false'
expect_exit 0 rampartd-ping "${in_rampartd[@]}" ping 127.0.0.1 -c 3
check "ping rampartd" "$work/rampartd-ping.out" "listening, status ok .*round trip [0-9.]+ ms"
expect_exit 0 rampartd-stats "${in_rampartd[@]}" stats 127.0.0.1 --json
expect_exit 0 rampartd-stats-again "${in_rampartd[@]}" stats 127.0.0.1 --json
calls_in() { "$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["statistics"]["calls_in"])' "$1"; }
first=$(calls_in "$work/rampartd-stats.out") second=$(calls_in "$work/rampartd-stats-again.out")
# The three pings above, then each stats call counts itself.
if ((first >= 4 && second == first + 1)); then pass "stats counts the calls ($first, then $second)"; else
  flunk "stats: calls_in $first then $second"
fi
expect_exit 0 rampartd-stats-text "${in_rampartd[@]}" stats 127.0.0.1
check "stats names the C706 counters" "$work/rampartd-stats-text.out" "^pkts_out +[0-9]+$"
expect_exit 0 rampartd-ifids "${in_rampartd[@]}" ifids 127.0.0.1
check "ifids lists the endpoint mapper" "$work/rampartd-ifids.out" "^$epm v3\.0 +epm"
check "ifids lists mgmt" "$work/rampartd-ifids.out" "^$mgmt v1\.0 +mgmt"
check "map of an unregistered interface, with the error and exit code" "$work/rampartd-map-unregistered.out" \
  '"exit_code": 1'
expect_exit 0 rampartd-map-alias "${in_rampartd[@]}" map 127.0.0.1 epmapper
check "map epmapper gives port 135" "$work/rampartd-map-alias.out" "^ncacn_ip_tcp:127\.0\.0\.1\[135\]$"
if (($(grep -c 'ncacn_ip_tcp:127\.0\.0\.1\[135\]' "$work/rampartd-dump.out") == 1)); then
  pass "dump lists 127.0.0.1[135] once"
else
  flunk "dump lists 127.0.0.1[135] other than once"
fi
# rampartd offers NTLMSSP (10) and SPNEGO (9) with the service name as principal
# ([MS-RPCE] 3.1.1.5.3.3); for Kerberos (16), which it does not offer here, it answers like
# Windows for a service it has no authentication information for: RPC_S_UNKNOWN_AUTHN_SERVICE.
expect_exit 0 rampartd-princ "${in_rampartd[@]}" princ 127.0.0.1
check "princ names rampartd's principal" "$work/rampartd-princ.out" '^principal name: "host@.+" \(authn 9\)'
expect_exit 1 rampartd-princ-krb5 "${in_rampartd[@]}" princ 127.0.0.1 --authn 16
check "princ says there is no Kerberos principal, and why" "$work/rampartd-princ-krb5.out" \
  "no principal name for authentication service 16: .*RPC_S_UNKNOWN_AUTHN_SERVICE"
expect_exit 1 rampartd-princ-json "${in_rampartd[@]}" princ 127.0.0.1 --authn 16 --json
check "princ --json failure has error" "$work/rampartd-princ-json.out" '"error": "no principal name'
check "princ --json failure has exit_code" "$work/rampartd-princ-json.out" '"exit_code": 1'
# register / unregister over rampartd's static socket (root only): the entry stays after
# rampart exits, Impacket's rpcdump sees it, unregister removes it.
samr=12345778-1234-abcd-ef00-0123456789ac
expect_exit 0 register "${in_rampartd[@]}" register samr 49710 --socket "$work/epmapper-static.sock" \
  --annotation "registered by rampart"
check "register says what it registered" "$work/register.out" "^registered samr .* v1\.0 ncacn_ip_tcp:\[49710\] over "
expect_exit 0 registered-map "${in_rampartd[@]}" map 127.0.0.1 samr
check "the registered entry is served" "$work/registered-map.out" "^ncacn_ip_tcp:127\.0\.0\.1\[49710\]$"
ip netns exec "$rns" "$py" /usr/share/doc/python3-impacket/examples/rpcdump.py 127.0.0.1 >"$work/rpcdump.out" 2>&1 || true
if grep -A3 -i "^UUID *: $samr v1\.0 registered by rampart" "$work/rpcdump.out" | grep -q "ncacn_ip_tcp:127\.0\.0\.1\[49710\]"; then
  pass "Impacket's rpcdump sees the registered entry"
else
  flunk "rpcdump does not show the registered entry"; cat "$work/rpcdump.out" >&2
fi
check "the registration is logged with pid and uid" "$work/rampartd.log" "registration .* pid=[0-9]+ uid=0 .*$samr v1\.0"
expect_exit 0 unregister "${in_rampartd[@]}" unregister samr 49710 --socket "$work/epmapper-static.sock"
expect_exit 1 unregistered-map "${in_rampartd[@]}" map 127.0.0.1 samr
expect_exit 1 unregister-again "${in_rampartd[@]}" unregister samr 49710 --socket "$work/epmapper-static.sock"
check "unregistering what is not there says so" "$work/unregister-again.out" "ept_s_not_registered"
expect_exit 1 register-not-root ip netns exec "$rns" setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$rampart" register samr 49710 --socket "$work/epmapper-static.sock"
check "a refused registration says how to register" "$work/register-not-root.out" "register as root, or .* --hold"
# --hold: over the local socket, the entry lives as long as the rampart process.
ip netns exec "$rns" "$rampart" register samr 49711 --hold --socket "$work/epmapper.sock" >"$work/hold.out" 2>&1 </dev/null &
hold_pid=$!
interop_wait_until 10 grep -q "held until interrupted" "$work/hold.out" || flunk "register --hold did not register"
expect_exit 0 held-map "${in_rampartd[@]}" map 127.0.0.1 samr
check "a held entry is served" "$work/held-map.out" "^ncacn_ip_tcp:127\.0\.0\.1\[49711\]$"
# A rampartd restart drops the held connection; rampart renews the entry
# (every 5 s) over a new one.
kill -TERM "$RAMPARTD_PID"
wait "$RAMPARTD_PID" || true
ip netns exec "$rns" "$rampartd" --config "$work/rampartd.toml" >"$work/rampartd-restarted.log" 2>&1 &
RAMPARTD_PID=$!
interop_at_exit kill "$RAMPARTD_PID"
interop_wait_until 10 netns_exec "$rns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/135' 2>/dev/null ||
  flunk "rampartd did not restart"
interop_wait_until 10 bash -c "ip netns exec $rns $rampart map 127.0.0.1 samr 2>/dev/null | grep -q 49711" &&
  pass "a held entry is registered again after a rampartd restart" || flunk "the held entry did not come back"
kill -TERM "$hold_pid"
wait "$hold_pid" && pass "register --hold exits 0 on SIGTERM" || flunk "register --hold: exit $?"
interop_wait_until 5 bash -c "! ip netns exec $rns $rampart map 127.0.0.1 samr >/dev/null 2>&1" &&
  pass "the held entry leaves with the process" || flunk "the held entry outlived its process"

expect_exit 2 usage "$rampart" map
expect_exit 2 unknown-command-help "$rampart" frobnicate --help
check "an unknown command is named" "$work/unknown-command-help.out" "unknown command 'frobnicate'"
expect_exit 0 known-command-help "$rampart" dump --help

# A second rampartd on 127.0.0.1 and [::1], port 1135: one endpoint-map entry
# for the port; over IPv6 the tower's 0.0.0.0 is shown as the host reached.
ip netns exec "$rns" "$rampartd" --listen 127.0.0.1:1135 --listen "[::1]:1135" --local-socket "" \
  --static-socket "" --allow-root >"$work/rampartd-v6.log" 2>&1 &
v6_pid=$!
interop_at_exit kill "$v6_pid"
interop_wait_until 10 netns_exec "$rns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/1135' 2>/dev/null ||
  flunk "the second rampartd did not listen"
expect_exit 0 v6-dump-v4 "${in_rampartd[@]}" dump 127.0.0.1 --port 1135
if (($(grep -c 'ncacn_ip_tcp:' "$work/v6-dump-v4.out") == 1)); then
  pass "two listeners on one port are one entry"
else
  flunk "two listeners on one port are not one entry"
fi
check "over IPv4 the entry has the address reached" "$work/v6-dump-v4.out" "^  ncacn_ip_tcp:127\.0\.0\.1\[1135\]$"
expect_exit 0 v6-dump-brackets "${in_rampartd[@]}" dump "[::1]" --port 1135
check "dump [::1] shows the IPv6 host, not 0.0.0.0" "$work/v6-dump-brackets.out" "^  ncacn_ip_tcp:\[::1\]\[1135\]$"
expect_exit 0 v6-dump-bare "${in_rampartd[@]}" dump ::1 --port 1135
if grep -q "0\.0\.0\.0" "$work/v6-dump-bare.out"; then flunk "dump ::1 shows 0.0.0.0"; else pass "dump ::1 shows no 0.0.0.0"; fi
expect_exit 1 refused "${in_rampartd[@]}" ping 127.0.0.1 --port 1 --timeout 2
explain_capture rampartd-explain "$work/rampartd.pcapng"

for f in samba-dump samba-ping samba-ifids samba-map rampartd-dump rampartd-ping rampartd-ifids rampartd-princ; do
  printf '==== %s\n' "$f" >&2
  head -n 40 "$work/$f.out" >&2
done
if ((fail)); then interop_die "some checks failed"; fi
interop_log "all checks passed"
