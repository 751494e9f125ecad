#!/usr/bin/env python3
"""Socket-level hostile-input suite against a real rampartd (docs/hardening.md C1-C6, C10, C11,
C13-C17). Each test sends the bad input over TCP, checks the documented reaction (bind_nak
reason, fault status, or close), and then checks that a well-behaved client is still served.

    hostile_test.py --rampartd build/bin/rampartd [unittest args]

Every loop is bounded in count and time; traffic stays on 127.0.0.1.
"""

import os
import socket
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from rampartd import Rampartd, run_suite  # noqa: E402
from rawrpc import (ALTER_RESP, BIND, BIND_ACK, BIND_NAK, EPM_V3, FAULT, LSARPC_V0, MGMT_V1,  # noqa: E402
                    NDR20, NDR64, PFC_DID_NOT_EXECUTE, PFC_FIRST_FRAG, PFC_LAST_FRAG, RESPONSE, Conn,
                    alter_context, bind, ept_insert_stub, ept_lookup_stub, ept_map_stub, header,
                    request, response_stub, stub_status, tcp_tower)

RAMPARTD = None
LIMITS = {"header_timeout_ms": 500, "pdu_timeout_ms": 800, "bind_timeout_ms": 1500,
          "idle_timeout_ms": 5000, "max_connections_per_source": 600, "max_contexts": 16,
          "max_lookup_handles": 4}
EPT_NOT_REGISTERED = 0x16C9A0D6
CONTEXT_MISMATCH = 0x1C00001A  # nca_s_fault_context_mismatch: an unknown [in] context handle
STATIC = [{"interface": LSARPC_V0[0], "version": "0.0", "protseq": "ncacn_ip_tcp",
           "endpoint": "49154", "annotation": "lsarpc"},
          # A second lsarpc endpoint: an ept_map with max_towers 1 then leaves a
          # tower behind, and so a lookup handle.
          {"interface": LSARPC_V0[0], "version": "0.0", "protseq": "ncacn_ip_tcp",
           "endpoint": "49156", "annotation": "lsarpc"},
          {"interface": "12345678-1234-abcd-ef00-01234567cffb", "version": "1.0",
           "protseq": "ncacn_ip_tcp", "endpoint": "49155", "annotation": "netlogon"}]
PROTO_ERROR, BAD_STUB, ACCESS_DENIED = 0x1C01000B, 0x6F7, 0x5


