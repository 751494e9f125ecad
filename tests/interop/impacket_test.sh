#!/usr/bin/env bash
# rampartd against the tools people use on port 135, run as a user would run them
# (rpcmap.py with -auth-level 1, unauthenticated; impacket_auth_test.sh covers NTLM):
#   Impacket's rpcdump.py and rpcmap.py, epm.hept_map and mgmt inq_if_ids;
#   a local server registering over the local socket, whose entry goes when it exits;
#   tshark decoding the whole session with no malformed packets;
#   nmap -sV naming the service "Microsoft Windows RPC".
# rampartd listens on 127.0.0.1:135 inside a private network namespace.
#   impacket_test.sh RAMPARTD
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
source "$here/lib/capture.sh"
source "$here/lib/python.sh"
interop_require_root
interop_python_check
rampartd=$(realpath "$1")
ns=rampart-imp-$$
work=$(mktemp -d /tmp/rampart-impacket.XXXXXX)
interop_at_exit rm -rf "$work"
netns_create "$ns"
interop_at_exit netns_delete "$ns"

capture_start "$ns" "$work/session.pcapng" "tcp port 135"
rampartd_start "$ns" "$work" "$rampartd"
rampartd_pid=$RAMPARTD_PID

fail=0
check() {  # check NAME FILE PATTERN: FILE must match PATTERN (grep -E)
  if grep -qE "$3" "$2"; then interop_log "ok: $1"; else interop_log "FAIL: $1"; cat "$2" >&2; fail=1; fi
}

# A local server registers through the local socket and stays registered while it runs.
coproc REG { interop_python "$here/lib/local_register.py" "$work/epmapper.sock" \
  aaaaaaaa-1111-2222-3333-444444444444 5000 "rampart local test"; }
# bash unsets REG and REG_PID once the coprocess exits: keep what is needed.
reg_pid=$REG_PID reg_out=${REG[0]} reg_in=${REG[1]}
read -r -t 10 line <&"$reg_out" || true
[[ ${line:-} == registered ]] || interop_die "local registration failed"

netns_exec "$ns" env PYTHONDONTWRITEBYTECODE=1 "$INTEROP_PYTHON" \
  "$IMPACKET_EXAMPLES/rpcdump.py" 127.0.0.1 >"$work/rpcdump.txt" 2>&1 || true
check "rpcdump lists lsarpc" "$work/rpcdump.txt" "12345778-1234-ABCD-EF00-0123456789AB v0.0"
check "rpcdump lists lsarpc's endpoint" "$work/rpcdump.txt" "ncacn_ip_tcp:[^ ]*\[49154\]"
check "rpcdump lists netlogon" "$work/rpcdump.txt" "12345678-1234-ABCD-EF00-01234567CFFB v1.0"
check "rpcdump lists the local registration" "$work/rpcdump.txt" "AAAAAAAA-1111-2222-3333-444444444444 v1.0"
check "rpcdump lists the endpoint mapper" "$work/rpcdump.txt" "E1AF8308-5D1F-11C9-91A4-08002B14A0FA v3.0"
check "rpcdump reports entries found" "$work/rpcdump.txt" "Received [0-9]+ endpoints"

netns_exec "$ns" env PYTHONDONTWRITEBYTECODE=1 "$INTEROP_PYTHON" \
  "$IMPACKET_EXAMPLES/rpcmap.py" -auth-level 1 'ncacn_ip_tcp:127.0.0.1[135]' >"$work/rpcmap.txt" 2>&1 || true
check "rpcmap finds the endpoint mapper" "$work/rpcmap.txt" "E1AF8308-5D1F-11C9-91A4-08002B14A0FA v3.0"
check "rpcmap finds mgmt" "$work/rpcmap.txt" "AFA8BD80-7D8A-11C9-BEF4-08002B102989 v1.0"

