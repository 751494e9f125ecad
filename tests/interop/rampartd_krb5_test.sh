#!/usr/bin/env bash
# rampartd serving Kerberos from a keytab, against a test KDC (lib/kdc.sh), with the KDC, rampartd
# and every client in one private network namespace:
#  1. Impacket (/usr/bin/python3) with Kerberos through SPNEGO (auth type 9) calls mgmt
#     (inq_if_ids, inq_princ_name for 16 and 9) and the endpoint mapper (ept_lookup, ept_map) at
#     privacy (Impacket 0.10 cannot sign with Kerberos at integrity: lib/impacket_krb5.py); a
#     sealed request changed in flight is fault rpc_s_sec_pkg_error, logged, and a new
#     connection is served; a ticket for a service whose key rampartd lacks is refused at the bind.
#  2. `rampart -k` (Kerberos, auth type 16, three legs) does ifids, princ, dump and map at
#     integrity and privacy, from a ccache and from a password; without a ticket it fails.
#     `rampart --auth-type spnego` does dump with Kerberos and ifids with NTLM at both levels.
#  3. SPNEGO with a keytab still negotiates NTLM for clients without a ticket (Impacket NTLM
#     under auth type 10 and `rampart -U` keep working beside it).
#  4. tshark, given the keytab, decrypts the Kerberos-sealed sessions and decodes every stub
#     without malformed packets or expert errors; without the keytab no lookup reply is readable.
#  5. Reload: a keytab without the service's key is refused and the running providers stay;
#     with the keytab removed from [security], SIGHUP leaves an established Kerberos
#     connection serving while a new Kerberos bind is refused (bind_nak).
# rampartd logs every completed exchange as "authenticated" with auth_type 16 or 9.
#
#   rampartd_krb5_test.sh RAMPARTD RAMPART
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# Not the realm's own name: Impacket 0.10 looks a service ticket up in the ccache by host and
# realm alone, so for host/rampart.test in RAMPART.TEST it takes the TGT
# (krbtgt/RAMPART.TEST), renames it HOST/RAMPART.TEST and sends that as the ticket.
KDC_HOST=rpc.rampart.test
# shellcheck source=lib/kdc.sh
source "$here/lib/kdc.sh"
# shellcheck source=lib/rampartd.sh
source "$here/lib/rampartd.sh"
# shellcheck source=lib/capture.sh
source "$here/lib/capture.sh"
# shellcheck source=lib/python.sh
source "$here/lib/python.sh"
interop_require_root
interop_python_check
(($# == 2)) || interop_die "usage: $0 RAMPARTD RAMPART"
rampartd=$(realpath "$1")
rampart=$(realpath "$2")
user=alice
password='Alice-Krb5-Pass1'

work=$(mktemp -d /tmp/rampart-krbd.XXXXXX)
interop_at_exit rm -rf "$work"
mkdir -p "$work/rampartd"
kdc_start "rpkrbd-$$" "$work/kdc"
ns=$KDC_NETNS
kdc_add_user "$user" "$password"
kdc_add_service "host/$KDC_HOST" "$work/service.keytab"
# A service the KDC issues tickets for but whose key rampartd does not hold.
kdc_add_service "host/other.$KDC_HOST" "$work/other.keytab"
kdc_kinit "$user" "$password" "FILE:$work/ccache"
# Impacket 0.10 sends a TGS-REQ without an authenticator checksum, which MIT's KDC refuses
# (KRB_AP_ERR_INAPP_CKSUM): MIT's kvno puts both service tickets in the ccache beforehand.
ip netns exec "$ns" env KRB5_CONFIG="$KDC_KRB5_CONFIG" kvno -q -c "FILE:$work/ccache" \
  "host/$KDC_HOST@$KDC_REALM" "host/other.$KDC_HOST@$KDC_REALM" || interop_die "kvno failed"
# rampartd and the clients read the test realm's krb5.conf (no DNS, nothing outside $work).
export KRB5_CONFIG=$KDC_KRB5_CONFIG
unset KRB5CCNAME
# rampartd's replay cache in $work too, not /var/tmp.
export KRB5RCACHEDIR=$work/rcache
mkdir -p "$KRB5RCACHEDIR"
principal="host/$KDC_HOST@$KDC_REALM"
printf 'RAMPART:%s:%s\n' "$user" "$password" >"$work/rampartd/users"
security_conf() {  # security_conf WITH_KEYTAB
  printf '[security]\nntlm_user_file = "%s"\nservice = "host@%s"\n' "$work/rampartd/users" "$KDC_HOST"
  if (($1)); then printf 'keytab = "%s"\n' "$work/service.keytab"; fi
}
RAMPARTD_EXTRA_CONF=$(security_conf 1)
export RAMPARTD_EXTRA_CONF

capture_start "$ns" "$work/krb5.pcapng"
rampartd_start "$ns" "$work/rampartd" "$rampartd"
log=$work/rampartd/rampartd.log

failures=0
check() {  # check NAME CMD...: CMD must succeed
  local name=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    interop_log "ok: $name"
  else
    interop_log "FAIL: $name"
    cat "$work/out" >&2
    failures=$((failures + 1))
  fi
}
refused() {  # refused NAME CMD...: CMD must fail
  local name=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    interop_log "FAIL: $name (succeeded)"
    failures=$((failures + 1))
  else
    interop_log "ok: $name ($(tail -n 1 "$work/out"))"
  fi
}
in_ns() { ip netns exec "$ns" "$@"; }
grep -q 'security providers ready.*keytab' "$log" || { cat "$log" >&2; interop_die "rampartd did not load the keytab"; }

# 1. Impacket: Kerberos through SPNEGO.
if in_ns env KRB5CCNAME="$work/ccache" timeout 60 /usr/bin/python3 "$here/lib/impacket_krb5.py" "$user" "$password" "$KDC_REALM" "$KDC_HOST" \
  127.0.0.1 "$principal" >"$work/impacket.out" 2>&1; then
  sed 's/^/  /' "$work/impacket.out" >&2
  interop_log "ok: Impacket with Kerberos (SPNEGO) at privacy"
else
  cat "$work/impacket.out" >&2
  interop_log "FAIL: Impacket with Kerberos (SPNEGO)"
  failures=$((failures + 1))
fi

# 2. rampart -k: Kerberos (16).
has() {  # has PATTERN CMD...: CMD succeeds and prints PATTERN (fixed string)
  local pattern=$1
  shift
  "$@" >"$work/has.out" 2>&1 || { cat "$work/has.out"; return 1; }
  grep -qF -- "$pattern" "$work/has.out" || { cat "$work/has.out"; return 1; }
}
kr() { in_ns env KRB5CCNAME="FILE:$work/ccache" "$rampart" "$@" -k --spn "host@$KDC_HOST"; }
for level in integrity privacy; do
  check "rampart -k ifids $level" has 'status ok' kr ifids 127.0.0.1 --auth-level "$level"
  check "rampart -k princ $level" has "\"$principal\" (authn 16)" kr princ 127.0.0.1 --authn 16 --auth-level "$level"
  check "rampart -k dump $level" has lsarpc kr dump 127.0.0.1 --auth-level "$level"
  check "rampart -k map $level" has '[49154]' kr map 127.0.0.1 lsarpc --auth-level "$level"
done
# SPNEGO (9) from MIT's initiator: the AP-REQ bare under the krb5 OID, the last leg on an
# alter_context; and SPNEGO offering NTLM beside it.
for level in integrity privacy; do
  check "rampart -k --auth-type spnego dump $level" has lsarpc kr dump 127.0.0.1 --auth-type spnego --auth-level "$level"
  check "rampart --auth-type spnego (NTLM) ifids $level" has 'status ok' in_ns "$rampart" ifids 127.0.0.1 \
    -U "RAMPART/$user%$password" --auth-type spnego --spn "host@$KDC_HOST" --auth-level "$level"
done
check "rampart -k with a password" has lsarpc in_ns "$rampart" dump 127.0.0.1 -k -U "$user%$password" \
  --spn "host@$KDC_HOST"
refused "rampart -k without a ticket" in_ns env KRB5CCNAME="FILE:$work/none" "$rampart" ifids 127.0.0.1 -k \
  --spn "host@$KDC_HOST"
refused "rampart -k for a service rampartd has no key for" in_ns env KRB5CCNAME="FILE:$work/ccache" "$rampart" \
  ifids 127.0.0.1 -k --spn "host@other.$KDC_HOST"

# 3. NTLM beside Kerberos.
check "rampart NTLM beside the keytab" has 'status ok' in_ns "$rampart" ifids 127.0.0.1 \
  -U "RAMPART/$user%$password" --spn "host@$KDC_HOST" --auth-level privacy
capture_stop "$work/krb5.pcapng"

# 4. tshark decrypts with the keytab.
ktsh() { tshark -r "$work/krb5.pcapng" -o kerberos.decrypt:TRUE -o "kerberos.file:$work/service.keytab" "$@" 2>/dev/null; }
kmalformed=$(ktsh -V | grep -c -i malformed || true)
kexperts=$(ktsh -q -z expert,error | grep -c -E '^ *[0-9]+ +[A-Za-z]' || true)
# A reply whose stub tshark decoded names what it holds after the operation.
replies='Lookup response, Service:|Map response, [A-Z]'
klookup=$(ktsh | grep -c 'Lookup response, Service:' || true)
kmap=$(ktsh | grep -c -E 'Map response, [A-Z]' || true)
kprinc=$(ktsh -Y mgmt.princ_name | wc -l)
ksealed=$(tshark -r "$work/krb5.pcapng" 2>/dev/null | grep -c -E "$replies" || true)
interop_log "tshark (rampartd, Kerberos): $kmalformed malformed, $kexperts expert errors, decoded $klookup lookup," \
  "$kmap map and $kprinc inq_princ_name replies; without the keytab $ksealed lookup or map replies readable"
((kmalformed == 0 && kexperts == 0)) ||
  { ktsh -q -z expert,error >&2; interop_log "FAIL: Kerberos capture"; failures=$((failures + 1)); }
# Decoded: Impacket's lookup, 2 maps and 2 inq_princ_name, rampart's 5 dumps (one lookup each)
# and 2 inq_princ_name. tshark 4.0 reads a map reply to more than one tower (rampart asks for 4)
# without its deferred tower ("Long frame", a warning), so rampart's maps are not counted.
((klookup >= 6 && kmap >= 2 && kprinc >= 4)) || { interop_log "FAIL: Kerberos-sealed stubs not decoded"; failures=$((failures + 1)); }
# Readable without the keytab: the replies to rampart's 2 dumps at integrity, never a sealed one.
((ksealed <= 2 && klookup + kmap - ksealed >= 6)) || { interop_log "FAIL: sealed replies readable in clear"; failures=$((failures + 1)); }

# rampartd's log: each completed exchange, with the Kerberos client's name.
for type in 16 9; do
  n=$(grep -c "authenticated .*auth_type=$type .*principal=$user@$KDC_REALM" "$log" || true)
  interop_log "rampartd logged $n Kerberos logons under auth_type $type"
  ((n >= 4)) || { interop_log "FAIL: too few auth_type $type logons logged"; failures=$((failures + 1)); }
done
grep -q 'authentication denied' "$log" ||
  { interop_log "FAIL: the refused ticket was not logged as a denial"; failures=$((failures + 1)); }
grep -q 'protocol error .*code=security.bad_checksum .*reaction="fault status=0x00000721' "$log" ||
  { interop_log "FAIL: the tampered sealed request was not logged with its reason"; failures=$((failures + 1)); }

# 5. Reload without the keytab: established contexts keep serving, new Kerberos binds are refused.
reload() {
  rampartd_write_conf "$work/rampartd"
  kill -HUP "$RAMPARTD_PID"
}
# A keytab without the service's key is refused at a reload; the running providers stay.
RAMPARTD_EXTRA_CONF=$(security_conf 1 | sed 's|/service.keytab"|/other.keytab"|')
reload
interop_wait_until 10 grep -q 'security providers not reloaded.*holds no key for' "$log" ||
  { tail -n 5 "$log" >&2; interop_die "rampartd took a keytab without the service's key"; }
check "rampart -k after a refused reload" has 'status ok' kr ifids 127.0.0.1
in_ns env KRB5CCNAME="$work/ccache" timeout 60 /usr/bin/python3 "$here/lib/impacket_krb5_reload.py" "$user" "$password" "$KDC_REALM" \
  "$KDC_HOST" 127.0.0.1 "$work/reload.fifo" >"$work/reload.out" 2>&1 &
reload_client=$!
interop_wait_until 30 test -p "$work/reload.fifo" || { cat "$work/reload.out" >&2; interop_die "reload client did not start"; }
RAMPARTD_EXTRA_CONF=$(security_conf 0)
reload
interop_wait_until 10 grep -q 'security providers reloaded' "$log" || { cat "$log" >&2; interop_die "rampartd did not reload"; }
echo reloaded >"$work/reload.fifo"
if wait "$reload_client"; then
  sed 's/^/  /' "$work/reload.out" >&2
  interop_log "ok: reload without the keytab"
else
  cat "$work/reload.out" >&2
  interop_log "FAIL: reload without the keytab"
  failures=$((failures + 1))
fi
refused "rampart -k after the reload" in_ns env KRB5CCNAME="FILE:$work/ccache" "$rampart" ifids 127.0.0.1 -k \
  --spn "host@$KDC_HOST"
check "rampart NTLM after the reload" has 'status ok' in_ns "$rampart" ifids 127.0.0.1 \
  -U "RAMPART/$user%$password" --spn "host@$KDC_HOST" --auth-level privacy
kill -0 "$RAMPARTD_PID" 2>/dev/null || interop_die "rampartd died"

((failures == 0)) || { tail -n 30 "$log" >&2; interop_die "$failures check(s) failed"; }
interop_log "all checks passed"
