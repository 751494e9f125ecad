# shellcheck shell=bash
# Packet capture with tshark on a loopback interface, in a namespace or on the host.
# Source this file (bash, set -euo pipefail safe); it sources common.sh.
#
#   capture_start NS FILE [FILTER]
#                               capture on lo inside namespace NS ("-" or "" = host lo) into
#                               FILE (pcapng) with capture FILTER (default 'tcp port 135').
#                               Returns once tshark reports it is capturing (at most
#                               CAPTURE_START_TIMEOUT s, default 10). Registers capture_stop
#                               FILE at exit. Sets CAPTURE_PID.
#   capture_stop [FILE]         let tshark drain, stop it (SIGINT, bounded wait, then
#                               SIGKILL); default: every capture started here. Idempotent.
#
# When several helpers stop at exit, captures stop before the namespaces they run in
# (cleanups run newest first).

if [[ -n "${_INTEROP_CAPTURE_SH:-}" ]]; then return 0; fi
_INTEROP_CAPTURE_SH=1
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CAPTURE_START_TIMEOUT=${CAPTURE_START_TIMEOUT:-10}
CAPTURE_STOP_TIMEOUT=${CAPTURE_STOP_TIMEOUT:-10}
declare -gA _capture_pids=()

_capture_ready() {
  local pid=$1 log=$2
  kill -0 "$pid" 2>/dev/null || return 2
  # grep says 2 while the log does not exist yet; that is "not ready", not "exited".
  grep -q '^Capturing on' "$log" 2>/dev/null || return 1
}

capture_start() {
  (($# >= 2)) || interop_die "usage: capture_start NS FILE [FILTER]"
  local ns=$1 file=$2 filter=${3:-tcp port 135} pid log i rc
  command -v tshark >/dev/null || interop_die "tshark not found (run scripts/install-deps)"
  mkdir -p "$(dirname "$file")"
  rm -f "$file"
  log=$file.tshark.log
  local cmd=(tshark -n -i lo -f "$filter" -w "$file")
  if [[ -n $ns && $ns != - ]]; then cmd=(ip netns exec "$ns" "${cmd[@]}"); fi
  "${cmd[@]}" </dev/null >"$log" 2>&1 &
  pid=$!
  _capture_pids[$file]=$pid
  interop_at_exit capture_stop "$file"
  # "Capturing on 'lo'" is printed once dumpcap has opened the interface and set the filter.
  for ((i = 0; i < CAPTURE_START_TIMEOUT * 10; i++)); do
    rc=0
    _capture_ready "$pid" "$log" || rc=$?
    ((rc == 0)) && break
    ((rc == 2)) && { cat "$log" >&2; capture_stop "$file"; interop_die "tshark exited"; }
    sleep 0.1
  done
  ((rc == 0)) || { cat "$log" >&2; capture_stop "$file"; interop_die "tshark not capturing after ${CAPTURE_START_TIMEOUT}s"; }
  # Capturing is reported just before the first read; give dumpcap a moment to enter it.
  sleep 0.2
  # shellcheck disable=SC2034 # read by callers
  CAPTURE_PID=$pid
}

capture_stop() {
  local file pid i targets
  if (($# > 0)); then targets=("$@"); else targets=("${!_capture_pids[@]}"); fi
  for file in "${targets[@]}"; do
    pid=${_capture_pids[$file]:-}
    [[ -n $pid ]] || continue
    if kill -0 "$pid" 2>/dev/null; then
      sleep 0.3 # let the last segments reach dumpcap's buffer
      kill -INT "$pid" 2>/dev/null || true
      for ((i = 0; i < CAPTURE_STOP_TIMEOUT * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then
        local kids
        kids=$(pgrep -P "$pid" || true) # dumpcap
        # shellcheck disable=SC2086
        kill -KILL "$pid" $kids 2>/dev/null || true
      fi
    fi
    wait "$pid" 2>/dev/null || true
    unset "_capture_pids[$file]"
    rm -f "$file.tshark.log"
  done
  return 0
}
