#!/usr/bin/python3
"""Impacket calls rampartd's mgmt and endpoint mapper with NTLM at PKT_INTEGRITY and
PKT_PRIVACY, and checks what comes back. Prints one "ok:" line per check; exits non-zero
on the first failure.   impacket_auth.py USER PASSWORD DOMAIN PRINCIPAL"""
import sys

from impacket.dcerpc.v5 import epm, mgmt, transport
from impacket.dcerpc.v5.rpcrt import (RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                      RPC_C_AUTHN_WINNT, DCERPCException)


def connect(user, password, domain, level, uuid):
    t = transport.DCERPCTransportFactory("ncacn_ip_tcp:127.0.0.1[135]")
    t.set_credentials(user, password, domain)
    d = t.get_dce_rpc()
    d.set_auth_type(RPC_C_AUTHN_WINNT)
    d.set_auth_level(level)
    d.connect()
    d.bind(uuid)
    return d


def main():
    user, password, domain, principal = sys.argv[1:5]
    for level, name in ((RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, "integrity"), (RPC_C_AUTHN_LEVEL_PKT_PRIVACY, "privacy")):
        d = connect(user, password, domain, level, mgmt.MSRPC_UUID_MGMT)
        ids = mgmt.hinq_if_ids(d)["if_id_vector"]["if_id"]
        assert len(ids) >= 2, ids
        listening = mgmt.his_server_listening(d)["status"]
        assert listening == 0, listening
        got = b"".join(mgmt.hinq_princ_name(d, RPC_C_AUTHN_WINNT, 256)["princ_name"]).rstrip(b"\0").decode()
        assert got == principal, (got, principal)
        print(f"ok: mgmt at {name}: {len(ids)} interfaces, principal {got}")
        d.disconnect()
        d = connect(user, password, domain, level, epm.MSRPC_UUID_PORTMAP)
        req = epm.ept_lookup()
        req["inquiry_type"] = epm.RPC_C_EP_ALL_ELTS
        req["vers_option"] = epm.RPC_C_VERS_ALL
        req["max_ents"] = 50
        resp = d.request(req)
        assert resp["num_ents"] >= 2, resp["num_ents"]
        print(f"ok: ept_lookup at {name}: {resp['num_ents']} entries")
        d.disconnect()
    # NTLM ends with auth3, which is never answered: a wrong password shows at the first call.
    d = connect(user, "wrong-" + password, domain, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, mgmt.MSRPC_UUID_MGMT)
    try:
        mgmt.hinq_if_ids(d)
    except DCERPCException as e:
        assert "access_denied" in str(e).lower() or "rpc_s_access_denied" in str(e).lower(), str(e)
        print(f"ok: a wrong password is refused at the first call: {e}")
    else:
        sys.exit("a wrong password was served")


if __name__ == "__main__":
    main()
