#!/usr/bin/env bash
# rampart's own DCOM client against rampartd's rampart-echo class, with NTLM at packet
# integrity and packet privacy, one rampartd in a private network namespace on 127.0.0.1:135:
#   oxid: ServerAlive2 lists the listening address and the NTLM security binding;
#   dcom activate: RemoteCreateInstance, Echo and Add through the generated proxy,
#     RemQueryInterface, ComplexPing then SimplePing, RemRelease (JSON checked field by field);
#   dcom activate --class-object: RemoteGetClassObject, IClassFactory::CreateInstance, Add;
#   oxid --resolve: ResolveOxid2 of the activation's OXID names the same ipidRemUnknown;
#   oxid --ping: SimplePing of a kept object's set; an unknown set is OR_INVALID_SET;
#   an unknown class is REGDB_E_CLASSNOTREG, a wrong password is refused, and rampartd serves on;
#   the packet capture holds Echo's text in clear at integrity and never at privacy.
# rampartd runs with the default activation floor, packet integrity (DCOM_CLI_FLOOR changes it).
# About 3 s.
#   dcom_cli_test.sh RAMPART RAMPARTD
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
source "$here/lib/capture.sh"
interop_require_root
(($# == 2)) || interop_die "usage: $0 RAMPART RAMPARTD"
rampart=$(realpath "$1")
rampartd=$(realpath "$2")
work=$(mktemp -d /tmp/rampart-dcomcli.XXXXXX)
interop_at_exit rm -rf "$work"
py=/usr/bin/python3
floor=${DCOM_CLI_FLOOR:-integrity}
password='Alice-Ntlm-Pass1'
clsid=7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01
iid=7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02
iunknown=00000000-0000-0000-c000-000000000046

ns=rampart-dcomcli-$$
netns_create "$ns"
interop_at_exit netns_delete "$ns"
printf 'RAMPART:daemon:%s\n' "$password" >"$work/users"
cat >"$work/rampartd.toml" <<CONF
[server]
listeners = ["127.0.0.1:135"]
local_socket = ""
threads = 2
allow_root = true
[registration]
static_socket = ""
[security]
ntlm_user_file = "$work/users"
service = "host@rampart.test"
[dcom]
enabled = true
activation_floor = "$floor"
classes = ["rampart-echo"]
CONF
capture_start "$ns" "$work/dcom.pcapng"
ip netns exec "$ns" "$rampartd" --config "$work/rampartd.toml" >"$work/rampartd.log" 2>&1 &
interop_at_exit kill $!
interop_wait_until 10 netns_exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/135' 2>/dev/null ||
  { cat "$work/rampartd.log" >&2; interop_die "rampartd did not listen"; }

fail=0
pass() { interop_log "ok: $*"; }
flunk() { interop_log "FAIL: $*"; fail=1; }
# expect_exit CODE NAME ARGS...: rampart ARGS (authenticated) must exit with CODE; output in $work/NAME.out.
expect_exit() {
  local want=$1 name=$2 rc=0
  shift 2
  timeout 60 ip netns exec "$ns" "$rampart" "$@" >"$work/$name.out" 2>&1 || rc=$?
  if ((rc == want)); then pass "$name (exit $rc)"; else
    flunk "$name: exit $rc, expected $want"
    cat "$work/$name.out" >&2
  fi
}
# json_check NAME EXPR: EXPR (python, over the JSON in $work/NAME.out as j) must be true.
json_check() {
  if "$py" -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$work/$1.out"; then
    pass "$1: $2"
  else
    flunk "$1: $2"
    cat "$work/$1.out" >&2
  fi
}
check_text() { if grep -qE "$3" "$work/$2.out"; then pass "$1"; else flunk "$1"; cat "$work/$2.out" >&2; fi; }
json_get() { "$py" -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$work/$1.out"; }

for level in integrity privacy; do
  auth=(-U "RAMPART/daemon%$password" --spn host@rampart.test --auth-level "$level")
  expect_exit 0 "alive-$level" oxid 127.0.0.1 --json "${auth[@]}"
  json_check "alive-$level" "j['server_alive2']['com_version'] == '5.7' and \
j['server_alive2']['bindings']['strings'][0]['address'] == '127.0.0.1' and \
j['server_alive2']['bindings']['security'][0]['name'] == 'NTLM'"

  expect_exit 0 "echo-$level" dcom activate 127.0.0.1 "$clsid" "$iid" --call echo "sealed-text-$level" \
    --query "$iid" --ping --json "${auth[@]}"
  json_check "echo-$level" "j['interfaces'][0]['hresult'].startswith('S_OK') and \
j['call']['result'] == 'sealed-text-$level' and j['exporter'] == '127.0.0.1:135' and \
j['oxid_bindings']['strings'][0]['address'] == '127.0.0.1[135]' and \
j['queries'][0]['hresult'].startswith('S_OK') and \
[p['method'] for p in j['pings']] == ['ComplexPing', 'SimplePing'] and j['released_refs'] == 2"

  expect_exit 0 "add-$level" dcom activate 127.0.0.1 "$clsid" "$iid" --call add 40 2 --json "${auth[@]}"
  json_check "add-$level" "j['call']['result'] == '42' and j['released_refs'] == 1"

  oxid=$(json_get "echo-$level" "j['oxid']")
  expect_exit 0 "resolve-$level" oxid 127.0.0.1 --resolve "$oxid" --json "${auth[@]}"
  rem=$(json_get "echo-$level" "j['ipid_rem_unknown']")
  json_check "resolve-$level" "j['resolve_oxid2']['ipid_rem_unknown'] == '$rem' and \
j['resolve_oxid2']['bindings']['strings'][0]['address'] == '127.0.0.1[135]'"
done

auth=(-U "RAMPART/daemon%$password" --spn host@rampart.test --auth-level integrity)
# RemoteGetClassObject, then IClassFactory::CreateInstance and a call on the new instance.
expect_exit 0 class-object dcom activate 127.0.0.1 "$clsid" "$iid" --class-object --call add 2 3 --json "${auth[@]}"
json_check class-object "j['method'] == 'RemoteGetClassObject' and j['call']['result'] == '5' and \
j['class_object']['oid'] != j['interfaces'][0]['objref']['oid'] and \
j['interfaces'][0]['iid'] == '$iid' and j['released_refs'] == 2"
expect_exit 1 class-object-no-interface dcom activate 127.0.0.1 "$clsid" 11111111-2222-3333-4444-555555555555 --class-object "${auth[@]}"
check_text "CreateInstance of an IID the class lacks is E_NOINTERFACE" class-object-no-interface "E_NOINTERFACE"
expect_exit 0 keep dcom activate 127.0.0.1 "$clsid" "$iid" --ping --keep --json "${auth[@]}"
set_id=$(json_get keep "j['pings'][0]['set_id']")
expect_exit 0 simple-ping oxid 127.0.0.1 --ping "$set_id" "${auth[@]}"
check_text "SimplePing of the kept object's set" simple-ping "SimplePing $set_id: ok"
expect_exit 1 unknown-set oxid 127.0.0.1 --ping 0x1 "${auth[@]}"
check_text "an unknown set is OR_INVALID_SET" unknown-set "OR_INVALID_SET"
expect_exit 1 unknown-class dcom activate 127.0.0.1 7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5fff "$iid" "${auth[@]}"
check_text "an unknown class is REGDB_E_CLASSNOTREG" unknown-class "REGDB_E_CLASSNOTREG"
expect_exit 1 no-interface dcom activate 127.0.0.1 "$clsid" "$iunknown" --call echo x "${auth[@]}"
expect_exit 1 wrong-password dcom activate 127.0.0.1 "$clsid" "$iid" -U "RAMPART/daemon%wrong" \
  --spn host@rampart.test
expect_exit 0 "after the refusals" dcom activate 127.0.0.1 "$clsid" "$iid" --call echo still "${auth[@]}"
check_text "rampartd still serves" "after the refusals" "echo\(still\) -> still"

# Echo's text as UTF-16LE: in clear in the integrity session's packets, never in the privacy session's.
capture_stop "$work/dcom.pcapng"
for level in integrity privacy; do
  found=$("$py" -c "import sys; print(open(sys.argv[1],'rb').read().count(sys.argv[2].encode('utf-16-le')))" \
    "$work/dcom.pcapng" "sealed-text-$level")
  if [[ $level == integrity ]]; then want_more=1; else want_more=0; fi
  if { ((want_more)) && ((found >= 2)); } || { ((!want_more)) && ((found == 0)); }; then
    pass "Echo text at $level seen $found time(s) in the capture"
  else
    flunk "Echo text at $level seen $found time(s) in the capture"
  fi
done
exit "$fail"
