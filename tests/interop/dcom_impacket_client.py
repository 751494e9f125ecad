#!/usr/bin/env python3
"""Impacket's DCOM client against rampartd's rampart-echo class, as a user of
impacket.dcerpc.v5.dcomrt would drive it: DCOMConnection, CoCreateInstanceEx, Echo and Add
through the returned interface, RemRelease. Run by dcom_impacket_test.sh inside a network
namespace (CoCreateInstanceEx always goes to port 135).

    dcom_impacket_client.py TARGET AUTH_LEVEL cycle    activate, Echo, Add, RemRelease
    dcom_impacket_client.py TARGET AUTH_LEVEL denied   activation must fail: E_ACCESSDENIED
    dcom_impacket_client.py TARGET AUTH_LEVEL lowcall  activate, then call Echo unauthenticated:
                                                       E_ACCESSDENIED (the exporter's level)
    dcom_impacket_client.py TARGET AUTH_LEVEL gc SECS  activate, never ping, wait SECS: the
                                                       object must be gone (RPC_E_INVALID_IPID)
    dcom_impacket_client.py TARGET AUTH_LEVEL nolaunch activation must fail with exactly
                                                       0x80070005 (the class's launch list)
    dcom_impacket_client.py TARGET AUTH_LEVEL noaccess activate, then Echo must fault
                                                       E_ACCESSDENIED (its access list)

AUTH_LEVEL is an RPC_C_AUTHN_LEVEL (1 none, 2 connect, 5 integrity, 6 privacy). Above 1 the
client authenticates with NTLM as DCOM_USER / DCOM_PASSWORD / DCOM_DOMAIN (environment).
Prints one line per step and exits non-zero on the first failure.
"""

import os
import sys
import time

from impacket.dcerpc.v5.dcomrt import DCOMCALL, DCOMANSWER, DCOMConnection, IRemUnknown2
from impacket.dcerpc.v5.dtypes import HRESULT, LONG, LPWSTR, WSTR
from impacket.dcerpc.v5.rpcrt import RPC_C_AUTHN_LEVEL_NONE
from impacket.uuid import string_to_bin, uuidtup_to_bin

CLSID_RampartEcho = string_to_bin("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01")
IID_IRampartEcho = uuidtup_to_bin(("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02", "0.0"))


class Echo(DCOMCALL):
    opnum = 3
    structure = (("text", WSTR),)  # [in, string] wchar_t*: a [ref] string, no referent id


class EchoResponse(DCOMANSWER):
    structure = (("echoed", LPWSTR), ("ErrorCode", HRESULT))


class Add(DCOMCALL):
    opnum = 4
    structure = (("a", LONG), ("b", LONG))


class AddResponse(DCOMANSWER):
    structure = (("sum", LONG), ("ErrorCode", HRESULT))


def echo(iface, text):
    req = Echo()
    req["text"] = text + "\x00"
    return iface.request(req, IID_IRampartEcho, iface.get_iPid())["echoed"].rstrip("\x00")


def cycle(dcom):
    iface = dcom.CoCreateInstanceEx(CLSID_RampartEcho, IID_IRampartEcho)
    print("activated", hex(iface.get_oxid()), flush=True)
    echoed = echo(iface, "hello rampart")
    print("echo", echoed, flush=True)
    assert echoed == "hello rampart", echoed
    req = Add()
    req["a"], req["b"] = 40, 2
    resp = iface.request(req, IID_IRampartEcho, iface.get_iPid())
    print("add", resp["sum"], flush=True)
    assert resp["sum"] == 42
    IRemUnknown2(iface).RemRelease()
    print("released", flush=True)
    try:
        echo(iface, "after release")
    except Exception as e:  # the IPID is gone with the object
        print("after release:", str(e).split()[0], flush=True)
        assert "RPC_E_INVALID_IPID" in str(e), str(e)
        return
    raise AssertionError("the released object still answered")


