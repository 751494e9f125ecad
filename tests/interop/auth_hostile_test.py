#!/usr/bin/python3
"""Hostile authenticated clients against a real rampartd over TCP, with NTLM from its user file:
each attempt gets its documented reaction (docs/security.md "On a connection"), rampartd keeps
serving well-behaved clients, and every refusal is one structured JSON log event that names its
reason. The client is Impacket's NTLM (ntlm.py) driven by hand, so the test can build PDUs that
Impacket's own rpcrt never sends:

- a sealed (privacy) request is served, and one with a sealed octet changed is faulted
  rpc_s_sec_pkg_error;
- header signing: the bind asks for PFC_SUPPORT_HEADER_SIGN and the bind_ack echoes it; a request
  whose header (call_id, opnum, alloc_hint) changes after it was signed, and one signed over the
  stub only as if header signing had been stripped, are faulted rpc_s_sec_pkg_error and the
  connection closes ([MS-RPCE] 3.3.1.5.2.2, 2.2.2.12);
- a replayed request (same sequence number) is faulted rpc_s_sec_pkg_error;
- a request naming another auth_level or auth_type, or an auth_context_id no exchange
  established, and one without a verifier, are faulted access denied;
- a second auth3 is nca_s_proto_error; a wrong password leaves every request refused with
  access denied; a request before auth3 is nca_s_proto_error;
- an auth_pad_length beyond the stub is refused;
- the authentication policy (restrict_remote_clients = authenticated_except_epm) refuses an
  unauthenticated mgmt call with access denied and keeps the connection.

    auth_hostile_test.py --rampartd build/bin/rampartd
"""
import json
import os
import socket
import struct
import sys
import time
import unittest

from Cryptodome.Cipher import ARC4
from impacket import ntlm

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from rampartd import Rampartd, run_suite  # noqa: E402
from rawrpc import MGMT_V1, NDR20, Conn, bind  # noqa: E402

RAMPARTD = None
USER, DOMAIN, PASSWORD = "alice", "RAMPART", "Hostile-Auth-Pass1"
NTLMSSP, LEVEL_INTEGRITY, LEVEL_PRIVACY = 10, 5, 6
CTX_ID = 79231  # any auth_context_id; Impacket's own
PFC_FIRST_LAST, PFC_HDR_SIGN = 0x03, 0x04
BIND_ACK, RESPONSE, FAULT, BIND_NAK = 12, 2, 3, 13
SEC_PKG_ERROR, ACCESS_DENIED, PROTO_ERROR = 0x721, 5, 0x1C01000B
DENIAL_EVENTS = ("protocol error", "authentication denied")


def pdu_header(ptype, flags, frag_length, auth_length, call_id):
    return struct.pack("<BBBB4sHHI", 5, 0, ptype, flags, b"\x10\0\0\0", frag_length, auth_length, call_id)


def trailer(level, pad, ctx_id=CTX_ID):
    return struct.pack("<BBBBI", NTLMSSP, level, pad, 0, ctx_id)


