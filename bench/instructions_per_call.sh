#!/bin/sh
# Instructions per call of one function under callgrind: its inclusive
# instruction count divided by its call count. Unlike CPU time this does
# not depend on what else the machine is running, so two builds (or two
# commits) can be compared on a shared machine.
#
#   bench/instructions_per_call.sh BINARY FILTER FUNCTION
#
# BINARY is a Google Benchmark program, FILTER its --benchmark_filter, and
# FUNCTION a fixed string that names the measured function in callgrind's
# output, e.g.
#   bench/instructions_per_call.sh build/bench/ndr_bench BM_DecodeEptMapRequest \
#       'ndr::decode_stub<rampart::spec::epm::ept_map_request'
# prints the instructions of one ept_map request decode (decode_stub: the
# decoder's set-up, the generated decode and the check that nothing
# follows). Needs valgrind.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 BINARY FILTER FUNCTION" >&2; exit 2; }
bin=$1 filter=$2 fn=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" --benchmark_filter="$filter" \
  --benchmark_min_time=0.05 >/dev/null 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
# --tree=caller prints each function's callers as "< caller (Nx)" lines,
# then the function itself as "*  function"; sum the calls of every caller.
callgrind_annotate --inclusive=yes --tree=caller "$out/cg" | awk -v fn="$fn" '
  /^ *[0-9,]+ .*  < / { gsub(",", "", $1); cost = $1; n = 0
    if (match($0, /\([0-9,]+x\)/)) { c = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", c); n = c }
    pend_calls += n; next }
  /^ *[0-9,]+ .*  \* / { if (index($0, fn) > 0 && !done) { gsub(",", "", $1); total = $1; calls = pend_calls; done = 1 }
    pend_calls = 0; next }
  { pend_calls = 0 }
  END { if (!done || calls == 0) { print "function not found: " fn > "/dev/stderr"; exit 1 }
        printf "%.1f instructions per call (%d calls, %d instructions)\n", total / calls, calls, total }'