netns_exec "$ns" env PYTHONDONTWRITEBYTECODE=1 "$INTEROP_PYTHON" - >"$work/lib.txt" 2>&1 <<'PY' || true
from impacket.dcerpc.v5 import epm, mgmt, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin, bin_to_string
print("map:", epm.hept_map("127.0.0.1", uuidtup_to_bin(("12345778-1234-ABCD-EF00-0123456789AB", "0.0")),
                          protocol="ncacn_ip_tcp"))
try:
    epm.hept_map("127.0.0.1", uuidtup_to_bin(("99999999-1234-ABCD-EF00-0123456789AB", "1.0")), protocol="ncacn_ip_tcp")
except DCERPCException as e:
    print("unregistered:", e)
rpc = transport.DCERPCTransportFactory("ncacn_ip_tcp:127.0.0.1[135]").get_dce_rpc()
rpc.connect()
rpc.bind(mgmt.MSRPC_UUID_MGMT)
ids = mgmt.hinq_if_ids(rpc)
for i in range(ids["if_id_vector"]["count"]):
    e = ids["if_id_vector"]["if_id"][i]
    print("if_id: %s v%d.%d" % (bin_to_string(e["Uuid"]).upper(), e["VersMajor"], e["VersMinor"]))
print("listening:", mgmt.his_server_listening(rpc)["status"])
PY
check "hept_map resolves lsarpc to its tower" "$work/lib.txt" "map: ncacn_ip_tcp:127.0.0.1\[49154\]"
check "hept_map of an unregistered interface says so" "$work/lib.txt" "unregistered:.*(ept_s_not_registered|0x16c9a0d6|not registered)"
check "mgmt inq_if_ids lists the endpoint mapper" "$work/lib.txt" "if_id: E1AF8308-5D1F-11C9-91A4-08002B14A0FA v3.0"
check "mgmt is_server_listening" "$work/lib.txt" "listening: 0"

# The local server exits: its entry goes with its connection.
exec {reg_in}>&-
wait "$reg_pid" 2>/dev/null || true
gone=1
for _ in $(seq 50); do
  netns_exec "$ns" env PYTHONDONTWRITEBYTECODE=1 "$INTEROP_PYTHON" \
    "$IMPACKET_EXAMPLES/rpcdump.py" 127.0.0.1 >"$work/rpcdump-after.txt" 2>&1 || true
  grep -q "AAAAAAAA-1111-2222-3333-444444444444" "$work/rpcdump-after.txt" || { gone=0; break; }
  sleep 0.1
done
if ((gone == 0)); then interop_log "ok: the local registration went with its server"; else
  interop_log "FAIL: the local registration outlived its server"; fail=1; fi

netns_exec "$ns" nmap -sV -p135 127.0.0.1 >"$work/nmap.txt" 2>&1 || true
check "nmap names the service" "$work/nmap.txt" "135/tcp +open +msrpc +Microsoft Windows RPC"

capture_stop "$work/session.pcapng"
malformed=$(tshark -r "$work/session.pcapng" -V 2>/dev/null | grep -c "Malformed" || true)
tshark -r "$work/session.pcapng" -q -z expert >"$work/expert.txt" 2>&1 || true
if ((malformed == 0)); then interop_log "ok: tshark decodes the session with no malformed packets"; else
  interop_log "FAIL: tshark found $malformed malformed packets"; fail=1; fi
# The only expert errors allowed are the dissector's gap on the ncalrpc floor (INTEROP.md).
if awk '/^Errors/{e=1;next} /^[A-Z][a-z]+ \(/{e=0} e' "$work/expert.txt" | grep -v "proto_id 0xc" | grep -qE '[0-9]+ +dcerpc'; then
  interop_log "FAIL: tshark expert errors"; cat "$work/expert.txt" >&2; fail=1
else interop_log "ok: no tshark expert errors"; fi

kill -TERM "$rampartd_pid"
wait "$rampartd_pid" && interop_log "ok: rampartd exits 0 on SIGTERM" || { interop_log "FAIL: rampartd exit status"; fail=1; }
((fail == 0)) || { interop_log "rampartd log:"; tail -50 "$work/rampartd.log" >&2; }

exit "$fail"
