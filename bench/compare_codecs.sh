#!/bin/sh
# The generated endpoint mapper codecs against the hand-written ones they
# replaced (BENCHMARKS.md, "Generated codecs against the hand-written ones
# they replaced"), on the same stubs:
#
#   bench/compare_codecs.sh HAND_BUILD GEN_BUILD [ROUNDS]
#
# HAND_BUILD is a build of the last tree with the hand-written codecs
# (312db13^; `cmake --build DIR --target ndr_bench gen_bench` is enough),
# GEN_BUILD a build of this tree. Prints, per codec, the instructions per
# call under callgrind (load-independent) of each, then the CPU time per
# call: ROUNDS (default 5) rounds, each running the hand-written and the
# generated benchmark one after the other (5 repetitions of at least 0.1 s
# of CPU each), and the median over all repetitions of each. Needs valgrind.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 HAND_BUILD GEN_BUILD [ROUNDS]" >&2; exit 2; }
hand=$1/bench gen=$2/bench rounds=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# name, binary, hand filter, generated filter, hand function, generated function
cases() {
  cat <<'EOF'
ept_map request decode (ndr_bench)|ndr_bench|BM_DecodeEptMapRequest$|BM_DecodeEptMapRequest$|ndr::decode_stub<rampart::epm::EptMapRequest|ndr::decode_stub<rampart::spec::epm::ept_map_request
ept_map request encode (ndr_bench)|ndr_bench|BM_EncodeEptMapRequest$|BM_EncodeEptMapRequest$|ndr::encode_stub<rampart::epm::EptMapRequest|ndr::encode_stub<rampart::spec::epm::ept_map_request
ept_map request decode (gen_bench)|gen_bench|BM_DecodeMapRequest_hand$|BM_DecodeMapRequest_spec$|ndr::decode_stub<rampart::epm::EptMapRequest|ndr::decode_stub<rampart::spec::epm::ept_map_request
ept_map response, 4 towers, decode (gen_bench)|gen_bench|BM_DecodeMapResponse4_hand$|BM_DecodeMapResponse4_spec$|ndr::decode_stub<rampart::epm::EptMapResponse|ndr::decode_stub<rampart::spec::epm::ept_map_response
ept_map request encode (gen_bench)|gen_bench|BM_EncodeMapRequest_hand$|BM_EncodeMapRequest_spec$|ndr::encode_stub<rampart::epm::EptMapRequest|ndr::encode_stub<rampart::spec::epm::ept_map_request
ept_map response, 4 towers, encode (gen_bench)|gen_bench|BM_EncodeMapResponse4_hand$|BM_EncodeMapResponse4_spec$|ndr::encode_stub<rampart::epm::EptMapResponse|ndr::encode_stub<rampart::spec::epm::ept_map_response
EOF
}

ipc() { sh "$here/instructions_per_call.sh" "$1" "$2" "$3" | cut -d' ' -f1; }

# CPU time per call (ns) of every repetition, one a line.
cpu() {
  "$1" --benchmark_filter="$2" --benchmark_min_time=0.1 --benchmark_repetitions=5 --benchmark_format=csv 2>/dev/null |
    awk -F, '$1 ~ /^"BM_/ && $1 !~ /_(mean|median|stddev|cv)"$/ { print $4 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "| what | hand-written | generated | ratio |" "|---|---|---|---|"
i=0
cases | while IFS='|' read -r name bin hf gf hfn gfn; do
  i=$((i + 1))
  h=$(ipc "$hand/$bin" "$hf" "$hfn") g=$(ipc "$gen/$bin" "$gf" "$gfn")
  : >"$out/h$i" && : >"$out/g$i"
  r=0
  while [ $r -lt "$rounds" ]; do
    cpu "$hand/$bin" "$hf" >>"$out/h$i"
    cpu "$gen/$bin" "$gf" >>"$out/g$i"
    r=$((r + 1))
  done
  hc=$(median <"$out/h$i") gc=$(median <"$out/g$i")
  awk -v n="$name" -v h="$h" -v g="$g" -v hc="$hc" -v gc="$gc" 'BEGIN {
    printf "| %s, instructions per call (callgrind) | %.0f | %.0f | %.2fx |\n", n, h, g, g / h
    printf "| %s, CPU time per call (median) | %.1f ns | %.1f ns | %.2fx |\n", n, hc, gc, gc / hc }'
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
