#!/usr/bin/env bash
# Samba's raw DCE/RPC protocol suite (samba.tests.dcerpc.raw_protocol, python3-samba) against
# rampartd on 127.0.0.1:135 in a private network namespace, without credentials.
#   raw_protocol_test.sh RAMPARTD RESULTS_FILE
# RESULTS_FILE receives one line per test, "<name> <pass|fail|error|skip>". The test fails
# when a test in the expected set does not pass. The expected set is
#   raw_protocol/samba-4.17-passes.txt   what Samba 4.17's standalone epmapper passes
#                                        (regenerate with raw_protocol/samba_baseline.sh)
#   raw_protocol/beyond-samba.txt        tests needing no credentials and no interface
#                                        rampartd does not serve, which Samba fails
# minus the tests that docs/deviations.md names (a backquoted `test_...` name there): those
# are behaviours refused on purpose, and nothing else excuses a failure. The anonymous
# NTLMSSP/SPNEGO tests among them run against rampartd's security providers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
interop_require_root
(($# == 2)) || interop_die "usage: raw_protocol_test.sh RAMPARTD RESULTS_FILE"
rampartd=$(realpath "$1")
results=$2
suite=$here/raw_protocol
deviations=$here/../../docs/deviations.md
/usr/bin/python3 -c 'import samba.tests.dcerpc.raw_protocol' 2>/dev/null ||
  { interop_log "skipped: python3-samba is not installed (scripts/install-deps)"; exit 77; }

ns=rampart-raw-$$
work=$(mktemp -d /tmp/rampart-raw.XXXXXX)
interop_at_exit rm -rf "$work"
rampartd_start "$ns" "$work" "$rampartd"
conf=$(samba_write_conf "$work/client")

start=$SECONDS
ip netns exec "$ns" env SERVER=127.0.0.1 SMB_CONF_PATH="$conf" \
  /usr/bin/python3 "$suite/run_suite.py" "$results" 2>"$work/suite.log" ||
  { tail -n 30 "$work/suite.log" >&2; interop_die "the suite did not run"; }
kill -0 "$RAMPARTD_PID" 2>/dev/null || { cat "$work/rampartd.log" >&2; interop_die "rampartd died during the suite"; }
interop_log "$(tail -n 1 "$work/suite.log") in $((SECONDS - start)) s; results in $results"

# The expected set, minus the deviations.
{ grep -ohE '`test_[A-Za-z0-9_]+`' "$deviations" || true; } | tr -d '`' | sort -u >"$work/excused"
cat "$suite/samba-4.17-passes.txt" "$suite/beyond-samba.txt" | sed 's/#.*//' | awk 'NF{print $1}' |
  sort -u >"$work/expected"
comm -23 "$work/expected" "$work/excused" >"$work/required"
passed=$(awk '$2 == "pass" {print $1}' "$results" | sort -u)
missing=$(comm -23 "$work/required" <(printf '%s\n' "$passed"))
unknown=$(comm -23 "$work/required" <(awk '{print $1}' "$results" | sort -u))
[[ -z $unknown ]] || interop_log "expected tests the suite no longer has: $unknown"
excused_failing=$(comm -12 "$work/excused" <(awk '$2 != "pass" {print $1}' "$results" | sort -u) | wc -l)
interop_log "required $(wc -l <"$work/required"), excused by docs/deviations.md $excused_failing"
if [[ -n $missing ]]; then
  interop_log "FAIL: expected to pass but did not:"
  printf '  %s\n' $missing >&2
  grep -A 25 -E "^(FAIL|ERROR): ($(tr '\n' '|' <<<"$missing" | sed 's/|$//')) " "$work/suite.log" >&2 || true
  exit 1
fi
interop_log "ok: every expected test passes"
