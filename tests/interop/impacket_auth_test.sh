#!/usr/bin/env bash
# Impacket (under /usr/bin/python3) calls rampartd's mgmt and endpoint mapper with NTLM from
# rampartd's user file at PKT_INTEGRITY and PKT_PRIVACY; mgmt inq_princ_name returns the
# configured principal. rampartd listens on 127.0.0.1:135 in a private network namespace.
#   impacket_auth_test.sh RAMPARTD
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rampartd.sh"
source "$here/lib/python.sh"
interop_require_root
interop_python_check
rampartd=$(realpath "$1")
ns=rampart-impauth-$$
work=$(mktemp -d /tmp/rampart-impauth.XXXXXX)
interop_at_exit rm -rf "$work"
printf 'RAMPART:alice:Rampart-Auth-Pass1\n' >"$work/ntlm-users"
RAMPARTD_EXTRA_CONF=$(printf '[security]\nntlm_user_file = "%s"\nservice = "host@rampart"\nprincipal = "RAMPART\\\\rampartd"\n' \
  "$work/ntlm-users")
export RAMPARTD_EXTRA_CONF
rampartd_start "$ns" "$work" "$rampartd"
ip netns exec "$ns" timeout 60 /usr/bin/python3 "$here/lib/impacket_auth.py" alice Rampart-Auth-Pass1 RAMPART \
  'RAMPART\rampartd' || { tail -n 20 "$work/rampartd.log" >&2; interop_die "Impacket with NTLM failed"; }
kill -0 "$RAMPARTD_PID" 2>/dev/null || interop_die "rampartd died"
grep -q 'authenticated .*auth_level=6 .*principal=RAMPART\\alice' "$work/rampartd.log" ||
  { cat "$work/rampartd.log" >&2; interop_die "rampartd did not log the privacy-level logon"; }
interop_log "ok: Impacket NTLM at integrity and privacy against mgmt and the endpoint mapper"
