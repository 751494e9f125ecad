#!/usr/bin/env python3
"""Impacket's DCOM client against a class served by an out-of-process class server that
registered with rampartd (rampart-echo-server, CLSID 7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03).
Run by dcom_oop_test.sh inside a network namespace; NTLM as DCOM_USER / DCOM_PASSWORD /
DCOM_DOMAIN at AUTH_LEVEL.

    dcom_oop_client.py TARGET AUTH_LEVEL cycle TEXT   activate on port 135, Echo TEXT and Add on
                                                      the server's own port, RemRelease, and the
                                                      released IPID is gone (RPC_E_INVALID_IPID)
    dcom_oop_client.py TARGET AUTH_LEVEL fails HEX    activation fails with HRESULT HEX
    dcom_oop_client.py TARGET AUTH_LEVEL keep SECS    activate, ComplexPing rampartd with the
                                                      object's OID for SECS, then Echo still works
    dcom_oop_client.py TARGET AUTH_LEVEL rundown SECS activate, never ping, wait SECS: the server
                                                      ran the object down (RPC_E_INVALID_IPID)
    dcom_oop_client.py TARGET AUTH_LEVEL inproc       the in-process class still activates
    dcom_oop_client.py TARGET AUTH_LEVEL legacy TEXT  IActivation::RemoteActivation (Impacket's
                                                      IActivation helper) on port 135, then Echo
                                                      TEXT and Add on the server's own port,
                                                      RemRelease
    dcom_oop_client.py TARGET AUTH_LEVEL legacyfails HEX  RemoteActivation answers phr HEX
    dcom_oop_client.py TARGET AUTH_LEVEL tcpregister  RegisterClassServer over TCP 135 is refused
                                                      with the fault access denied (5)
"""

import os
import sys
import time

from impacket.dcerpc.v5 import transport
from impacket.dcerpc.v5.dcomrt import (IID, IID_IActivation, DCOMConnection, IActivation, IObjectExporter,
                                       IRemUnknown2, ORPCTHIS, RemoteActivation)
from impacket.dcerpc.v5.dtypes import NULL
from impacket.uuid import string_to_bin

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcom_impacket_client import IID_IRampartEcho, Add, echo  # noqa: E402
import dcom_impacket_client  # noqa: E402

CLSID_Oop = string_to_bin("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f03")


def binding_port(iface):
    """The port of the connection Impacket opened for object calls."""
    return iface.get_cinstance().get_target() if hasattr(iface.get_cinstance(), "get_target") else None


def cycle(dcom, text):
    iface = dcom.CoCreateInstanceEx(CLSID_Oop, IID_IRampartEcho)
    print("activated", hex(iface.get_oxid()), flush=True)
    echoed = echo(iface, text)
    print("echo", echoed, flush=True)
    assert echoed == text, echoed
    peer = iface.get_dce_rpc().get_rpc_transport().getRemoteHost(), \
        iface.get_dce_rpc().get_rpc_transport().get_dport()
    print("object calls went to", peer, flush=True)
    assert peer[1] != 135, "object calls went to rampartd's port"
    req = Add()
    req["a"], req["b"] = 40, 2
    assert iface.request(req, IID_IRampartEcho, iface.get_iPid())["sum"] == 42
    print("add 42", flush=True)
    IRemUnknown2(iface).RemRelease()
    print("released", flush=True)
    try:
        echo(iface, "after release")
    except Exception as e:
        print("after release:", str(e).split()[0], flush=True)
        assert "RPC_E_INVALID_IPID" in str(e), str(e)
        return
    raise AssertionError("the released object still answered")


def fails(dcom, code):
    try:
        dcom.CoCreateInstanceEx(CLSID_Oop, IID_IRampartEcho)
    except Exception as e:
        print("refused:", str(e), flush=True)
        assert code.lower() in str(e).lower() or \
            (hasattr(e, "get_error_code") and e.get_error_code() == int(code, 16)), str(e)
        return
    raise AssertionError("activation succeeded")


def legacy(dcom, text):
    """The legacy activation path: Impacket's IActivation.RemoteActivation on the
    DCOMConnection's connection to port 135 (which it binds to IActivation, with NTLM at the
    connection's level); the interface it returns is called through the OXID bindings of the
    reply."""
    iface = IActivation(dcom.get_dce_rpc()).RemoteActivation(CLSID_Oop, IID_IRampartEcho)
    print("activated", hex(iface.get_oxid()), flush=True)
    echoed = echo(iface, text)
    print("echo", echoed, flush=True)
    assert echoed == text, echoed
    port = iface.get_dce_rpc().get_rpc_transport().get_dport()
    print("object calls went to port", port, flush=True)
    assert int(port) != 135, "object calls went to rampartd's port"
    req = Add()
    req["a"], req["b"] = 40, 2
    assert iface.request(req, IID_IRampartEcho, iface.get_iPid())["sum"] == 42
    print("add 42", flush=True)
    IRemUnknown2(iface).RemRelease()
    print("released", flush=True)


