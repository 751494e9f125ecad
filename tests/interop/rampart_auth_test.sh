#!/usr/bin/env bash
# `rampart` authenticating against real servers, each in its own network namespace:
#  1. Samba's endpoint mapper (standalone, a user in its passdb) with NTLM at integrity and
#     privacy: ifids and dump succeed, a wrong password fails; tshark, given the password,
#     decrypts the sealed session and decodes every stub without malformed packets or expert
#     errors, while without it the sealed lookup reply stays unreadable.
#  2. Kerberos (-k from a ccache, and from a password) against the same Samba is not possible
#     (a standalone Samba has no keytab); Kerberos runs against a test KDC in interop.krb5 and,
#     once rampartd accepts authenticated binds, in this script's rampartd part.
#
#   rampart_auth_test.sh RAMPART
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/samba.sh
source "$here/lib/samba.sh"
# shellcheck source=lib/capture.sh
source "$here/lib/capture.sh"
interop_require_root
(($# == 1)) || interop_die "usage: $0 RAMPART"
rampart=$1
password='Alice-Ntlm-Pass1'
user=daemon  # passdb entries need a Unix account; daemon exists on every Debian system

work=$(mktemp -d /tmp/rampart-auth.XXXXXX)
interop_at_exit rm -rf "$work"
samba_start "rpauth-$$" "$work/samba"
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
printf '%s\n' "$password" >"$work/pw"
check "ifids NTLM --password-file" in_ns "$rampart" ifids 127.0.0.1 -U "RAMPART/$user" --password-file "$work/pw"
refused "wrong password" in_ns "$rampart" ifids 127.0.0.1 -U "RAMPART/$user%wrong-password" --auth-level privacy
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

((failures == 0)) || interop_die "$failures check(s) failed"
interop_log "all checks passed"