class NtlmSession:
    """One connection through bind (NEGOTIATE), bind_ack (CHALLENGE) and auth3 (AUTHENTICATE),
    with the client's keys ([MS-NLMP] 3.4.5) for hand-built requests."""

    def __init__(self, port, hdr_sign=True, password=PASSWORD, level=LEVEL_INTEGRITY, auth3=True):
        self.conn = Conn(port=port)
        self.level = level
        self.local_port = self.conn.sock.getsockname()[1]
        negotiate = ntlm.getNTLMSSPType1("", "", signingRequired=True, use_ntlmv2=True)
        ack = self.exchange(bind(1, [(0, MGMT_V1, [NDR20])]), negotiate.getData(),
                            PFC_FIRST_LAST | (PFC_HDR_SIGN if hdr_sign else 0))
        assert ack[2] == BIND_ACK, ack.hex()
        self.ack_flags = ack[3]
        challenge = ack[len(ack) - struct.unpack_from("<H", ack, 10)[0]:]
        self.authenticate, key = ntlm.getNTLMSSPType3(negotiate, challenge, USER, password, DOMAIN,
                                                      use_ntlmv2=True)
        self.flags = self.authenticate["flags"]
        self.sign_key = ntlm.SIGNKEY(self.flags, key)
        self.handle = ARC4.new(ntlm.SEALKEY(self.flags, key)).encrypt
        self.seq = 0
        if auth3:
            self.send_auth3()

    def exchange(self, bind_pdu, token, flags):
        # The sec_trailer follows the bind body (already 4-aligned) without a pad.
        body = bytearray(bind_pdu) + trailer(self.level, 0) + token
        body[3] = flags
        struct.pack_into("<HH", body, 8, len(body), len(token))
        return self.conn.call(bytes(body))[0]

    def send_auth3(self, token=None):
        token = token if token is not None else self.authenticate.getData()
        pdu = pdu_header(16, PFC_FIRST_LAST, 16 + 4 + 8 + len(token), len(token), 1)
        self.conn.send(pdu + b"\0" * 4 + trailer(self.level, 0) + token)

    def request(self, opnum=0, stub=b"", call_id=2, pad=None, level=None, tamper=None, stub_only=False,
                sign=True):
        """A signed request; `tamper(bytearray)` changes it after signing."""
        pad = (-len(stub)) % 16 if pad is None else pad
        level = self.level if level is None else level
        frag = 24 + len(stub) + pad + 8 + 16
        pdu = bytearray(pdu_header(0, PFC_FIRST_LAST, frag, 16, call_id) + struct.pack("<IHH", len(stub), 0, opnum))
        pdu += stub + b"\0" * pad + trailer(level, pad)
        covered = bytes(pdu[24:24 + len(stub) + pad]) if stub_only else bytes(pdu)
        if self.level == LEVEL_PRIVACY:
            # [MS-NLMP] 3.4.3: the stub and pad are sealed, the signature covers the PDU in clear.
            sealed, sig = ntlm.SEAL(self.flags, self.sign_key, None, covered, bytes(pdu[24:24 + len(stub) + pad]),
                                    self.seq, self.handle)
            pdu[24:24 + len(stub) + pad] = sealed
            signature = sig.getData()
        else:
            signature = ntlm.SIGN(self.flags, self.sign_key, covered, self.seq, self.handle).getData()
        self.seq += 1
        pdu += signature if sign else b"\0" * 16
        if tamper:
            tamper(pdu)
        return bytes(pdu)

    def call(self, pdu):
        return self.conn.call(pdu)

    def close(self):
        self.conn.close()


def fault_status(pdu):
    assert pdu is not None and pdu[2] == FAULT, pdu.hex() if pdu else "no reply"
    return struct.unpack_from("<I", pdu, 24)[0]


class AuthHostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Rampartd(RAMPARTD, extra_args=["--log-format", "json"])
        users = os.path.join(cls.d.dir, "users")
        with open(users, "w") as f:
            f.write(f"{DOMAIN}:{USER}:{PASSWORD}\n")
        with open(cls.d.config_path, "a") as f:
            f.write(f'\n[security]\nntlm_user_file = "{users}"\nservice = "host@rampart"\n'
                    'restrict_remote_clients = "authenticated_except_epm"\n')
        cls.d.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.d.__exit__(None, None, None)

    def tearDown(self):
        # Whatever a hostile client did, a well-behaved one is served next.
        s = NtlmSession(self.d.port)
        try:
            reply = s.call(s.request())[0]
            self.assertEqual(reply[2], RESPONSE, reply.hex())
        finally:
            s.close()
        self.assertTrue(self.d.alive())

    def denials(self, local_port, deadline=5.0):
        """The structured denial events logged for the connection from `local_port`."""
        peer = f"127.0.0.1:{local_port}"
        end = time.monotonic() + deadline
        while True:
            events = []
            for line in self.d.log_text().splitlines():
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if e.get("message") in DENIAL_EVENTS and e.get("peer") == peer:
                    events.append(e)
            if events or time.monotonic() > end:
                return events
            time.sleep(0.05)

    def assert_denial_logged(self, session, words):
        events = self.denials(session.local_port)
        self.assertTrue(events, f"no denial logged for {session.local_port}:\n{self.d.log_text()[-2000:]}")
        for e in events:
            reason = e.get("reason") or e.get("detail")
            self.assertTrue(reason, e)
            self.assertIn("level", e)
        text = " ".join(f'{e["message"]}: {e.get("code", "")} {e.get("reason") or e.get("detail")}' for e in events)
        self.assertTrue(any(w in text for w in words), (words, events))

    def assert_refused_and_closed(self, session, pdu, status, words):
        replies = session.call(pdu)
        self.assertEqual(fault_status(replies[0]), status, replies[0].hex())
        self.assertTrue(session.conn.closed_by_peer(), "the connection must close")
        self.assert_denial_logged(session, words)

    def test_header_signing_is_negotiated_and_a_signed_request_served(self):
        s = NtlmSession(self.d.port)
        try:
            self.assertTrue(s.ack_flags & PFC_HDR_SIGN, "bind_ack echoes PFC_SUPPORT_HEADER_SIGN")
            for call_id in (2, 3):
                reply = s.call(s.request(call_id=call_id))[0]
                self.assertEqual(reply[2], RESPONSE, reply.hex())
        finally:
            s.close()

    def test_header_changed_after_signing(self):
        # Offsets in the request header ([MS-RPCE] 2.2.2.1, C706 12.6.4.9).
        for name, at, fmt, value in (("call_id", 12, "<I", 7), ("alloc_hint", 16, "<I", 99), ("opnum", 22, "<H", 2)):
            with self.subTest(field=name):
                s = NtlmSession(self.d.port)
                try:
                    pdu = s.request(call_id=3, tamper=lambda p: struct.pack_into(fmt, p, at, value))
                    self.assert_refused_and_closed(s, pdu, SEC_PKG_ERROR, ("security.bad_checksum",))
                finally:
                    s.close()

    def test_header_signing_stripped(self):
        # Signed over the stub and pad only, as without PFC_SUPPORT_HEADER_SIGN: a downgrade.
        s = NtlmSession(self.d.port)
        try:
            pdu = s.request(stub=b"\0" * 8, stub_only=True)
            self.assert_refused_and_closed(s, pdu, SEC_PKG_ERROR, ("security.bad_checksum",))
        finally:
            s.close()

    def test_tampered_stub(self):
        s = NtlmSession(self.d.port)
        try:
            pdu = s.request(opnum=1, stub=b"\0" * 8, tamper=lambda p: p.__setitem__(24, 1))
            self.assert_refused_and_closed(s, pdu, SEC_PKG_ERROR, ("security.bad_checksum",))
        finally:
            s.close()

    def test_sealed_stub_tampered(self):
        # A sealed request is served; the same with one sealed octet changed is not.
        stub = struct.pack("<II", 0, 1024)  # inq_princ_name(authn_proto 0, princ_name_size 1024)
        s = NtlmSession(self.d.port, level=LEVEL_PRIVACY)
        try:
            reply = s.call(s.request(opnum=3, stub=stub))[0]
            self.assertEqual(reply[2], RESPONSE, reply.hex())
        finally:
            s.close()
        s = NtlmSession(self.d.port, level=LEVEL_PRIVACY)
        try:
            pdu = s.request(opnum=3, stub=stub, tamper=lambda p: p.__setitem__(25, p[25] ^ 0x01))
            self.assert_refused_and_closed(s, pdu, SEC_PKG_ERROR, ("security.bad_checksum",))
        finally:
            s.close()

    def test_replayed_request(self):
        s = NtlmSession(self.d.port)
        try:
            first = s.request(call_id=2)
            self.assertEqual(s.call(first)[0][2], RESPONSE)
            replay = bytearray(first)
            struct.pack_into("<I", replay, 12, 3)  # a new call_id does not make it fresh
            self.assert_refused_and_closed(s, bytes(replay), SEC_PKG_ERROR, ("security.bad_sequence_number",))
        finally:
            s.close()

    def test_level_changed_in_a_request(self):
        s = NtlmSession(self.d.port)
        try:
            self.assert_refused_and_closed(s, s.request(level=LEVEL_PRIVACY), ACCESS_DENIED, ("auth_level",))
        finally:
            s.close()

    def test_type_changed_in_a_request(self):
        # The sec_trailer (8 octets) precedes the 16-octet signature; auth_type is its first octet.
        s = NtlmSession(self.d.port)
        try:
            pdu = s.request(tamper=lambda p: p.__setitem__(len(p) - 24, 9))
            self.assert_refused_and_closed(s, pdu, ACCESS_DENIED, ("auth_type",))
        finally:
            s.close()

    def test_context_changed_in_a_request(self):
        s = NtlmSession(self.d.port)
        try:
            pdu = s.request(tamper=lambda p: struct.pack_into("<I", p, len(p) - 20, CTX_ID + 1))
            self.assert_refused_and_closed(s, pdu, ACCESS_DENIED, ("auth_context_id",))
        finally:
            s.close()

    def test_request_without_verifier(self):
        s = NtlmSession(self.d.port)
        try:
            plain = pdu_header(0, PFC_FIRST_LAST, 24, 0, 2) + struct.pack("<IHH", 0, 0, 0)
            self.assert_refused_and_closed(s, plain, ACCESS_DENIED, ("verifier",))
        finally:
            s.close()

    def test_request_before_auth3(self):
        s = NtlmSession(self.d.port, auth3=False)
        try:
            self.assert_refused_and_closed(s, s.request(), PROTO_ERROR, ("before the security context completed",))
        finally:
            s.close()

    def test_second_auth3(self):
        s = NtlmSession(self.d.port)
        try:
            self.assertEqual(s.call(s.request())[0][2], RESPONSE)
            s.send_auth3()
            reply = s.conn.recv_pdu()
            self.assertEqual(fault_status(reply), PROTO_ERROR, reply.hex())
            self.assert_denial_logged(s, ("auth3",))
        finally:
            s.close()

    def test_wrong_password(self):
        s = NtlmSession(self.d.port, password="not-" + PASSWORD)
        try:
            reply = s.call(s.request())[0]
            self.assertEqual(fault_status(reply), ACCESS_DENIED, reply.hex())
            self.assert_denial_logged(s, ("authentication denied:",))
        finally:
            s.close()

    def test_auth_pad_beyond_the_stub(self):
        s = NtlmSession(self.d.port)
        try:
            # auth_pad_length 12 with a 4-octet stub ([MS-RPCE] 2.2.2.11, HARDENING C4).
            pdu = s.request(stub=b"\0" * 4, pad=0, tamper=lambda p: p.__setitem__(len(p) - 16 - 6, 12))
            replies = s.call(pdu)
            self.assertTrue(not replies or replies[0][2] == FAULT, replies[0].hex() if replies else "")
            self.assertTrue(s.conn.closed_by_peer(), "the connection must close")
            self.assert_denial_logged(s, ("pad",))
        finally:
            s.close()

    def test_policy_refuses_an_unauthenticated_mgmt_call(self):
        c = Conn(port=self.d.port)
        try:
            local_port = c.sock.getsockname()[1]
            self.assertEqual(c.call(bind(1, [(0, MGMT_V1, [NDR20])]))[0][2], BIND_ACK)
            plain = pdu_header(0, PFC_FIRST_LAST, 24, 0, 2) + struct.pack("<IHH", 0, 0, 0)
            for call_id in (2, 3):  # the connection stays
                reply = c.call(plain[:12] + struct.pack("<I", call_id) + plain[16:])[0]
                self.assertEqual(fault_status(reply), ACCESS_DENIED, reply.hex())
            events = self.denials(local_port)
            self.assertTrue(any(e["message"] == "authentication denied" and e.get("reason") for e in events), events)
        finally:
            c.close()


if __name__ == "__main__":
    run_suite(globals())
