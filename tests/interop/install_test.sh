#!/usr/bin/env bash
# `cmake --install` into a staging root (DESTDIR): the programs run, the manual
# pages render without warnings, the installed configuration parses, the units
# and the sysusers.d entry are there, and systemd-analyze rates the installed
# service SAFE or OK.
#   install_test.sh BUILD_DIR
set -euo pipefail
(($# == 1)) || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(realpath "$1")
root=$(mktemp -d /tmp/rampart-install.XXXXXX)
chmod 755 "$root"  # the unprivileged run below reads the installed configuration
trap 'rm -rf "$root"' EXIT
fail=0
pass() { echo "install_test: ok: $*"; }
flunk() { echo "install_test: FAIL: $*" >&2; fail=1; }

DESTDIR=$root cmake --install "$build" >"$root.log" 2>&1 || { cat "$root.log" >&2; exit 1; }
rm -f "$root.log"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
sysconf=$([[ $prefix == /usr ]] && echo /etc || echo "$prefix/etc")
for f in "$prefix/sbin/rampartd" "$prefix/bin/rampart" "$prefix/share/man/man1/rampart.1" "$prefix/share/man/man1/rampart-probe.1" \
  "$prefix/share/man/man8/rampartd.8" "$prefix/lib/systemd/system/rampartd.service" \
  "$prefix/lib/systemd/system/rampartd.socket" "$prefix/lib/systemd/system/rampartd-static.socket" \
  "$prefix/lib/sysusers.d/rampart.conf" "$sysconf/rampart/rampartd.toml" "$prefix/share/doc/rampart/LICENSE" \
  "$prefix/share/bash-completion/completions/rampart" "$prefix/share/bash-completion/completions/rampartd" \
  "$prefix/include/rampart/transport/endpoint_registration.hpp" "$prefix/include/rampart/base/error.hpp"; do
  if [[ -e $root$f ]]; then pass "$f"; else flunk "$f is not installed"; fi
done

"$root$prefix/sbin/rampartd" --version | grep -q '^rampartd ' && pass "rampartd --version" || flunk "rampartd --version"
"$root$prefix/bin/rampart" --version | grep -q '^rampart ' && pass "rampart --version" || flunk "rampart --version"
for page in man1/rampart.1 man1/rampart-probe.1 man8/rampartd.8; do
  warnings=$(MANWIDTH=80 man --warnings -l "$root$prefix/share/man/$page" 2>&1 >/dev/null || true)
  [[ -z $warnings ]] && pass "$page renders cleanly" || flunk "$page: $warnings"
done
# Every Rampart page the installed pages refer to (SEE ALSO, .BR name (N)) is installed too.
for ref in $(cat "$root$prefix"/share/man/man[18]/*.[18] | sed -nE 's/^\.BR (rampart[a-z\\-]*) \(([0-9])\).*/\1.\2/p' | tr -d '\\' | sort -u); do
  [[ -e $root$prefix/share/man/man${ref##*.}/$ref ]] && pass "man page $ref referred to and installed" ||
    flunk "man page $ref is referred to but not installed"
done
grep -q "^ExecStart=$prefix/sbin/rampartd --config $sysconf/rampart/rampartd.toml --state-dir /var/lib/rampart$" \
  "$root$prefix/lib/systemd/system/rampartd.service" && pass "the unit runs the installed rampartd with its config" ||
  flunk "ExecStart does not name the installed paths"
grep -qE '^u rampart ' "$root$prefix/lib/sysusers.d/rampart.conf" && pass "sysusers.d creates rampart" ||
  flunk "sysusers.d entry"

# The installed configuration parses: a config error exits 2 before anything is bound;
# unprivileged (nobody) with no listener it gets as far as binding nothing and exits 1.
rc=0
as_user=()
(($(id -u) == 0)) && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${as_user[@]}" "$root$prefix/sbin/rampartd" \
  --config "$root$sysconf/rampart/rampartd.toml" --listen 127.0.0.1:1 --local-socket "" --static-socket "" \
  >"$root/run.log" 2>&1 || rc=$?
if ((rc == 1)) && grep -q "cannot listen" "$root/run.log"; then pass "the installed configuration parses"; else
  flunk "installed configuration: exit $rc"; cat "$root/run.log" >&2
fi

# complete_words COMPLETION FUNCTION WORD...: what bash completion offers for the last word.
complete_words() {
  local file=$1 fn=$2
  shift 2
  bash -c 'source /usr/share/bash-completion/bash_completion; source "$1"; shift
    fn=$1; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}; "$fn"; echo "${COMPREPLY[*]}"' _ "$file" "$fn" "$@"
}
if [[ -r /usr/share/bash-completion/bash_completion ]]; then
  comp=$root$prefix/share/bash-completion/completions
  [[ $(complete_words "$comp/rampart" _rampart rampart ma) == map ]] && pass "completion: rampart ma -> map" ||
    flunk "completion of rampart subcommands"
  [[ $(complete_words "$comp/rampart" _rampart rampart map 127.0.0.1 epm) == "epmapper epm" ]] &&
    pass "completion: interface names" || flunk "completion of interface names"
  [[ $(complete_words "$comp/rampartd" _rampartd rampartd --allow) == --allow-root ]] &&
    pass "completion: rampartd options" || flunk "completion of rampartd options"
  # Every subcommand and long option that --help lists is offered, so the completion
  # cannot fall behind the programs.
  long_options() { "$@" --help | grep -oE '^  (-[a-zA-Z],)?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+$'; }
  missing=""
  offered=" $(complete_words "$comp/rampartd" _rampartd rampartd -) "
  for o in $(long_options "$root$prefix/sbin/rampartd"); do [[ $offered == *" $o "* ]] || missing+=" rampartd $o"; done
  subs=$("$root$prefix/bin/rampart" --help | awk '/^Subcommands:/ {s = 1; next} s && /^  [a-z]/ {print $1}')
  offered=" $(complete_words "$comp/rampart" _rampart rampart "") "
  for s in $subs; do
    [[ $offered == *" $s "* ]] || missing+=" rampart $s"
    sub_offered=" $(complete_words "$comp/rampart" _rampart rampart "$s" -) "
    for o in $(long_options "$root$prefix/bin/rampart" "$s"); do
      [[ $sub_offered == *" $o "* ]] || missing+=" rampart $s $o"
    done
  done
  [[ -n $subs && -z $missing ]] && pass "completion offers every subcommand and long option of --help" ||
    flunk "completion lacks:$missing"
fi

if command -v systemd-analyze >/dev/null; then
  line=$(systemd-analyze security --offline=true --root="$root" rampartd.service 2>&1 | grep "Overall exposure" || true)
  echo "install_test: $line"
  [[ $line =~ :\ ([0-9.]+)\ (SAFE|OK) ]] && pass "systemd-analyze security: ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" ||
    flunk "systemd-analyze security: $line"
fi
# The installed headers are all of include/rampart and nothing else, plus the
# headers generated from the specifications' IDL under rampart/spec (the
# endpoint mapper's, mgmt's and DCOM's stubs), and they compile on their own
# from the installed tree.
[[ $(cd "$root$prefix/include" && find rampart -type f -not -path 'rampart/spec/*' | sort) == $(cd "$(dirname "$0")/../../include" && find rampart -name '*.hpp' -type f | sort) ]] &&
  pass "the public headers are installed" || flunk "installed headers differ from include/rampart"
[[ -f $root$prefix/include/rampart/spec/epm.hpp && -f $root$prefix/include/rampart/spec/orpc.hpp ]] &&
  pass "the generated spec headers are installed" || flunk "rampart/spec/{epm,orpc}.hpp not installed"
echo '#include <rampart/transport/endpoint_registration.hpp>
int main() { rampart::transport::RegistrationOptions o; return o.socket.empty(); }' >"$root/use.cpp"
g++ -std=c++23 -fsyntax-only -I "$root$prefix/include" "$root/use.cpp" 2>"$root/use.log" &&
  pass "an installed header compiles from the installed tree" || { flunk "installed header"; cat "$root/use.log" >&2; }
# scripts/install-deps: its help is the header comment and names every profile; an
# unknown profile is a usage error (2). Neither installs anything.
deps=$(dirname "$0")/../../scripts/install-deps
help=$("$deps" --help)
[[ $help == Installs* && $help != *"set -"* && $help == *runtime* && $help == *build* && $help == *test* &&
  $help == *bench* ]] && pass "install-deps --help" || flunk "install-deps --help: $help"
rc=0
"$deps" no-such-profile >/dev/null 2>&1 || rc=$?
((rc == 2)) && pass "install-deps refuses an unknown profile (2)" || flunk "install-deps no-such-profile: exit $rc"
((fail == 0)) || exit 1
echo "install_test: all checks passed"
