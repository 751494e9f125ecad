#!/usr/bin/env bash
# `rampart probe` at fleet scale: 256 hosts, the default probe set, one run.
#
#   bench/probe_scale.sh [BUILD_DIR]        (root; needs network namespaces)
#
# Three server namespaces, each linked to a client namespace by its own veth
# pair (nothing is visible from the host), each answering for a whole range of
# addresses through a local route on its loopback:
#   rampartd          10.99.1.1 .. 10.99.1.86   (build/bin/rampartd, 0.0.0.0:135, DCOM on)
#   Samba 4.17        10.99.2.1 .. 10.99.2.85   (samba-dcerpcd + rpcd_epmapper)
#   lenient_epm.py    10.99.3.1 .. 10.99.3.85   (every flaw planted)
# so the engine sees 256 distinct hosts. Prints the wall time, hosts/s, the
# peak RSS and CPU time of the rampart process (getrusage), the verdict counts per
# implementation, and rampart's summary table. The issue's target: at most
# 30 s and 128 MiB on a 2-core machine. PROBE_ARGS adds options to the run.
# Every namespace and process started here is removed on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
source "$root/tests/interop/lib/rampartd.sh"
interop_require_root
rampart=$build/bin/rampart
work=$(mktemp -d /tmp/rampart-probe-scale.XXXXXX)
interop_at_exit rm -rf "$work"
py=/usr/bin/python3

c=pscale-c-$$ r=pscale-r-$$ s=pscale-s-$$ f=pscale-f-$$

# link NS INDEX: a veth pair between the client namespace and NS, and the
# range 10.99.INDEX.0/24 routed to NS, where a local route accepts all of it.
link() {
  local ns=$1 i=$2
  ip link add "pc$i-$$" netns "$c" type veth peer name "ps$i-$$" netns "$ns"
  ip -n "$c" addr add "10.98.$i.1/30" dev "pc$i-$$"
  ip -n "$ns" addr add "10.98.$i.2/30" dev "ps$i-$$"
  ip -n "$c" link set "pc$i-$$" up
  ip -n "$ns" link set "ps$i-$$" up
  ip -n "$c" route add "10.99.$i.0/24" via "10.98.$i.2"
  ip -n "$ns" route add local "10.99.$i.0/24" dev lo
}

# rampartd on every address of its namespace.
mkdir -p "$work/rampartd"
netns_create "$r"
interop_at_exit netns_delete "$r"
cat >"$work/rampartd/rampartd.toml" <<CONF
[server]
listeners = ["0.0.0.0:135"]
local_socket = "$work/rampartd/epmapper.sock"
threads = 1
allow_root = true
[registration]
static_socket = "$work/rampartd/epmapper-static.sock"
[dcom]
enabled = true
classes = ["rampart-echo"]
CONF
ip netns exec "$r" "$build/bin/rampartd" --config "$work/rampartd/rampartd.toml" >"$work/rampartd.log" 2>&1 &
interop_at_exit kill $!

# Samba listening on the wildcard address (later lines of smb.conf win).
SAMBA_EXTRA_CONF="  bind interfaces only = no" samba_start "$s" "$work/samba" || interop_die "samba-dcerpcd did not start"

netns_create "$f"
interop_at_exit netns_delete "$f"
plants=()
for p in $("$py" "$root/tests/interop/lib/probe_check.py" plants); do plants+=(--plant "$p"); done
ip netns exec "$f" "$py" "$root/tests/interop/lib/lenient_epm.py" --listen 0.0.0.0 "${plants[@]}" >"$work/fake.log" 2>&1 &
interop_at_exit kill $!

netns_create "$c"
interop_at_exit netns_delete "$c"
link "$r" 1
link "$s" 2
link "$f" 3

: >"$work/targets"
for i in $(seq 1 86); do echo "10.99.1.$i" >>"$work/targets"; done
for i in $(seq 1 85); do echo "10.99.2.$i" >>"$work/targets"; done
for i in $(seq 1 85); do echo "10.99.3.$i" >>"$work/targets"; done
open() { ip netns exec "$c" bash -c "exec 3<>/dev/tcp/$1/135" 2>/dev/null; }
for a in 10.99.1.7 10.99.2.7 10.99.3.7; do
  interop_wait_until 10 open "$a" || interop_die "nothing answers on $a:135"
done
# Samba forks its worker at the first connection: warm it up (INTEROP.md).
ip netns exec "$c" "$rampart" probe --no-progress -q --probe c1.version-minor 10.99.2.1 >/dev/null || true

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
# Wall time, and the peak RSS and CPU time of the child (getrusage: `ip netns
# exec` execs rampart, so the child is rampart itself).
# shellcheck disable=SC2086
"$py" - "$work/measure.txt" ip netns exec "$c" "$rampart" probe --no-progress -f "$work/targets" \
  --format jsonl -o "$work/results.jsonl" ${PROBE_ARGS:-} 2>"$work/summary.txt" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
rc = subprocess.call(sys.argv[2:])
wall = time.monotonic() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write(f"{rc} {wall:.2f} {ru.ru_maxrss} {ru.ru_utime + ru.ru_stime:.2f}\n")
PY
read -r rc wall rss_kib cpu <"$work/measure.txt"
hps=$("$py" -c "print(f'{256 / $wall:.1f}')")
echo "rampart probe: 256 hosts, default probes, exit status $rc"
echo "wall time: $wall s; $hps hosts/s; peak RSS: $((rss_kib / 1024)) MiB ($rss_kib KiB); CPU: $cpu s"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
# The issue's targets, and one machine-readable line for scripts/run-bench.
met() { "$py" -c "import sys; print('met' if float(sys.argv[1]) <= float(sys.argv[2]) else 'NOT MET')" "$1" "$2"; }
echo "  wall time <= 30 s: $(met "$wall" 30); peak RSS <= 128 MiB: $(met "$rss_kib" $((128 * 1024)))"
echo "RESULT hosts=256 exit=$rc wall_s=$wall hosts_per_s=$hps peak_rss_kib=$rss_kib cpu_s=$cpu"
"$py" - "$work/results.jsonl" <<'PY'
import collections, json, sys
by = collections.defaultdict(collections.Counter)
fams = collections.defaultdict(collections.Counter)
n = 0
for line in open(sys.argv[1]):
    h = json.loads(line)
    n += 1
    impl = {"1": "rampartd", "2": "samba", "3": "lenient"}[h["target"].split(".")[2]]
    fams[impl][f"{h['fingerprint']['family']}/{h['fingerprint']['confidence']}"] += 1
    for p in h["probes"]:
        by[impl][p["verdict"]] += 1
print(f"{n} host reports")
for impl in ("rampartd", "samba", "lenient"):
    print(f"  {impl:9} verdicts {dict(by[impl])}  fingerprints {dict(fams[impl])}")
PY
echo "summary table (first and last lines):"
head -3 "$work/summary.txt"
tail -1 "$work/summary.txt"
