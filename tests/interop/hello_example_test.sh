#!/usr/bin/env bash
# examples/hello built against an installed Rampart, end to end:
#  1. `cmake --install` of BUILD_DIR into a staging root (DESTDIR);
#  2. examples/hello configured with find_package(Rampart) from there and built
#     (rampart_idl() runs the installed rampart-idl);
#  3. in a private network namespace: rampartd, the hello server (registers itself over
#     rampartd's local socket), the hello client (ept_map on 127.0.0.1:135, then calls);
#  4. Impacket binds to the hello server with NDR64 and calls it, and checks the endpoint
#     mapper over NDR20 and NDR64 (tests/interop/impacket_ndr64.py).
#   hello_example_test.sh BUILD_DIR RAMPARTD [NDR64_EPM]
# NDR64_EPM (interop_ndr64_epm) serves the endpoint mapper's generated codecs, for Impacket's
# ept_lookup and ept_map over NDR64 until rampartd's endpoint mapper runs on them.
# Steps 1-2 need neither root nor a network; 3-4 need root and are skipped (77) without it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
source "$here/lib/python.sh"
(($# == 2 || $# == 3)) || interop_die "usage: hello_example_test.sh BUILD_DIR RAMPARTD [NDR64_EPM]"
build=$(realpath "$1")
rampartd=$(realpath "$2")
epm64=${3:+$(realpath "$3")}
source_dir=$(cd "$here/../.." && pwd)
# rampartd's endpoint mapper marshals NDR20 only until it runs on generated code; then
# this becomes "accepted" and Impacket's ept_lookup/ept_map over NDR64 are checked too.
epm_ndr64=${RAMPART_EPM_NDR64:-accepted}

work=$(mktemp -d /tmp/rampart-hello.XXXXXX)
chmod 755 "$work"
interop_at_exit rm -rf "$work"

DESTDIR=$work/root cmake --install "$build" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; interop_die "cmake --install failed"; }
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
staged=$work/root$prefix
for f in lib/cmake/Rampart/RampartConfig.cmake lib/cmake/Rampart/RampartConfigVersion.cmake \
  lib/cmake/Rampart/RampartTargets.cmake lib/cmake/Rampart/rampart_idl.cmake bin/rampart-idl \
  share/man/man1/rampart-idl.1 share/rampart/idl/c706/epm.idl; do
  [[ -e $staged/$f ]] || interop_die "$f is not installed"
done
interop_log "ok: the CMake package is installed"

compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
start=$SECONDS
cmake -S "$source_dir/examples/hello" -B "$work/hello" -DCMAKE_PREFIX_PATH="$staged" \
  -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; interop_die "examples/hello does not configure against the package"; }
cmake --build "$work/hello" -j 2 >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log" >&2; interop_die "examples/hello does not build"; }
grep -rqs --include='*.make' --include='*.ninja' -- "$staged/bin/rampart-idl" "$work/hello" ||
  interop_die "the build did not run the installed rampart-idl"
interop_log "ok: examples/hello builds against the installed package ($((SECONDS - start)) s)"

interop_require_root
ns=rampart-hello-$$
rampartd_start "$ns" "$work" "$rampartd"
ip netns exec "$ns" "$work/hello/hello_server" "$work/epmapper.sock" >"$work/server.log" 2>&1 &
server=$!
interop_at_exit kill "$server"
interop_wait_until 10 grep -qs "registered with the endpoint mapper" "$work/server.log" ||
  { cat "$work/server.log" "$work/rampartd.log" >&2; interop_die "the hello server did not register"; }
port=$(sed -n 's/.*listening on port \([0-9]*\),.*/\1/p' "$work/server.log")

out=$(ip netns exec "$ns" "$work/hello/hello_client" 127.0.0.1 World 2>&1) ||
  { echo "$out" >&2; interop_die "hello_client failed"; }
expected="Hello, World! (greeting 1), 40 + 2 = 42, port $port, NDR64"
[[ $out == "$expected" ]] || interop_die "hello_client said '$out', expected '$expected'"
interop_log "ok: hello_client found the server through ept_map and called it: $out"
if [[ -x $build/bin/rampart ]]; then
  mapped=$(ip netns exec "$ns" "$build/bin/rampart" map 127.0.0.1 5f3c2a1e-8d4b-4c6a-9e7f-0a1b2c3d4e5f 2>&1) || true
  [[ $mapped == *"ncacn_ip_tcp:127.0.0.1[$port]"* ]] || interop_die "rampart map said: $mapped"
  interop_log "ok: rampart map shows the registration: $mapped"
fi

interop_python -c 'import impacket' 2>/dev/null || { interop_log "skipped: Impacket is not installed"; exit 77; }
generated=()
if [[ -n $epm64 ]]; then
  # It serves until its stdin closes: this shell holds the fifo open.
  mkfifo "$work/epm64.in"
  ip netns exec "$ns" "$epm64" <"$work/epm64.in" >"$work/epm64.port" 2>&1 &
  interop_at_exit kill $!
  exec 7>"$work/epm64.in"
  interop_wait_until 10 grep -qs '^[0-9]' "$work/epm64.port" || interop_die "interop_ndr64_epm did not start"
  generated=(--generated-epm "$(head -n 1 "$work/epm64.port")")
fi
ip netns exec "$ns" env PYTHONPATH="$INTEROP_LIB_DIR" PYTHONDONTWRITEBYTECODE=1 "$INTEROP_PYTHON" \
  "$here/impacket_ndr64.py" 127.0.0.1 "$port" --epm-ndr64 "$epm_ndr64" "${generated[@]}" ||
  interop_die "Impacket over NDR64"
kill -0 "$RAMPARTD_PID" 2>/dev/null || interop_die "rampartd died"
interop_log "ok: all checks passed"
