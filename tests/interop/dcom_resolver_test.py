#!/usr/bin/env python3
"""The DCOM object resolver (IObjectExporter, [MS-DCOM] 3.1.2.5.1) of a real rampartd, driven
by Impacket's client (impacket.dcerpc.v5.dcomrt), unauthenticated as Windows clients call it:
ServerAlive2, ResolveOxid2, ComplexPing and SimplePing; what ServerAlive2 discloses; ping-set
exhaustion and expiry on a shortened ping period; the [dcom] switch. IRemUnknown needs the
exporter's level (packet integrity, NTLM from a user file). The hostile activation shapes of
MS03-026 and MS03-039 each get their documented fault over a real socket, from a caller
authenticated at the floor (below it nothing is parsed: E_ACCESSDENIED), and rampartd goes on.

    dcom_resolver_test.py --rampartd build/bin/rampartd [unittest args]

Traffic stays on 127.0.0.1 (a free port, not 135).
"""

import os
import re
import socket
import struct
import sys
import tempfile
import time
import unittest
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from rampartd import Rampartd, run_suite  # noqa: E402

from impacket.dcerpc.v5 import transport  # noqa: E402
from impacket.dcerpc.v5.dcomrt import (IID_IActivation, IID_IObjectExporter, IID_IRemUnknown,  # noqa: E402
                                       IObjectExporter, ORPCTHIS, RemoteActivation, RemRelease,
                                       SECURITYBINDING, ServerAlive2, IID)
from impacket.dcerpc.v5.dtypes import NULL  # noqa: E402
from impacket.uuid import string_to_bin, uuidtup_to_bin  # noqa: E402
from impacket.dcerpc.v5.rpcrt import (DCERPCException, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY,  # noqa: E402
                                      RPC_C_AUTHN_WINNT)

RAMPARTD = None
# Impacket's IObjectExporter reconnects for every call and leaves the old sockets to the GC.
warnings.simplefilter("ignore", ResourceWarning)
PERIOD_MS = 400
DCOM = {"enabled": True, "ping_period_ms": PERIOD_MS, "max_ping_sets_per_client": 4,
        "max_oids_per_set": 64, "classes": ["rampart-echo"]}
OR_INVALID_OXID, OR_INVALID_SET, E_OUTOFMEMORY, BAD_STUB = 0x776, 0x778, 0x8007000E, 0x6F7
RPC_E_INVALID_IPID, RPC_E_VERSION_MISMATCH = 0x80010113, 0x80010110
E_ACCESSDENIED, E_INVALIDARG, RPC_E_INVALID_OBJREF = 0x80070005, 0x80070057, 0x8001011D
USER, PASSWORD, DOMAIN = "alice", "Rampart-Dcom-Pass1", "RAMPART"
IID_IRemoteSCMActivator = uuidtup_to_bin(("000001A0-0000-0000-C000-000000000046", "0.0"))
# The activation blob Impacket 0.10.0's CoCreateInstanceEx sends for rampart-echo (the unit
# tests' kImpacketBlob): a CustomHeader and four properties.
IMPACKET_BLOB = bytes.fromhex(
    "680100000000000001100800cccccccc88000000cccccccc680100009800000000000000020000000400000000"
    "00000000000000000000000000000087530000a0d000000000000004000000ab01000000000000c00000000000"
    "0046a501000000000000c000000000000046a401000000000000c000000000000046aa01000000000000c00000"
    "0000000046040000005800000028000000200000003000000001100800cccccccc44000000cccccccc3d2c1b7f"
    "4e0a5f4c9d6e2b8a1c0e5f01000000000000000000000000010000000000000021850000000000000500070001"
    "0000003d2c1b7f4e0a5f4c9d6e2b8a1c0e5f02fafafafa01100800cccccccc18000000cccccccc000000000000"
    "00000000000000000000000000000000000001100800cccccccc10000000cccccccc0000000000000000000000"
    "000000000001100800cccccccc1a000000cccccccc00000000618c0000000000000100aaaa9739000001000000"
    "0700fafafafafafa")


