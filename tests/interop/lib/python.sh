# shellcheck shell=bash
# Impacket and python3-samba come from Debian packages and are visible only to Debian's
# interpreter, /usr/bin/python3. The python3 first on PATH may be a pyenv or venv build that
# cannot import them ("No module named impacket"); the impacket-* wrappers in /usr/bin call
# plain "python3" and fail the same way. Always go through these helpers.
#
#   INTEROP_PYTHON              /usr/bin/python3 (override only with a Python that has both)
#   IMPACKET_EXAMPLES           /usr/share/doc/python3-impacket/examples
#   interop_python ARGS...      run INTEROP_PYTHON with ARGS (PYTHONPATH gets tests/interop/lib)
#   impacket_example NAME ARGS...
#                               run Impacket's example NAME.py (e.g. rpcdump) with ARGS
#   interop_python_check        die unless impacket and samba import

if [[ -n "${_INTEROP_PYTHON_SH:-}" ]]; then return 0; fi
_INTEROP_PYTHON_SH=1
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

INTEROP_PYTHON=${INTEROP_PYTHON:-/usr/bin/python3}
IMPACKET_EXAMPLES=${IMPACKET_EXAMPLES:-/usr/share/doc/python3-impacket/examples}
INTEROP_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

interop_python() {
  PYTHONPATH="$INTEROP_LIB_DIR${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
    "$INTEROP_PYTHON" "$@"
}

impacket_example() {
  local name=$1
  shift
  local script=$IMPACKET_EXAMPLES/$name.py
  [[ -f $script ]] || interop_die "$script not found (python3-impacket installed?)"
  PYTHONDONTWRITEBYTECODE=1 "$INTEROP_PYTHON" "$script" "$@"
}

interop_python_check() {
  "$INTEROP_PYTHON" -c 'import impacket, samba' 2>/dev/null ||
    interop_die "$INTEROP_PYTHON cannot import impacket and samba (run scripts/install-deps)"
}
