#!/usr/bin/env bash
# Sanity check of the interop harness: Samba's endpoint mapper in a fresh network namespace
# answers Impacket's rpcdump.py and rpcclient's epmlookup with entries.
# Usage (root, after scripts/install-deps): tests/interop/samba_smoke_test.sh
# Exit 0 on success, 1 on failure; bounded to SMOKE_TIMEOUT seconds (default 60).
set -euo pipefail

lib=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/samba.sh
source "$lib/samba.sh"
# shellcheck source=lib/python.sh
source "$lib/python.sh"

SMOKE_TIMEOUT=${SMOKE_TIMEOUT:-60}
# Watchdog: a TERM to this shell runs the cleanups (samba_stop, rm) through the trap. It
# polls, so it also ends by itself within 0.1 s of this shell.
(
  for ((i = 0; i < SMOKE_TIMEOUT * 10; i++)); do
    sleep 0.1
    kill -0 $$ 2>/dev/null || exit 0
  done
  interop_log "timed out after ${SMOKE_TIMEOUT}s"
  kill -TERM $$ 2>/dev/null
) </dev/null >/dev/null &

interop_require_root
interop_python_check

work=$(mktemp -d /tmp/rampart-smoke.XXXXXX)
interop_at_exit rm -rf "$work"
ns=rampart-smoke-$$

fail=0
check() { # NAME OUTPUT_FILE MIN_COUNT PATTERN
  local n
  n=$(grep -c -- "$4" "$2" || true)
  if ((n >= $3)); then
    interop_log "ok: $1 ($n matching lines)"
  else
    interop_log "FAIL: $1 (found $n lines matching '$4', need $3); output:"
    sed 's/^/    /' "$2" >&2
    fail=1
  fi
}

samba_start "$ns" "$work/samba" rpcd_lsad

# rpcdump asks ept_lookup for everything. Samba 4.17 returns its entries together with
# ept_s_not_registered (0x16c9a0d6), which Impacket 0.10 treats as an error, so rpcdump shows
# "No endpoints found" against Samba. Accept either entries or exactly that status: both
# prove a full bind + ept_lookup round trip through the namespace.
netns_exec "$ns" timeout 20 env PYTHONDONTWRITEBYTECODE=1 "$INTEROP_PYTHON" \
  "$IMPACKET_EXAMPLES/rpcdump.py" 127.0.0.1 >"$work/rpcdump.out" 2>&1 || true
check "rpcdump.py reached the endpoint mapper" "$work/rpcdump.out" 1 \
  'Retrieving endpoint list from 127.0.0.1'
check "rpcdump.py got entries or Samba's ept_s_not_registered" "$work/rpcdump.out" 1 \
  '^Protocol: \|code: 0x16c9a0d6 - ept_s_not_registered'

samba_rpcclient "$ns" -c epmlookup >"$work/epmlookup.out" 2>&1 || true
check "rpcclient epmlookup lists the EPM" "$work/epmlookup.out" 1 \
  'e1af8308-5d1f-11c9-91a4-08002b14a0fa.*: epmapper'
check "rpcclient epmlookup lists lsarpc over ncacn_ip_tcp" "$work/epmlookup.out" 1 \
  'ncacn_ip_tcp:127.0.0.1\[[0-9]*,abstract_syntax=12345778-1234-abcd-ef00-0123456789ab'

samba_rpcclient "$ns" -c epmmap >"$work/epmmap.out" 2>&1 || true
check "rpcclient epmmap returns towers" "$work/epmmap.out" 1 '^tower\['

samba_stop "$ns"
if netns_exists "$ns"; then interop_log "FAIL: namespace $ns still exists"; fail=1; fi

if ((fail)); then interop_log "FAILED"; exit 1; fi
interop_log "PASSED"
exit 0