def u32(data, at):
    return struct.unpack_from("<I", data, at)[0]


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Rampartd(RAMPARTD, limits=LIMITS, static_endpoints=STATIC).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.d.__exit__(None, None, None)

    def conn(self, timeout=5.0):
        return Conn(port=self.d.port, timeout=timeout)

    def bound(self, frag=4280, flags=PFC_FIRST_FRAG | PFC_LAST_FRAG):
        c = self.conn()
        ack = c.call(bind(1, [(0, EPM_V3, [NDR20])], max_xmit=frag, max_recv=frag, flags=flags))
        self.assertEqual(ack[0][2], BIND_ACK)
        return c

    def ept_map(self, c, call_id=2, interface=LSARPC_V0):
        reply = c.call(request(call_id, 0, 3, ept_map_stub(interface)))
        self.assertTrue(reply, "no answer to ept_map")
        return reply[0]

    def assert_reaction_then_serving(self, replies, ptype, status=None, reason=None, closed=None, conn=None):
        self.assertTrue(replies, "no reply")
        self.assertEqual(replies[0][2], ptype, f"reply {replies[0].hex()}")
        if status is not None:
            self.assertEqual(hex(u32(replies[0], 24)), hex(status))
        if reason is not None:
            self.assertEqual(struct.unpack_from("<H", replies[0], 16)[0], reason)
        if closed is not None and conn is not None:
            self.assertEqual(conn.closed_by_peer(2.0), closed)
        self.assert_still_serving()

    def assert_still_serving(self):
        self.assertTrue(self.d.alive(), "rampartd died:\n" + self.d.log_text()[-3000:])
        with self.bound() as c:
            reply = self.ept_map(c, 9)
            self.assertEqual(reply[2], RESPONSE)
            self.assertEqual(stub_status(response_stub(reply)), 0)

    # C1 framing -------------------------------------------------------------
    def test_c1_frag_length_below_header(self):
        with self.conn() as c:
            # A legible bind header with a short frag_length: reason 0, as Windows
            # answers a bind too short for its body (raw_protocol test_no_auth_no_ctx).
            self.assert_reaction_then_serving(c.call(header(BIND, 3, 10, 1) + b"\0" * 8), BIND_NAK,
                                              reason=0, closed=True, conn=c)

    def test_c1_non_rpc_probe_gets_24_octet_bind_nak(self):
        with self.conn() as c:
            replies = c.call(b"GET / HTTP/1.0\r\n\r\n")
            self.assertEqual(len(replies[0]), 24)
            self.assert_reaction_then_serving(replies, BIND_NAK, reason=4, closed=True, conn=c)

    def test_c1_fragment_above_negotiated_size_closes(self):
        with self.bound(frag=4280) as c:
            replies = c.call(header(0, 3, 6000, 2) + struct.pack("<IHH", 0, 0, 3))
            self.assert_reaction_then_serving(replies, FAULT, status=PROTO_ERROR, closed=True, conn=c)

    def test_c1_partial_header_times_out(self):
        with self.conn() as c:
            c.send(b"\x05\x00\x0b\x03\x10")
            start = time.monotonic()
            self.assertTrue(c.closed_by_peer(3.0))
            self.assertLess(time.monotonic() - start, 2.5)
        self.assert_still_serving()

    def test_c1_partial_pdu_times_out(self):
        with self.conn() as c:
            c.send(bind(1, [(0, EPM_V3, [NDR20])])[:40])
            self.assertTrue(c.closed_by_peer(3.0))
        self.assert_still_serving()

    # C2 reassembly size -----------------------------------------------------
    def test_c2_fragmented_request_past_4mib_is_refused(self):
        rss_before = self.d.rss_kib()
        with self.bound(frag=5840) as c:
            chunk = b"\xaa" * 5808
            c.send(request(2, 0, 3, chunk, flags=PFC_FIRST_FRAG, alloc_hint=0))
            replies = []
            for _ in range(800):  # 800 * 5808 > 4 MiB
                try:
                    c.send(request(2, 0, 3, chunk, flags=0))
                except (BrokenPipeError, ConnectionResetError):
                    break
            replies = [p for p in iter(c.recv_pdu, None)]
            self.assertTrue(replies, "no fault before close")
            # [MS-RPCE] 3.3.3.5.4, raw_protocol test_fragmented_requests05.
            self.assertEqual(replies[0][2], FAULT)
            self.assertEqual(u32(replies[0], 24), ACCESS_DENIED)
            self.assertFalse(replies[0][3] & PFC_DID_NOT_EXECUTE)
        self.assertLess(self.d.rss_kib() - rss_before, 16 * 1024, "reassembly grew past its cap")
        self.assert_still_serving()

    def test_c2_alloc_hint_over_cap_is_refused_at_once(self):
        # raw_protocol test_fragmented_requests04: a first fragment announcing
        # 4 MiB + 1 gets access_denied and the close, before any more arrives.
        with self.bound(frag=5840) as c:
            replies = c.call(request(2, 0, 3, b"\0" * 64, flags=PFC_FIRST_FRAG, alloc_hint=0x400001))
            self.assertTrue(replies, "no fault for the first fragment")
            self.assertFalse(replies[0][3] & PFC_DID_NOT_EXECUTE)
            self.assert_reaction_then_serving(replies, FAULT, status=ACCESS_DENIED, closed=True, conn=c)

    def test_c2_alloc_hint_is_not_trusted(self):
        rss_before = self.d.rss_kib()
        conns = []
        for i in range(20):
            c = self.bound()
            # The most a request may announce (4 MiB): accepted, never reserved.
            c.send(request(2, 0, 3, b"\0" * 64, flags=PFC_FIRST_FRAG, alloc_hint=0x400000))
            conns.append(c)
        time.sleep(0.2)
        self.assertLess(self.d.rss_kib() - rss_before, 8 * 1024, "alloc_hint was trusted")
        for c in conns:
            c.close()
        self.assert_still_serving()

    # C3 fragment identity ---------------------------------------------------
    def _fragment_pair(self, **later):
        with self.bound() as c:
            c.send(request(2, 0, 3, b"\0" * 64, flags=PFC_FIRST_FRAG))
            second = dict(call_id=2, ctx_id=0, opnum=3)
            second.update(later)
            replies = c.call(request(second["call_id"], second["ctx_id"], second["opnum"], b"\0" * 8,
                                     flags=PFC_LAST_FRAG))
            self.assert_reaction_then_serving(replies, FAULT, status=PROTO_ERROR, closed=True, conn=c)

    def _fragment_claims_ignored(self, **later):
        # Windows ignores the context and opnum a later fragment names: the
        # first fragment's govern (raw_protocol
        # test_ntlmssp_multi_auth_first1_lastSame111; docs/hardening.md C3).
        stub = ept_map_stub(LSARPC_V0)
        with self.bound() as c:
            c.send(request(2, 0, 3, stub[:16], flags=PFC_FIRST_FRAG))
            second = dict(ctx_id=0, opnum=3)
            second.update(later)
            replies = c.call(request(2, second["ctx_id"], second["opnum"], stub[16:], flags=PFC_LAST_FRAG))
            self.assertTrue(replies, "no reply")
            self.assertEqual(replies[0][2], RESPONSE, f"reply {replies[0].hex()}")
            self.assertEqual(stub_status(response_stub(replies[0])), 0)
            # The connection still serves.
            self.assertEqual(self.ept_map(c, 3)[2], RESPONSE)

    def test_c3_later_fragment_context_is_ignored(self):
        self._fragment_claims_ignored(ctx_id=1)

    def test_c3_later_fragment_opnum_is_ignored(self):
        self._fragment_claims_ignored(opnum=2)

    def test_c3_later_fragment_changes_call_id(self):
        self._fragment_pair(call_id=3)

    def test_c3_continuation_without_first_fragment(self):
        with self.bound() as c:
            replies = c.call(request(2, 0, 3, b"\0" * 8, flags=PFC_LAST_FRAG))
            self.assert_reaction_then_serving(replies, FAULT, status=PROTO_ERROR, closed=True, conn=c)

    # C4 auth trailer geometry -----------------------------------------------
    def _auth_request(self, auth_length, trailer=b"", body_len=32):
        pdu = bytearray(request(2, 0, 3, b"\0" * body_len + trailer))
        struct.pack_into("<H", pdu, 10, auth_length)
        return bytes(pdu)

    def test_c4_auth_length_past_the_fragment(self):
        with self.bound() as c:
            replies = c.call(self._auth_request(200))
            self.assert_reaction_then_serving(replies, FAULT, status=PROTO_ERROR, closed=True, conn=c)

    def test_c4_misaligned_sec_trailer(self):
        with self.bound() as c:
            replies = c.call(self._auth_request(13))
            self.assert_reaction_then_serving(replies, FAULT, status=PROTO_ERROR, closed=True, conn=c)

    def test_c4_pad_larger_than_stub(self):
        with self.bound() as c:
            trailer = bytes([10, 2, 200, 0]) + b"\0" * 4 + b"\0" * 8
            replies = c.call(self._auth_request(8, trailer, body_len=8))
            self.assert_reaction_then_serving(replies, FAULT, status=PROTO_ERROR, closed=True, conn=c)

    def test_c4_bind_with_auth_length_past_the_pdu(self):
        with self.conn() as c:
            pdu = bytearray(bind(1, [(0, EPM_V3, [NDR20])]))
            struct.pack_into("<H", pdu, 10, 60)
            self.assert_reaction_then_serving(c.call(bytes(pdu)), BIND_NAK, closed=True, conn=c)

    # C5 auth state ----------------------------------------------------------
    def _auth_bind(self, auth_type, token, level=5, ctx_id=1):
        pdu = bytearray(bind(1, [(0, EPM_V3, [NDR20])]))
        pdu += bytes([auth_type, level, 0, 0]) + struct.pack("<I", ctx_id) + token
        struct.pack_into("<HH", pdu, 8, len(pdu), len(token))
        return bytes(pdu)

    # An NTLM NEGOTIATE as Impacket sends it (32 octets, no Version).
    NEGOTIATE = b"NTLMSSP\0" + b"\x01\0\0\0" + struct.pack("<I", 0xE0888235) + b"\0" * 16

    def test_c5_unknown_auth_type_is_refused_by_name(self):
        with self.conn() as c:
            # 0x44 (netlogon secure channel) is served by no provider: reason 8.
            replies = c.call(self._auth_bind(0x44, b"\0" * 16))
            self.assert_reaction_then_serving(replies, BIND_NAK, reason=8, closed=True, conn=c)

    def test_c17_garbage_ntlm_token_is_refused(self):
        with self.conn() as c:
            replies = c.call(self._auth_bind(10, b"NTLMSSP\0\x01\0\0\0garbage"))
            self.assert_reaction_then_serving(replies, BIND_NAK, reason=0, closed=True, conn=c)

    def test_c17_request_before_authentication_completes(self):
        with self.conn() as c:
            ack = c.call(self._auth_bind(10, self.NEGOTIATE))
            self.assertEqual(ack[0][2], BIND_ACK)
            replies = c.call(request(2, 0, 3, ept_map_stub(LSARPC_V0)))
            self.assert_reaction_then_serving(replies, FAULT, status=PROTO_ERROR, closed=True, conn=c)

    def test_c17_garbage_auth3_leaves_every_request_refused(self):
        with self.conn() as c:
            ack = c.call(self._auth_bind(10, self.NEGOTIATE))
            self.assertEqual(ack[0][2], BIND_ACK)
            token = b"NTLMSSP\0" + b"\x03\0\0\0" + b"\0" * 56
            auth3 = bytearray(header(16, 3, 20 + 8 + len(token), 1)) + b"\0" * 4
            auth3 += bytes([10, 5, 0, 0]) + struct.pack("<I", 1) + token
            struct.pack_into("<HH", auth3, 8, len(auth3), len(token))
            c.send(bytes(auth3))
            c.sock.settimeout(0.3)
            self.assertIsNone(c.recv_pdu(), "auth3 is never answered")
            c.sock.settimeout(5.0)
            replies = c.call(request(2, 0, 3, ept_map_stub(LSARPC_V0)))
            self.assert_reaction_then_serving(replies, FAULT, status=ACCESS_DENIED, closed=True, conn=c)

    def test_c17_alter_context_changes_auth_type_mid_exchange(self):
        with self.conn() as c:
            ack = c.call(self._auth_bind(10, self.NEGOTIATE))
            self.assertEqual(ack[0][2], BIND_ACK)
            alter = bytearray(alter_context(2, [(0, EPM_V3, [NDR20])]))
            alter += bytes([9, 5, 0, 0]) + struct.pack("<I", 1) + self.NEGOTIATE
            struct.pack_into("<HH", alter, 8, len(alter), len(self.NEGOTIATE))
            replies = c.call(bytes(alter))
            self.assert_reaction_then_serving(replies, FAULT, status=0x721, closed=True, conn=c)

    # C6 presentation contexts -----------------------------------------------
    def test_c6_no_context_elements(self):
        with self.conn() as c:
            self.assert_reaction_then_serving(c.call(bind(1, [])), BIND_NAK, closed=True, conn=c)

    def test_c6_no_transfer_syntaxes(self):
        with self.conn() as c:
            self.assert_reaction_then_serving(c.call(bind(1, [(0, EPM_V3, [])])), BIND_NAK, closed=True, conn=c)

    def test_c6_context_id_twice_in_one_bind(self):
        # Windows negotiates one new context per bind: the first is accepted, the
        # repeated id is refused with reason 2 and cannot replace it.
        with self.conn() as c:
            replies = c.call(bind(1, [(0, EPM_V3, [NDR20]), (0, MGMT_V1, [NDR20])]))
            self.assertEqual(replies[0][2], BIND_ACK)
            results = replies[0][-2 * 24:]
            self.assertEqual(struct.unpack_from("<HH", results, 0), (0, 0))
            self.assertEqual(struct.unpack_from("<HH", results, 24), (2, 2))
            self.assertEqual(self.ept_map(c, 2)[2], RESPONSE)
        self.assert_still_serving()

    def test_c6_unknown_syntaxes_get_provider_rejections(self):
        unknown_transfer = ("22222222-3333-4444-5555-666666666666", 1, 0)
        with self.conn() as c:
            replies = c.call(bind(1, [(0, ("11111111-2222-3333-4444-555555555555", 1, 0), [NDR20]),
                                      (1, EPM_V3, [unknown_transfer]), (2, EPM_V3, [NDR20])]))
            self.assertEqual(replies[0][2], BIND_ACK)
            results = replies[0][-3 * 24:]
            self.assertEqual(struct.unpack_from("<HH", results, 0), (2, 1))
            self.assertEqual(struct.unpack_from("<HH", results, 24), (2, 2))
            self.assertEqual(struct.unpack_from("<HH", results, 48), (0, 0))
        self.assert_still_serving()

    def test_c6_ndr64_wins_over_a_later_ndr20_context(self):
        # The endpoint mapper is generated with NDR64 codecs: offered both in two
        # contexts, NDR64 is accepted and the NDR20 one rejected with
        # proposed_transfer_syntaxes_not_supported, as Windows does ([MS-RPCE] 3.3.1.5.6).
        with self.conn() as c:
            replies = c.call(bind(1, [(0, EPM_V3, [NDR64]), (1, EPM_V3, [NDR20])]))
            self.assertEqual(replies[0][2], BIND_ACK)
            results = replies[0][-2 * 24:]
            self.assertEqual(struct.unpack_from("<HH", results, 0), (0, 0))
            self.assertEqual(struct.unpack_from("<HH", results, 24), (2, 2))
        self.assert_still_serving()

    def test_c6_context_ids_are_immutable(self):
        # Redefining a context is a protocol error, as from Windows
        # (raw_protocol test_no_auth_presentation_ctx_invalid4).
        with self.bound() as c:
            replies = c.call(alter_context(2, [(0, MGMT_V1, [NDR20])]))
            self.assert_reaction_then_serving(replies, FAULT, status=PROTO_ERROR, closed=True, conn=c)

    def test_c6_alter_flood_is_capped(self):
        with self.bound() as c:
            rejected = 0
            for i in range(1, 40):
                r = c.call(alter_context(10 + i, [(i, MGMT_V1, [NDR20])]))
                self.assertEqual(r[0][2], ALTER_RESP)
                rejected += struct.unpack_from("<H", r[0], len(r[0]) - 24)[0] == 2
            self.assertGreater(rejected, 0, "alter_context flood was not capped")
            self.assertEqual(self.ept_map(c, 99)[2], RESPONSE, "connection stops serving after the cap")
        self.assert_still_serving()

    # C10 truncated stub / NULL ----------------------------------------------
    def test_c10_truncated_stub_faults_and_connection_stays(self):
        with self.bound() as c:
            stub = ept_map_stub(LSARPC_V0)[:40]
            replies = c.call(request(2, 0, 3, stub))
            self.assertEqual(replies[0][2], FAULT)
            self.assertEqual(u32(replies[0], 24), BAD_STUB)
            self.assertEqual(self.ept_map(c, 3)[2], RESPONSE)
        self.assert_still_serving()

    def test_c10_null_map_tower(self):
        with self.bound() as c:
            stub = struct.pack("<I", 0) + struct.pack("<I", 0) + b"\0" * 20 + struct.pack("<I", 1)
            reply = c.call(request(2, 0, 3, stub))[0]
            # A NULL map_tower matches nothing: status ept_s_not_registered, as Samba answers.
            self.assertEqual(reply[2], RESPONSE)
            self.assertEqual(stub_status(response_stub(reply)), EPT_NOT_REGISTERED)
        self.assert_still_serving()

    # C11 no-progress loops --------------------------------------------------
    def test_c11_counts_that_claim_more_than_is_there(self):
        with self.bound() as c:
            tower = struct.pack("<H", 0xFFFF) + b"\x13\x00" * 4
            stub = struct.pack("<II", 0, 1) + struct.pack("<II", len(tower), len(tower)) + tower
            stub += b"\0" * (-len(stub) % 4) + b"\0" * 20 + struct.pack("<I", 0xFFFFFFFF)
            start = time.monotonic()
            reply = c.call(request(2, 0, 3, stub))[0]
            self.assertIn(reply[2], (RESPONSE, FAULT))
            self.assertLess(time.monotonic() - start, 1.0)
        self.assert_still_serving()

    def test_c11_lookup_max_ents_limits_output_not_allocation(self):
        with self.bound() as c:
            start = time.monotonic()
            reply = c.call(request(2, 0, 2, ept_lookup_stub(max_ents=0xFFFFFFFF)))[0]
            self.assertLess(time.monotonic() - start, 1.0)
            if reply[2] == RESPONSE:
                # Output is bounded by what is registered (4 entries here), never by max_ents.
                self.assertLessEqual(u32(response_stub(reply), 20), 4)
            else:
                self.assertEqual(reply[2], FAULT)
                self.assertEqual(u32(reply, 24), BAD_STUB)
        self.assert_still_serving()

    # C13 unbounded containers -----------------------------------------------
    def test_c13_lookup_handles_are_capped_by_evicting_the_oldest(self):
        # A client that never frees its lookup handles keeps being served; the
        # group holds at most max_lookup_handles, the oldest evicted first.
        with self.bound() as c:
            handles = []
            for i in range(LIMITS["max_lookup_handles"] + 3):
                reply = c.call(request(10 + i, 0, 2, ept_lookup_stub(max_ents=1)))[0]
                self.assertEqual(reply[2], RESPONSE)
                self.assertEqual(stub_status(response_stub(reply)), 0, f"call {i} refused")
                handles.append(response_stub(reply)[:20])
            self.assertNotEqual(handles[-1], b"\0" * 20)
            evicted = c.call(request(90, 0, 2, ept_lookup_stub(max_ents=1, handle=handles[0])))[0]
            self.assertEqual(evicted[2], FAULT)
            self.assertEqual(u32(evicted, 24), CONTEXT_MISMATCH)
            newest = c.call(request(91, 0, 2, ept_lookup_stub(max_ents=1, handle=handles[-1])))[0]
            self.assertEqual(newest[2], RESPONSE)
            self.assertEqual(stub_status(response_stub(newest)), 0)
        self.assert_still_serving()

    def test_c13_repeated_ept_map_without_freeing_is_served(self):
        # Clients commonly call ept_map with max_towers 1 and never free the handle
        # that comes back; Windows and Samba keep serving them, and so does rampartd.
        with self.bound() as c:
            for i in range(4 * LIMITS["max_lookup_handles"]):
                reply = self.ept_map(c, 10 + i)
                self.assertEqual(reply[2], RESPONSE)
                stub = response_stub(reply)
                self.assertEqual(stub_status(stub), 0, f"call {i} refused")
                self.assertNotEqual(stub[:20], b"\0" * 20, "a tower remains, so a handle comes back")
                self.assertEqual(u32(stub, 20), 1)  # num_towers
        self.assert_still_serving()

    def test_c15_lookup_walk_ends_with_not_registered(self):
        # The end of an ept_lookup walk: status 0 on every page that carries entries,
        # a nil handle on the last; the handle that walked there, used again, gets
        # ept_s_not_registered with no entries and a zeroed handle (Windows, Samba).
        with self.bound() as c:
            handle, walk, pages = b"\0" * 20, None, 0
            while True:
                reply = c.call(request(20 + pages, 0, 2, ept_lookup_stub(max_ents=1, handle=handle)))[0]
                self.assertEqual(reply[2], RESPONSE)
                stub = response_stub(reply)
                self.assertEqual(stub_status(stub), 0, f"page {pages}")
                self.assertEqual(u32(stub, 20), 1, f"page {pages} carries one entry")
                handle, pages = stub[:20], pages + 1
                walk = walk or handle
                if handle == b"\0" * 20 or pages > 20:
                    break
            self.assertGreater(pages, 1)
            self.assertEqual(handle, b"\0" * 20)
            after = c.call(request(60, 0, 2, ept_lookup_stub(max_ents=1, handle=walk)))[0]
            self.assertEqual(after[2], RESPONSE)
            stub = response_stub(after)
            self.assertEqual(stub_status(stub), EPT_NOT_REGISTERED)
            self.assertEqual(u32(stub, 20), 0)
            self.assertEqual(stub[:20], b"\0" * 20)
        self.assert_still_serving()

    def test_c13_concurrent_reassemblies_are_capped(self):
        with self.bound(flags=PFC_FIRST_FRAG | PFC_LAST_FRAG | 0x10) as c:
            replies = []
            for call_id in range(1, 40):
                c.send(request(call_id, 0, 3, b"\0" * 16, flags=PFC_FIRST_FRAG))
            replies = [p for p in iter(c.recv_pdu, None)]
            self.assertTrue(replies and replies[0][2] == FAULT, "no fault for too many open calls")
        self.assert_still_serving()

    # C14 locality -----------------------------------------------------------
    def test_c14_remote_ept_insert_and_delete_are_refused(self):
        entry = ("00000000-0000-0000-0000-000000000000", tcp_tower(("aaaaaaaa-1111-2222-3333-444444444444", 1, 0), port=5000), "x")
        with self.bound() as c:
            for opnum, stub in ((0, ept_insert_stub([entry])), (1, ept_insert_stub([entry], opnum_delete=True))):
                reply = c.call(request(2 + opnum, 0, opnum, stub))[0]
                if reply[2] == FAULT:
                    self.assertEqual(u32(reply, 24), ACCESS_DENIED)
                else:
                    self.assertEqual(stub_status(response_stub(reply)), ACCESS_DENIED)
            reply = c.call(request(9, 0, 3, ept_map_stub(("aaaaaaaa-1111-2222-3333-444444444444", 1, 0))))[0]
            self.assertEqual(stub_status(response_stub(reply)), EPT_NOT_REGISTERED)
        self.assert_still_serving()

    # C15 lifetimes ----------------------------------------------------------
    def test_c15_lookup_handle_belongs_to_its_association(self):
        with self.bound() as a, self.bound() as b:
            first = response_stub(a.call(request(2, 0, 2, ept_lookup_stub(max_ents=1)))[0])
            handle = first[:20]
            self.assertNotEqual(handle, b"\0" * 20, "lookup returned no handle to continue with")
            stolen = b.call(request(2, 0, 2, ept_lookup_stub(max_ents=1, handle=handle)))[0]
            # Refused as an unknown handle: fault nca_s_fault_context_mismatch (C15).
            self.assertEqual(stolen[2], FAULT, "another association's handle was honoured")
            self.assertEqual(u32(stolen, 24), 0x1C00001A)
            again = response_stub(a.call(request(3, 0, 2, ept_lookup_stub(max_ents=1, handle=handle)))[0])
            self.assertEqual(stub_status(again), 0, "the owner could not continue its lookup")
        self.assert_still_serving()

    # C16 blocking -----------------------------------------------------------
    def test_c16_half_open_connections_do_not_stop_service(self):
        # Its own daemon whose header timeout (60 s) outlasts the test: a server that made a
        # new client wait behind half-open connections would leave it unanswered until the
        # client's 5 s timeout, whatever the machine's load. A wall-clock bound could not tell.
        slow = dict(LIMITS, header_timeout_ms=60000, pdu_timeout_ms=60000)
        with Rampartd(RAMPARTD, limits=slow, static_endpoints=STATIC) as d:
            half_open = []
            try:
                for _ in range(500):
                    s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
                    s.sendall(b"\x05\x00")
                    half_open.append(s)
                c = Conn(port=d.port, timeout=5.0)
                ack = c.call(bind(1, [(0, EPM_V3, [NDR20])]))
                self.assertEqual(ack[0][2], BIND_ACK, "a new client waited behind half-open ones")
                self.assertEqual(self.ept_map(c)[2], RESPONSE)
                c.close()
            finally:
                for s in half_open:
                    s.close()
        self.assert_still_serving()

    def test_c16_client_that_never_reads_is_dropped_alone(self):
        with self.bound() as c:
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            deadline = time.monotonic() + 10
            sent = 0
            try:
                c.sock.settimeout(0.5)
                while time.monotonic() < deadline and sent < 200000:
                    c.send(request(sent + 2, 0, 2, ept_lookup_stub(max_ents=500)))
                    sent += 1
            except (socket.timeout, BrokenPipeError, ConnectionResetError):
                pass
            self.assert_still_serving()


if __name__ == "__main__":
    run_suite(globals())