def denied(dcom):
    try:
        dcom.CoCreateInstanceEx(CLSID_RampartEcho, IID_IRampartEcho)
    except Exception as e:
        print("refused:", str(e).split()[0], flush=True)
        assert "E_ACCESSDENIED" in str(e) or "0x80070005" in str(e), str(e)
        return
    raise AssertionError("activation below the floor succeeded")


def lowcall(dcom):
    iface = dcom.CoCreateInstanceEx(CLSID_RampartEcho, IID_IRampartEcho)
    print("activated", hex(iface.get_oxid()), flush=True)
    iface.get_cinstance().set_auth_level(RPC_C_AUTHN_LEVEL_NONE)  # the object call goes unauthenticated
    try:
        echo(iface, "unauthenticated")
    except Exception as e:
        print("refused:", str(e).split()[0], flush=True)
        # Impacket names a fault by the low 16 bits of its status: E_ACCESSDENIED
        # (0x80070005) reads as rpc_s_access_denied. dcom_resolver_test.py reads the whole
        # status of the same refusal from the fault PDU.
        assert str(e).split()[0] in ("E_ACCESSDENIED", "rpc_s_access_denied"), str(e)
        return
    raise AssertionError("an unauthenticated call reached the object")


E_ACCESSDENIED = 0x80070005


def error_code(e):
    """The whole status Impacket's exception carries (HRESULT or fault status)."""
    code = e.get_error_code() if hasattr(e, "get_error_code") else None
    assert code is not None, "no status in %r" % (e,)
    return code & 0xFFFFFFFF


def nolaunch(dcom):
    try:
        dcom.CoCreateInstanceEx(CLSID_RampartEcho, IID_IRampartEcho)
    except Exception as e:
        print("refused: 0x%08x" % error_code(e), flush=True)
        assert error_code(e) == E_ACCESSDENIED, str(e)
        return
    raise AssertionError("an activation the launch list refuses succeeded")


def noaccess(dcom):
    iface = dcom.CoCreateInstanceEx(CLSID_RampartEcho, IID_IRampartEcho)
    print("activated", hex(iface.get_oxid()), flush=True)
    try:
        echo(iface, "not for you")
    except Exception as e:
        # A fault: Impacket keeps only the low 16 bits of its status (see lowcall); the
        # rampart client in dcom_permissions_test.sh reads the whole 0x80070005.
        print("call refused:", str(e).split()[0], flush=True)
        assert str(e).split()[0] in ("E_ACCESSDENIED", "rpc_s_access_denied"), str(e)
        return
    raise AssertionError("a call the access list refuses reached the object")


def gc(dcom, seconds):
    iface = dcom.CoCreateInstanceEx(CLSID_RampartEcho, IID_IRampartEcho)
    assert echo(iface, "ping me not") == "ping me not"
    print("activated; not pinging", flush=True)
    time.sleep(seconds)
    try:
        echo(iface, "still there?")
    except Exception as e:
        print("collected:", str(e).split()[0], flush=True)
        assert "RPC_E_INVALID_IPID" in str(e), str(e)
        return
    raise AssertionError("an unpinged object outlived the timeout")


def main():
    target, level, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    creds = {}
    if level > RPC_C_AUTHN_LEVEL_NONE:
        creds = {"username": os.environ["DCOM_USER"], "password": os.environ["DCOM_PASSWORD"],
                 "domain": os.environ["DCOM_DOMAIN"]}
    dcom = DCOMConnection(target, authLevel=level, oxidResolver=False, **creds)
    try:
        if mode == "cycle":
            cycle(dcom)
        elif mode == "denied":
            denied(dcom)
        elif mode == "lowcall":
            lowcall(dcom)
        elif mode == "nolaunch":
            nolaunch(dcom)
        elif mode == "noaccess":
            noaccess(dcom)
        else:
            gc(dcom, float(sys.argv[4]))
    finally:
        dcom.disconnect()


if __name__ == "__main__":
    main()
