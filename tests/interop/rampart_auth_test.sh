#!/usr/bin/env bash
# `rampart` authenticating against real servers, each in its own network namespace:
#  1. Samba's endpoint mapper (standalone, a user in its passdb) with NTLM at integrity and
#     privacy, plain and through SPNEGO: ifids and dump succeed, a wrong password fails; tshark, given the password,
#     decrypts the sealed session and decodes every stub without malformed packets or expert
#     errors, while without it the sealed lookup reply stays unreadable.
#  2. Kerberos against the same Samba, given a dedicated keytab from a test KDC (lib/kdc.sh)
#     in the same namespace: -k from a ccache at integrity and privacy, the same through SPNEGO
#     (--auth-type spnego -k, ending with the mechListMIC leg), and -k with a password;
#     tshark, given the keytab, decrypts and decodes that session too.
# Samba's log must show no verification trailer it could not parse.
#
#  3. With RAMPARTD: the same NTLM checks against rampartd with an NTLM user file, and tshark
#     decrypting that session.
#
#   rampart_auth_test.sh RAMPART [RAMPARTD]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/kdc.sh
source "$here/lib/kdc.sh"
# shellcheck source=lib/rampartd.sh
source "$here/lib/rampartd.sh"
# shellcheck source=lib/capture.sh
source "$here/lib/capture.sh"
interop_require_root
(($# == 1 || $# == 2)) || interop_die "usage: $0 RAMPART [RAMPARTD]"
rampart=$1
rampartd=${2:-}
password='Alice-Ntlm-Pass1'
user=daemon  # passdb entries need a Unix account; daemon exists on every Debian system

work=$(mktemp -d /tmp/rampart-auth.XXXXXX)
interop_at_exit rm -rf "$work"
mkdir -p "$work/kdc"
# Samba's Kerberos acceptor reads the test realm's krb5.conf (written by kdc_start below,
# read by Samba only when the first Kerberos bind arrives) and the keytab.
export KRB5_CONFIG=$work/kdc/krb5.conf
SAMBA_EXTRA_CONF="  realm = $KDC_REALM
  kerberos method = dedicated keytab
  dedicated keytab file = FILE:$work/service.keytab" samba_start "rpauth-$$" "$work/samba"
kdc_start "$SAMBA_NETNS" "$work/kdc"
kdc_add_user "$user" "$password"
kdc_add_service "host/$KDC_HOST" "$work/service.keytab"
kdc_kinit "$user" "$password" "FILE:$work/ccache"
printf '%s\n%s\n' "$password" "$password" | pdbedit -s "$SAMBA_CONF" -a -u "$user" -t >"$work/pdbedit.out" 2>&1 ||
  { cat "$work/pdbedit.out" >&2; interop_die "pdbedit could not add $user"; }
capture_start "$SAMBA_NETNS" "$work/ntlm.pcapng"

in_ns() { ip netns exec "$SAMBA_NETNS" "$@"; }
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

for level in integrity privacy; do
  check "ifids NTLM $level" bash -c "ip netns exec $SAMBA_NETNS $rampart ifids 127.0.0.1 \
    -U 'RAMPART/$user%$password' --auth-level $level | grep -q '2 interface(s), status ok'"
  check "dump NTLM $level" bash -c "ip netns exec $SAMBA_NETNS $rampart dump 127.0.0.1 \
    -U 'RAMPART\\$user:$password' --auth-level $level | grep -q 'ncalrpc:\[EPMAPPER\]'"
done
# SPNEGO (auth type 9) negotiating NTLM: the mechListMIC inside the exchange counts in NTLM's
# sequence numbers ([MS-SPNG] 3.3.5.1).
for level in integrity privacy; do
  check "ifids SPNEGO-NTLM $level" bash -c "ip netns exec $SAMBA_NETNS $rampart ifids 127.0.0.1 \
    -U 'RAMPART/$user%$password' --auth-type spnego --auth-level $level | grep -q '2 interface(s), status ok'"
done
printf '%s\n' "$password" >"$work/pw"
check "ifids NTLM --password-file" in_ns "$rampart" ifids 127.0.0.1 -U "RAMPART/$user" --password-file "$work/pw"
refused "wrong password" in_ns "$rampart" ifids 127.0.0.1 -U "RAMPART/$user%wrong-password" --auth-level privacy
capture_stop

capture_start "$SAMBA_NETNS" "$work/krb5.pcapng"
for level in integrity privacy; do
  check "ifids Kerberos $level" bash -c "ip netns exec $SAMBA_NETNS env KRB5CCNAME=FILE:$work/ccache \
    $rampart ifids 127.0.0.1 -k --spn host@$KDC_HOST --auth-level $level | grep -q '2 interface(s), status ok'"
done
# SPNEGO (9) negotiating Kerberos: after the DCE-style AP-REQ, AP-REP, AP-REP legs Samba sends
# its mechListMIC and wants the client's on one more alter_context (RFC 4178 5, [MS-SPNG]
# 3.3.5.1); the first request would otherwise get nca_s_proto_error.
for level in integrity privacy; do
  check "ifids SPNEGO-Kerberos $level" bash -c "ip netns exec $SAMBA_NETNS env KRB5CCNAME=FILE:$work/ccache \
    $rampart ifids 127.0.0.1 -k --auth-type spnego --spn host@$KDC_HOST --auth-level $level | grep -q '2 interface(s), status ok'"
done
check "dump Kerberos with a password" bash -c "ip netns exec $SAMBA_NETNS $rampart dump 127.0.0.1 -k \
  -U '$user%$password' --spn host@$KDC_HOST | grep -q 'ncalrpc:\[EPMAPPER\]'"
refused "Kerberos without a ticket" in_ns env KRB5CCNAME="FILE:$work/none" "$rampart" ifids 127.0.0.1 -k \
  --spn "host@$KDC_HOST"
capture_stop

# tshark's NTLMSSP dissector derives the keys from the password: the sealed stubs must
# decode as the endpoint mapper's and mgmt's operations, with nothing malformed.
tsh() { tshark -r "$work/ntlm.pcapng" -o "ntlmssp.nt_password:$password" "$@" 2>/dev/null; }
malformed=$(tsh -V | grep -c -i malformed || true)
experts=$(tsh -q -z expert,error | grep -c -E '^ *[0-9]+ +[A-Za-z]' || true)
decoded=$(tsh | grep -c 'Lookup response, Service:epmapper' || true)
ifids=$(tsh | grep -c 'rpc__mgmt_inq_if_ids response' || true)
vt=$(tsh -V | grep -c 'SEC_VT_SIGNATURE' || true)
sealed_without=$(tshark -r "$work/ntlm.pcapng" 2>/dev/null | grep -c 'Service:epmapper' || true)
interop_log "tshark: $malformed malformed, $experts expert errors, $decoded lookup replies and $ifids inq_if_ids" \
  "replies decoded, $vt verification trailers; without the password $sealed_without lookup replies readable"
((malformed == 0)) || { interop_log "FAIL: malformed packets"; failures=$((failures + 1)); }
((experts == 0)) || { tsh -q -z expert,error >&2; interop_log "FAIL: expert errors"; failures=$((failures + 1)); }
((decoded >= 2 && ifids >= 3)) || { interop_log "FAIL: sealed stubs not decoded"; failures=$((failures + 1)); }
((vt >= 5)) || { interop_log "FAIL: verification trailers missing"; failures=$((failures + 1)); }
# Only the integrity-level dump is readable without the password.
((sealed_without == 1)) || { interop_log "FAIL: privacy replies readable in clear"; failures=$((failures + 1)); }

ktsh() { tshark -r "$work/krb5.pcapng" -o kerberos.decrypt:TRUE -o "kerberos.file:$work/service.keytab" "$@" 2>/dev/null; }
kmalformed=$(ktsh -V | grep -c -i malformed || true)
kexperts=$(ktsh -q -z expert,error | grep -c -E '^ *[0-9]+ +[A-Za-z]' || true)
kdecoded=$(ktsh | grep -c -E 'Lookup response, Service:epmapper|rpc__mgmt_inq_if_ids response' || true)
ksealed=$(tshark -r "$work/krb5.pcapng" 2>/dev/null | grep -c 'Service:epmapper' || true)
# Each SPNEGO-Kerberos connection closes with an alter_context whose negTokenResp carries the
# client's mechListMIC, answered accept-completed.
kmics=$(ktsh -Y 'dcerpc.pkt_type == 14 && spnego.mechListMIC' | wc -l)
kclosed=$(ktsh -Y 'dcerpc.pkt_type == 15 && spnego.negResult == 0' | wc -l)
interop_log "tshark (Kerberos): $kmalformed malformed, $kexperts expert errors, $kdecoded replies decoded;" \
  "without the keytab $ksealed lookup replies readable; $kmics SPNEGO mechListMIC legs, $kclosed accepted"
((kmalformed == 0 && kexperts == 0)) || { interop_log "FAIL: Kerberos capture"; failures=$((failures + 1)); }
((kdecoded >= 5 && ksealed == 0)) || { interop_log "FAIL: Kerberos-sealed stubs"; failures=$((failures + 1)); }
((kmics == 2 && kclosed == 2)) || { interop_log "FAIL: SPNEGO mechListMIC legs"; failures=$((failures + 1)); }
vt_errors=$(grep -c 'ndr_pull_error' "$work"/samba/log/log.rpcd_epmapper 2>/dev/null || true)
((vt_errors == 0)) || { interop_log "FAIL: Samba could not parse $vt_errors requests"; failures=$((failures + 1)); }

if [[ -n $rampartd ]]; then
  rns="rpauthd-$$"
  mkdir -p "$work/rampartd"
  rampartd_write_conf "$work/rampartd"
  printf 'RAMPART:%s:%s\n' "$user" "$password" >"$work/rampartd/users"
  cat >>"$work/rampartd/rampartd.toml" <<CONF
[security]
ntlm_user_file = "$work/rampartd/users"
service = "host@$KDC_HOST"
CONF
  netns_create "$rns"
  interop_at_exit netns_delete "$rns"
  capture_start "$rns" "$work/rampartd.pcapng"
  ip netns exec "$rns" "$rampartd" --config "$work/rampartd/rampartd.toml" >"$work/rampartd/rampartd.log" 2>&1 &
  interop_at_exit kill "$!"
  interop_wait_until 10 netns_exec "$rns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/135' 2>/dev/null ||
    { cat "$work/rampartd/rampartd.log" >&2; interop_die "rampartd did not listen"; }
  for level in integrity privacy; do
    # gss-ntlmssp puts the service's name in its CHALLENGE (MsvAvTargetName) and the
    # client's gss-ntlmssp refuses a name other than the one it asked for: --spn.
    check "rampartd: ifids NTLM $level" bash -c "ip netns exec $rns $rampart ifids 127.0.0.1 \
      -U 'RAMPART/$user%$password' --spn host@$KDC_HOST --auth-level $level | grep -q 'status ok'"
    check "rampartd: dump NTLM $level" bash -c "ip netns exec $rns $rampart dump 127.0.0.1 \
      -U 'RAMPART/$user%$password' --spn host@$KDC_HOST --auth-level $level | grep -q 'lsarpc'"
  done
  refused "rampartd: wrong password" ip netns exec "$rns" "$rampart" ifids 127.0.0.1 -U "RAMPART/$user%wrong" \
    --spn "host@$KDC_HOST"
  capture_stop "$work/rampartd.pcapng"
  dsh() { tshark -r "$work/rampartd.pcapng" -o "ntlmssp.nt_password:$password" "$@" 2>/dev/null; }
  dmalformed=$(dsh -V | grep -c -i malformed || true)
  dexperts=$(dsh -q -z expert,error | grep -c -E '^ *[0-9]+ +[A-Za-z]' || true)
  ddecoded=$(dsh | grep -c -E 'Lookup response|rpc__mgmt_inq_if_ids response' || true)
  interop_log "tshark (rampartd, NTLM): $dmalformed malformed, $dexperts expert errors, $ddecoded replies decoded"
  ((dmalformed == 0 && dexperts == 0 && ddecoded >= 4)) ||
    { dsh -q -z expert,error >&2; interop_log "FAIL: rampartd capture"; failures=$((failures + 1)); }
fi

((failures == 0)) || interop_die "$failures check(s) failed"
interop_log "all checks passed"