def legacy_fails(dcom, code):
    """RemoteActivation refused after decoding: error_status_t 0 and the HRESULT in phr."""
    dce = dcom.get_dce_rpc()
    dce.bind(IID_IActivation)
    req = RemoteActivation()
    req["ORPCthis"] = ORPCTHIS()
    req["ORPCthis"]["cid"] = os.urandom(16)
    req["ORPCthis"]["extensions"] = NULL
    req["Clsid"] = CLSID_Oop
    req["pwszObjectName"] = NULL
    req["pObjectStorage"] = NULL
    req["ClientImpLevel"] = 2
    req["Mode"] = 0
    req["Interfaces"] = 1
    iid = IID()
    iid["Data"] = IID_IRampartEcho
    req["pIIDs"].append(iid)
    req["cRequestedProtseqs"] = 1
    req["aRequestedProtseqs"].append(7)
    phr = dce.request(req)["phr"] & 0xFFFFFFFF
    print("phr", hex(phr), flush=True)
    assert phr == int(code, 16), hex(phr)


def resolver():
    rpc = transport.DCERPCTransportFactory("ncacn_ip_tcp:127.0.0.1[135]")
    return IObjectExporter(rpc.get_dce_rpc())


def keep(dcom, seconds):
    iface = dcom.CoCreateInstanceEx(CLSID_Oop, IID_IRampartEcho)
    assert echo(iface, "keep me") == "keep me"
    set_id = resolver().ComplexPing(0, 0, [iface.get_oid()], [])["pSetId"]
    print("ping set", hex(set_id), "holds", hex(iface.get_oid()), flush=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.2)
        resolver().ComplexPing(set_id, 0, [], [])
    assert echo(iface, "still here") == "still here"
    print("alive after", seconds, "s of pinging", flush=True)
    IRemUnknown2(iface).RemRelease()


def rundown(dcom, seconds):
    iface = dcom.CoCreateInstanceEx(CLSID_Oop, IID_IRampartEcho)
    assert echo(iface, "run me down") == "run me down"
    print("activated; not pinging", flush=True)
    time.sleep(seconds)
    try:
        echo(iface, "still there?")
    except Exception as e:
        print("run down:", str(e).split()[0], flush=True)
        assert "RPC_E_INVALID_IPID" in str(e), str(e)
        return
    raise AssertionError("an unpinged object outlived the timeout")


def tcpregister():
    """IRampartClassRegistry is served on the local socket only: over TCP the call gets the
    fault a remote ept_insert gets, before anything is unmarshalled."""
    from impacket.dcerpc.v5.rpcrt import DCERPCException
    from impacket.uuid import uuidtup_to_bin
    dce = transport.DCERPCTransportFactory("ncacn_ip_tcp:127.0.0.1[135]").get_dce_rpc()
    dce.connect()
    dce.bind(uuidtup_to_bin(("f00611c4-c237-4ba1-9215-7c20212d4e36", "1.0")))
    try:
        dce.call(0, b"\x00" * 64)
        dce.recv()
    except DCERPCException as e:
        print("refused:", str(e), flush=True)
        assert str(e).split()[0] == "rpc_s_access_denied", str(e)
        return
    raise AssertionError("RegisterClassServer over TCP was not refused")


def main():
    if sys.argv[3] == "tcpregister":
        tcpregister()
        return
    target, level, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    dcom = DCOMConnection(target, authLevel=level, oxidResolver=False, username=os.environ["DCOM_USER"],
                          password=os.environ["DCOM_PASSWORD"], domain=os.environ["DCOM_DOMAIN"])
    try:
        if mode == "cycle":
            cycle(dcom, sys.argv[4])
        elif mode == "fails":
            fails(dcom, sys.argv[4])
        elif mode == "keep":
            keep(dcom, float(sys.argv[4]))
        elif mode == "legacy":
            legacy(dcom, sys.argv[4])
        elif mode == "legacyfails":
            legacy_fails(dcom, sys.argv[4])
        elif mode == "rundown":
            rundown(dcom, float(sys.argv[4]))
        else:
            dcom_impacket_client.cycle(dcom)
    finally:
        dcom.disconnect()


if __name__ == "__main__":
    main()
