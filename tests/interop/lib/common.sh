# shellcheck shell=bash
# Shared helpers for the interop shell libraries (sourced; safe under set -euo pipefail).
#
#   interop_at_exit CMD...      run CMD (one shell word list) at exit, newest first.
#                               Installs one EXIT/INT/TERM/HUP trap; do not set your own EXIT
#                               trap after sourcing, register with interop_at_exit instead.
#   interop_log MSG...          message on stderr, prefixed with the script name.
#   interop_die MSG...          interop_log, then exit 1 (cleanups still run).
#   interop_require_root        die unless running as root.
#   interop_wait_until SECS CMD...
#                               run CMD every 0.1 s until it succeeds; return 1 after SECS.

if [[ -n "${_INTEROP_COMMON_SH:-}" ]]; then return 0; fi
_INTEROP_COMMON_SH=1

_interop_cleanups=()
_interop_trap_installed=

interop_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

interop_die() {
  interop_log "error: $*"
  exit 1
}

# Exit code 77 tells ctest the test was skipped (SKIP_RETURN_CODE), not failed.
interop_require_root() {
  if [[ $(id -u) -ne 0 ]]; then
    interop_log "skipped: needs root (network namespaces, packet capture)"
    exit 77
  fi
}

_interop_run_cleanups() {
  local rc=$? i
  trap - EXIT INT TERM HUP
  set +e
  for ((i = ${#_interop_cleanups[@]} - 1; i >= 0; i--)); do
    eval "${_interop_cleanups[i]}"
  done
  _interop_cleanups=()
  return "$rc"
}

interop_at_exit() {
  local cmd
  printf -v cmd '%q ' "$@"
  _interop_cleanups+=("$cmd")
  if [[ -z $_interop_trap_installed ]]; then
    trap _interop_run_cleanups EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    _interop_trap_installed=1
  fi
}

interop_wait_until() {
  local secs=$1 i tries
  shift
  tries=$((secs * 10))
  for ((i = 0; i < tries; i++)); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}
