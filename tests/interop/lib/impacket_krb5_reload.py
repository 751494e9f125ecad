#!/usr/bin/python3
"""The reload rule for the keytab (rampartd(8) [security]): a Kerberos connection established
before a reload that drops the keytab keeps serving; a new Kerberos bind after it is refused.

    impacket_krb5_reload.py USER PASSWORD REALM HOST KDC FIFO

Binds with Kerberos through SPNEGO at privacy and makes a call, then creates FIFO and waits for
a line on it (the caller reloads rampartd meanwhile), then calls again on the same connection
and tries a new bind. KRB5CCNAME as for impacket_krb5.py. Prints one "ok:" line per check; exits non-zero on the first failure.
"""
import os
import sys

from impacket.dcerpc.v5 import mgmt
from impacket.dcerpc.v5.rpcrt import RPC_C_AUTHN_LEVEL_PKT_PRIVACY, DCERPCException

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from impacket_krb5 import connect  # noqa: E402


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    args, fifo = sys.argv[1:6], sys.argv[6]
    d = connect(args, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, mgmt.MSRPC_UUID_MGMT)
    before = len(mgmt.hinq_if_ids(d)["if_id_vector"]["if_id"])
    os.mkfifo(fifo)
    with open(fifo) as f:
        f.readline()
    after = len(mgmt.hinq_if_ids(d)["if_id_vector"]["if_id"])
    assert after == before, (before, after)
    print(f"ok: the established Kerberos connection still serves after the reload ({after} interfaces)")
    d.disconnect()
    try:
        connect(args, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, mgmt.MSRPC_UUID_MGMT)
    except DCERPCException as e:
        print(f"ok: a new Kerberos bind is refused after the keytab was removed: {e}")
    else:
        sys.exit("a new Kerberos bind succeeded without a keytab")


if __name__ == "__main__":
    main()
