#!/usr/bin/env bash
# rampartd hosting a service module (rampart/runtime/service_module.hpp):
#  1. rampartd loads the conformance server module from [services] modules,
#     serves it on 135 and registers it with its endpoint mapper;
#  2. `rampart map` finds it there, and the generated conformance client
#     (conformance_remote) finds it through ept_map and calls every language
#     feature in NDR20 and NDR64, little- and big-endian;
#  3. rampartd refuses to start with a module it must not load (a
#     group-writable copy, or the same interfaces twice), naming the module
#     and the reason, and exits 1.
#   service_module_test.sh RAMPARTD RAMPART MODULE CONFORMANCE_REMOTE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
(($# == 4)) || interop_die "usage: service_module_test.sh RAMPARTD RAMPART MODULE CONFORMANCE_REMOTE"
rampartd=$(realpath "$1")
rampart=$(realpath "$2")
module=$(realpath "$3")
remote=$(realpath "$4")
interop_require_root
readonly conformance_uuid=6b7a3c1e-94f2-4c1d-8d0e-2f5a9b3c7d41

work=$(mktemp -d /tmp/rampart-svcmod.XXXXXX)
chmod 755 "$work"
interop_at_exit rm -rf "$work"
# The module is loaded from a root-owned, private copy: the build tree's
# directories need not satisfy the trust rules.
install -m 0644 "$module" "$work/conformance.so"

ns=rampart-svcmod-$$
RAMPARTD_EXTRA_CONF="[services]
modules = [\"$work/conformance.so\"]" rampartd_start "$ns" "$work" "$rampartd"
grep -q 'service module loaded' "$work/rampartd.log" ||
  { cat "$work/rampartd.log" >&2; interop_die "rampartd did not log the module"; }
interop_log "ok: rampartd loaded the module"

mapped=$(ip netns exec "$ns" "$rampart" map 127.0.0.1 "$conformance_uuid" 2>&1) ||
  { echo "$mapped" >&2; interop_die "rampart map failed"; }
[[ $mapped == *"ncacn_ip_tcp:127.0.0.1[135]"* ]] || interop_die "rampart map said: $mapped"
interop_log "ok: rampart map: $mapped"

RAMPART_CONFORMANCE_HOST=127.0.0.1 ip netns exec "$ns" "$remote" --gtest_brief=1 >"$work/remote.log" 2>&1 ||
  { cat "$work/remote.log" >&2; interop_die "the conformance client failed against rampartd"; }
grep -q "SKIPPED" "$work/remote.log" && { cat "$work/remote.log" >&2; interop_die "the conformance client skipped"; }
passed=$(sed -n 's/.*PASSED.* \([0-9]*\) tests\?.*/\1/p' "$work/remote.log")
((passed >= 7)) || { cat "$work/remote.log" >&2; interop_die "expected at least 7 passing tests, got '$passed'"; }
interop_log "ok: the generated client called the rampartd-hosted server: $passed tests passed"

# A module rampartd must refuse: it exits 1 before listening and says why.
refused() {
  local what=$1 expect=$2
  cat >"$work/refuse.toml" <<CONF
[server]
listeners = ["127.0.0.1:1135"]
local_socket = ""
allow_root = true
[registration]
static_socket = ""
[services]
modules = [$what]
CONF
  local rc=0
  ip netns exec "$ns" timeout 30 "$rampartd" --config "$work/refuse.toml" >"$work/refuse.log" 2>&1 || rc=$?
  ((rc == 1)) || { cat "$work/refuse.log" >&2; interop_die "rampartd exited $rc for $what, expected 1"; }
  grep -q -- "$expect" "$work/refuse.log" || { cat "$work/refuse.log" >&2; interop_die "no '$expect' for $what"; }
  interop_log "ok: refused $what: $(grep -o -- "$expect" "$work/refuse.log" | head -n 1)"
}
install -m 0664 "$module" "$work/writable.so"
refused "\"$work/writable.so\"" "writable by group or others"
refused "\"$work/conformance.so\", \"$work/conformance.so\"" "is already served"
ln -s "$work/conformance.so" "$work/link.so"
refused "\"$work/link.so\"" "not canonical"
