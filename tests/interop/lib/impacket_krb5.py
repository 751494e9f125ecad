#!/usr/bin/python3
"""Impacket calls rampartd's mgmt and endpoint mapper with Kerberos through SPNEGO (auth type 9,
DCE style: AP-REQ in the bind, AP-REP in the bind_ack, the client's AP-REP in an alter_context)
at PKT_PRIVACY, and checks what comes back. Prints one "ok:" line per check;
exits non-zero on the first failure.

    impacket_krb5.py USER PASSWORD REALM HOST KDC PRINCIPAL

HOST is the name in the service ticket (host/HOST); the connection goes to 127.0.0.1 whatever
it is, so HOST need not resolve. PRINCIPAL is what inq_princ_name must answer for Kerberos (16).
KRB5CCNAME must name (as a plain path) a ccache with USER's TGT, from MIT's kinit: Impacket 0.10
cannot parse an MIT KDC's AS-REP (its enc-part carries the EncTGSRepPart tag, as RFC 4120 5.4.2
allows), and MIT's KDC refuses its TGS-REQ (no authenticator checksum): the ccache must hold
the service tickets for host/HOST and host/other.HOST too (MIT's kvno).
"""
import os
import sys

from impacket.dcerpc.v5 import epm, mgmt, transport
from impacket.dcerpc.v5.rpcrt import (RPC_C_AUTHN_GSS_KERBEROS, RPC_C_AUTHN_GSS_NEGOTIATE,
                                      RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
from impacket.dcerpc.v5.rpcrt import DCERPCException

# PKT_PRIVACY only: Impacket 0.10's Kerberos GSS_GetMIC (the integrity level) appends a str to
# bytes and raises TypeError before anything is sent; `rampart -k` covers integrity.
LEVELS = ((RPC_C_AUTHN_LEVEL_PKT_PRIVACY, "privacy"),)


def connect(args, level, uuid):
    user, password, realm, host, kdc = args[:5]
    t = transport.DCERPCTransportFactory("ncacn_ip_tcp:127.0.0.1[135]")
    t.setRemoteName(host)  # the ticket is for host/HOST; the socket goes to 127.0.0.1
    t.set_credentials(user, password, realm)
    t.set_kerberos(True, kdc)
    d = t.get_dce_rpc()
    d.set_auth_type(RPC_C_AUTHN_GSS_NEGOTIATE)
    d.set_auth_level(level)
    d.connect()
    d.bind(uuid)
    return d


def princ_name(d, authn):
    return b"".join(mgmt.hinq_princ_name(d, authn, 256)["princ_name"]).rstrip(b"\0").decode()


def check_mgmt(args, level, name):
    d = connect(args, level, mgmt.MSRPC_UUID_MGMT)
    ids = mgmt.hinq_if_ids(d)["if_id_vector"]["if_id"]
    assert len(ids) >= 2, ids
    got = princ_name(d, RPC_C_AUTHN_GSS_KERBEROS)
    assert got == args[5], (got, args[5])
    negotiate = princ_name(d, RPC_C_AUTHN_GSS_NEGOTIATE)
    assert negotiate == args[5], (negotiate, args[5])
    print(f"ok: mgmt with Kerberos at {name}: {len(ids)} interfaces, principal {got} (16 and 9)")
    d.disconnect()


def ept_map(d, iface):
    """ept_map over the endpoint mapper connection `d`. Impacket's hept_map binds again first, and a
    connection has exactly one bind (C706 12.6.4.3: rampartd refuses a second one with bind_nak)."""
    bind = d.bind
    d.bind = lambda *args, **kwargs: None
    try:
        return epm.hept_map("127.0.0.1", epm.uuidtup_to_bin(iface), protocol="ncacn_ip_tcp", dce=d)
    finally:
        d.bind = bind


def check_epm(args, level, name):
    d = connect(args, level, epm.MSRPC_UUID_PORTMAP)
    req = epm.ept_lookup()
    req["inquiry_type"] = epm.RPC_C_EP_ALL_ELTS
    req["vers_option"] = epm.RPC_C_VERS_ALL
    req["max_ents"] = 50
    resp = d.request(req)
    assert resp["num_ents"] >= 2, resp["num_ents"]
    # lsarpc and netlogon are static entries of lib/rampartd.sh on TCP 49154 and 49155.
    lsa = ept_map(d, ("12345778-1234-ABCD-EF00-0123456789AB", "0.0"))
    assert lsa == "ncacn_ip_tcp:127.0.0.1[49154]", lsa
    netlogon = ept_map(d, ("12345678-1234-ABCD-EF00-01234567CFFB", "1.0"))
    assert netlogon == "ncacn_ip_tcp:127.0.0.1[49155]", netlogon
    print(f"ok: ept_lookup and ept_map with Kerberos at {name}: {resp['num_ents']} entries, lsarpc at {lsa}")
    d.disconnect()


def check_tampered(args):
    """A sealed request with one octet of its sealed stub changed in flight: fault
    rpc_s_sec_pkg_error (0x721) and the connection closes; a new connection is served."""
    d = connect(args, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, mgmt.MSRPC_UUID_MGMT)
    send = d._transport.send

    def flip(data, *rest, **kw):
        data = bytearray(data)
        data[24] ^= 0x01  # the first sealed stub octet of a request
        return send(bytes(data), *rest, **kw)

    d._transport.send = flip
    try:
        mgmt.hinq_princ_name(d, RPC_C_AUTHN_GSS_KERBEROS, 256)
    except DCERPCException as e:
        assert "0x721" in str(e) or "00000721" in str(e) or "sec_pkg_error" in str(e), str(e)
        print(f"ok: a tampered sealed request is refused: {e}")
    else:
        sys.exit("a tampered sealed request was served")
    d._transport.send = send
    check_mgmt(args, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, "privacy, after the tampered request")


def main():
    args = sys.argv[1:7]
    if len(args) != 6:
        sys.exit(__doc__)
    if not os.path.isfile(os.environ.get("KRB5CCNAME", "")):
        sys.exit("KRB5CCNAME must name the ccache file")
    for level, name in LEVELS:
        check_mgmt(args, level, name)
        check_epm(args, level, name)
    check_tampered(args)
    # A password the KDC refuses never reaches rampartd; a valid ticket for a service whose key
    # rampartd lacks (the test realm has host/other.HOST) does, and the bind must be refused.
    wrong = list(args)
    wrong[3] = "other." + args[3]
    try:
        connect(wrong, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, mgmt.MSRPC_UUID_MGMT)
    except DCERPCException as e:
        print(f"ok: a ticket for another service is refused at the bind: {e}")
    else:
        sys.exit("a ticket for another service was accepted")


if __name__ == "__main__":
    try:
        main()
    except DCERPCException as e:
        sys.exit(f"DCERPC failure: {e}")