def orpcthis(major=5, minor=7, extensions=0):
    return struct.pack("<HHII", major, minor, 0, 0) + b"\x33" * 16 + struct.pack("<I", extensions)


def objref_custom(blob, signature=b"MEOW"):
    """OBJREF_CUSTOM (flags 4) of CLSID_ActivationPropertiesIn for IActivationPropertiesIn."""
    return (signature + struct.pack("<I", 4) + string_to_bin("000001A2-0000-0000-C000-000000000046")
            + string_to_bin("00000338-0000-0000-C000-000000000046") + struct.pack("<II", 0, len(blob) + 8) + blob)


def create_instance_stub(blob=IMPACKET_BLOB, version=(5, 7), signature=b"MEOW", null_props=False):
    """RemoteCreateInstance's [in] stub (NDR20): ORPCTHIS, a NULL pUnkOuter, pActProperties."""
    stub = orpcthis(*version) + struct.pack("<I", 0)
    if null_props:
        return stub + struct.pack("<I", 0)
    data = objref_custom(blob, signature)
    return stub + struct.pack("<III", 0x20000, len(data), len(data)) + data


def exporter(port):
    rpc = transport.DCERPCTransportFactory(f"ncacn_ip_tcp:127.0.0.1[{port}]")
    return rpc.get_dce_rpc()


def error_code(exc):
    """The status of a DCERPCException: Impacket keeps it for a nonzero ErrorCode, and gives
    only the name of a fault status it knows (rpc_status_codes)."""
    code = exc.get_error_code() if hasattr(exc, "get_error_code") else None
    if code is None:
        from impacket.dcerpc.v5.rpcrt import rpc_status_codes
        names = {v: k for k, v in rpc_status_codes.items()}
        first = str(exc).split()[0] if str(exc) else ""
        # A known status name: an RPC status, or an HRESULT name Impacket decoded.
        code = names.get(first, first or None)
    return code


class DcomResolverTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.users = tempfile.NamedTemporaryFile("w", prefix="rampart-dcom-users-", delete=False)
        cls.users.write(f"{DOMAIN}:{USER}:{PASSWORD}\n")
        cls.users.close()
        cls.d = Rampartd(RAMPARTD, dcom=DCOM, security={"ntlm_user_file": cls.users.name}).__enter__()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            m = re.search(r'oxid[=:"\s]+(0x[0-9a-f]{16}).*?ipid_rem_unknown[=:"\s]+([0-9a-f-]{36})', cls.d.log_text())
            if m:
                cls.oxid, cls.ipid = int(m.group(1), 16), m.group(2)
                return
            time.sleep(0.05)
        raise RuntimeError("rampartd did not log its OXID:\n" + cls.d.log_text())

    @classmethod
    def tearDownClass(cls):
        cls.d.__exit__(None, None, None)
        os.unlink(cls.users.name)

    def authenticated(self, iid):
        """A connection bound to `iid` with NTLM at packet integrity (the floor)."""
        rpc = transport.DCERPCTransportFactory(f"ncacn_ip_tcp:127.0.0.1[{self.d.port}]")
        rpc.set_credentials(USER, PASSWORD, DOMAIN)
        dce = rpc.get_dce_rpc()
        dce.set_auth_type(RPC_C_AUTHN_WINNT)
        dce.set_auth_level(RPC_C_AUTHN_LEVEL_PKT_INTEGRITY)
        dce.connect()
        dce.bind(iid)
        return dce

    def raw_call(self, dce, opnum, stub):
        """The reply stub, or the DCERPCException of the fault."""
        try:
            dce.call(opnum, stub)
            return dce.recv()
        finally:
            dce.disconnect()

    def tearDown(self):
        self.assertTrue(self.d.alive(), "rampartd died")

    def server_alive2(self):
        return IObjectExporter(exporter(self.d.port)).ServerAlive2()

    def test_server_alive2_lists_the_listening_address_and_a_parsable_security_binding(self):
        bindings = self.server_alive2()
        addrs = [(b["wTowerId"], b["aNetworkAddr"].rstrip("\x00")) for b in bindings]
        self.assertEqual(addrs, [(7, "127.0.0.1")])
        # The security bindings, parsed by Impacket's own SECURITYBINDING (which
        # fails on an empty principal name).
        dce = exporter(self.d.port)
        dce.connect()
        dce.bind(IID_IObjectExporter)
        resp = dce.request(ServerAlive2())
        self.assertEqual((resp["pComVersion"]["MajorVersion"], resp["pComVersion"]["MinorVersion"]), (5, 7))
        dsa = resp["ppdsaOrBindings"]
        raw = b"".join(struct.pack("<H", x) for x in dsa["aStringArray"])
        sec = raw[dsa["wSecurityOffset"] * 2:]
        binding = SECURITYBINDING(sec)
        self.assertEqual(binding["wAuthnSvc"], 0x0A)
        self.assertEqual(binding["aPrincName"].rstrip("\x00"), "rampart")
        dce.disconnect()

    def test_resolve_oxid2_returns_the_exporters_own_endpoint(self):
        bindings = IObjectExporter(exporter(self.d.port)).ResolveOxid2(self.oxid, (7,))
        addrs = [b["aNetworkAddr"].rstrip("\x00") for b in bindings]
        # Impacket 0.10.0 uses a binding only if it holds the target as typed plus "[port]".
        self.assertEqual(addrs, [f"127.0.0.1[{self.d.port}]"])

    def test_resolve_oxid2_of_an_unknown_oxid_is_or_invalid_oxid(self):
        with self.assertRaises(DCERPCException) as ctx:
            IObjectExporter(exporter(self.d.port)).ResolveOxid2(self.oxid ^ 1, (7,))
        self.assertEqual(error_code(ctx.exception), OR_INVALID_OXID)

    def test_complex_ping_creates_a_set_that_simple_ping_keeps(self):
        oe = IObjectExporter(exporter(self.d.port))
        resp = oe.ComplexPing(0, 0, [0x1234], [])  # an OID rampartd does not hold is skipped
        set_id = resp["pSetId"]
        self.assertNotEqual(set_id, 0)
        self.assertEqual(oe.ComplexPing(set_id, 0, [], [0x1234])["pSetId"], set_id)
        self.assertEqual(oe.SimplePing(set_id)["ErrorCode"], 0)

    def test_ping_set_exhaustion_is_refused_and_expires(self):
        time.sleep(PERIOD_MS * 3 / 1000 + 0.5)  # sets of earlier tests expire
        oe = IObjectExporter(exporter(self.d.port))
        sets = [oe.ComplexPing(0, 0, [], [])["pSetId"] for _ in range(DCOM["max_ping_sets_per_client"])]
        self.assertEqual(len(set(sets)), len(sets))
        with self.assertRaises(DCERPCException) as ctx:
            oe.ComplexPing(0, 0, [], [])
        self.assertEqual(error_code(ctx.exception), E_OUTOFMEMORY)
        # The service goes on: resolution and the sets already held still work.
        self.assertTrue(self.server_alive2())
        self.assertEqual(oe.SimplePing(sets[0])["ErrorCode"], 0)
        # Unpinged for period x 3, every set is gone and the client may start again.
        time.sleep(PERIOD_MS * 3 / 1000 + 0.5)
        with self.assertRaises(DCERPCException) as ctx:
            oe.SimplePing(sets[1])
        self.assertEqual(error_code(ctx.exception), OR_INVALID_SET)
        self.assertNotEqual(oe.ComplexPing(0, 0, [], [])["pSetId"], 0)

    def test_complex_ping_naming_more_oids_than_a_set_holds_is_bad_stub_data(self):
        oe = IObjectExporter(exporter(self.d.port))
        with self.assertRaises(DCERPCException) as ctx:
            oe.ComplexPing(0, 0, list(range(1, 2000)), [])
        self.assertEqual(error_code(ctx.exception), BAD_STUB)
        self.assertTrue(self.server_alive2())

    def rem_release(self, object_uuid, major=5, minor=7):
        dce = self.authenticated(IID_IRemUnknown)
        req = RemRelease()
        req["ORPCthis"] = ORPCTHIS()
        req["ORPCthis"]["version"]["MajorVersion"] = major
        req["ORPCthis"]["version"]["MinorVersion"] = minor
        req["ORPCthis"]["cid"] = b"\x11" * 16
        req["ORPCthis"]["extensions"] = NULL
        req["cInterfaceRefs"] = 0
        try:
            return dce.request(req, uuid=string_to_bin(object_uuid))
        finally:
            dce.disconnect()

    def test_rem_unknown_is_reached_through_the_exporters_ipid(self):
        resp = self.rem_release(self.ipid)
        self.assertEqual(resp["ErrorCode"], 0)

    def test_rem_unknown_below_the_exporters_level_is_access_denied(self):
        # [MS-DCOM] 3.1.1.5.4: an ORPC call below the exporter's level (the floor). Impacket
        # names a fault by the low 16 bits of its status (E_ACCESSDENIED would read as
        # ERROR_ACCESS_DENIED), so the fault PDU is read as it came.
        dce = exporter(self.d.port)
        dce.connect()
        dce.bind(IID_IRemUnknown)
        req = RemRelease()
        req["ORPCthis"] = ORPCTHIS()
        req["ORPCthis"]["version"]["MajorVersion"] = 5
        req["ORPCthis"]["version"]["MinorVersion"] = 7
        req["ORPCthis"]["cid"] = b"\x11" * 16
        req["ORPCthis"]["extensions"] = NULL
        req["cInterfaceRefs"] = 0
        try:
            dce.call(RemRelease.opnum, req, uuid=string_to_bin(self.ipid))
            pdu = dce.get_rpc_transport().recv()
        finally:
            dce.disconnect()
        self.assertEqual(pdu[2], 3, "not a fault PDU")  # C706 12.6.4.7: ptype fault
        self.assertEqual(struct.unpack_from("<I", pdu, 24)[0], E_ACCESSDENIED)
        self.assertEqual(self.rem_release(self.ipid)["ErrorCode"], 0)

    def test_activation_below_the_floor_is_access_denied_before_anything_is_parsed(self):
        dce = exporter(self.d.port)
        dce.connect()
        dce.bind(IID_IRemoteSCMActivator)
        reply = self.raw_call(dce, 4, create_instance_stub(signature=b"XXXX"))
        self.assertEqual(struct.unpack("<I", reply[-4:])[0], E_ACCESSDENIED)

    def test_ms03_039_shapes_get_their_faults_and_activation_goes_on(self):
        sizes = bytearray(IMPACKET_BLOB)
        sizes[8 + 16] ^= 1  # CustomHeader.totalSize off by one
        good = create_instance_stub()
        beyond = bytearray(good)
        beyond[len(good) - len(objref_custom(IMPACKET_BLOB)) - 4 + 1] ^= 0x10  # ulCntData past the data
        truncated = orpcthis(extensions=0x20000) + struct.pack("<I", 0)  # extensions named, not sent
        shapes = [
            ("NULL pActProperties", create_instance_stub(null_props=True), (E_INVALIDARG, "E_INVALIDARG")),
            ("COMVERSION 9.9", create_instance_stub(version=(9, 9)),
             (RPC_E_VERSION_MISMATCH, "RPC_E_VERSION_MISMATCH")),
            ("an OBJREF without MEOW", create_instance_stub(signature=b"XXXX"),
             (RPC_E_INVALID_OBJREF, "RPC_E_INVALID_OBJREF")),
            ("inconsistent CustomHeader sizes", create_instance_stub(blob=bytes(sizes)), (E_INVALIDARG, "E_INVALIDARG")),
            ("ulCntData beyond the data", bytes(beyond), (BAD_STUB, "rpc_x_bad_stub_data")),
            ("truncated ORPCTHIS extensions", truncated, (BAD_STUB, "rpc_x_bad_stub_data")),
        ]
        for name, stub, expected in shapes:
            with self.subTest(shape=name):
                with self.assertRaises(DCERPCException) as ctx:
                    self.raw_call(self.authenticated(IID_IRemoteSCMActivator), 4, stub)
                self.assertIn(error_code(ctx.exception), expected)
                self.assertTrue(self.d.alive())
        # The well-formed activation of the same caller is served: HRESULT S_OK.
        reply = self.raw_call(self.authenticated(IID_IRemoteSCMActivator), 4, good)
        self.assertEqual(struct.unpack("<I", reply[-4:])[0], 0)
        self.assertTrue(self.server_alive2())

    def test_rem_unknown_refuses_an_unknown_ipid_and_comversion_9_9(self):
        with self.assertRaises(DCERPCException) as ctx:
            self.rem_release("00000000-1111-2222-3333-444444444444")
        self.assertIn(error_code(ctx.exception), (RPC_E_INVALID_IPID, "RPC_E_INVALID_IPID"))
        with self.assertRaises(DCERPCException) as ctx:
            self.rem_release(self.ipid, 9, 9)
        self.assertIn(error_code(ctx.exception), (RPC_E_VERSION_MISMATCH, "RPC_E_VERSION_MISMATCH"))
        self.assertTrue(self.server_alive2())

    def test_blaster_shape_overlong_object_name_is_bad_stub_data(self):
        # MS03-026: RemoteActivation with a pwszObjectName far past any host name.
        dce = exporter(self.d.port)
        dce.connect()
        dce.bind(IID_IActivation)
        req = RemoteActivation()
        req["ORPCthis"] = ORPCTHIS()
        req["ORPCthis"]["version"]["MajorVersion"] = 5
        req["ORPCthis"]["version"]["MinorVersion"] = 5
        req["ORPCthis"]["cid"] = b"\x22" * 16
        req["ORPCthis"]["extensions"] = NULL
        req["Clsid"] = string_to_bin("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f01")
        req["pwszObjectName"] = "\\\\" + "A" * 5000 + "\x00"
        req["pObjectStorage"] = NULL
        req["ClientImpLevel"] = 2
        req["Mode"] = 0
        req["Interfaces"] = 1
        iid = IID()
        iid["Data"] = string_to_bin("7f1b2c3d-0a4e-4c5f-9d6e-2b8a1c0e5f02")
        req["pIIDs"].append(iid)
        req["cRequestedProtseqs"] = 1
        req["aRequestedProtseqs"].append(7)
        with self.assertRaises(DCERPCException) as ctx:
            dce.request(req)
        self.assertEqual(error_code(ctx.exception), BAD_STUB)
        dce.disconnect()
        self.assertTrue(self.server_alive2())


class DcomSwitchTest(unittest.TestCase):
    def test_without_dcom_the_object_resolver_is_not_offered(self):
        with Rampartd(RAMPARTD) as d:
            dce = exporter(d.port)
            dce.connect()
            with self.assertRaises(Exception):
                dce.bind(IID_IObjectExporter)
            self.assertTrue(d.alive())

    def test_no_dcom_flag_overrides_the_configuration(self):
        with Rampartd(RAMPARTD, dcom={"enabled": True}, extra_args=["--no-dcom"]) as d:
            dce = exporter(d.port)
            dce.connect()
            with self.assertRaises(Exception):
                dce.bind(IID_IObjectExporter)
            self.assertNotIn("dcom object resolver serving", d.log_text())


if __name__ == "__main__":
    run_suite(globals())
