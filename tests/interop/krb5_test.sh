#!/usr/bin/env bash
# Kerberos against a real MIT KDC: starts a test realm in a private network namespace
# (lib/kdc.sh), creates a user and a service keytab, and runs the security layer's Krb5.*
# tests there (in-process initiator and acceptor: the DCE-style exchange, then PDUs
# protected and verified both ways).
#
#   krb5_test.sh UNIT_SECURITY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/kdc.sh
source "$here/lib/kdc.sh"
interop_require_root
(($# == 1)) || interop_die "usage: $0 UNIT_SECURITY"
unit=$1

work=$(mktemp -d /tmp/rampart-krb5.XXXXXX)
interop_at_exit rm -rf "$work"
kdc_start "rpkrb5-$$" "$work/kdc"
kdc_add_user alice 'Alice-Krb5-Pass1'
kdc_add_service "host/$KDC_HOST" "$work/service.keytab"

ip netns exec "$KDC_NETNS" env KRB5_CONFIG="$KDC_KRB5_CONFIG" KRB5CCNAME="FILE:$work/cc" \
  RAMPART_TEST_KRB5_KEYTAB="$work/service.keytab" RAMPART_TEST_KRB5_USER="alice@$KDC_REALM" \
  RAMPART_TEST_KRB5_PASSWORD='Alice-Krb5-Pass1' RAMPART_TEST_KRB5_SERVICE="host@$KDC_HOST" \
  "$unit" --gtest_filter='Krb5*' --gtest_brief=1 >"$work/unit.out" 2>&1 || {
  cat "$work/unit.out" >&2
  interop_die "Krb5 tests failed"
}
if grep -q SKIPPED "$work/unit.out"; then
  cat "$work/unit.out" >&2
  interop_die "Krb5 tests skipped although the KDC is up"
fi
grep -E '^\[  PASSED  \]' "$work/unit.out" >&2
