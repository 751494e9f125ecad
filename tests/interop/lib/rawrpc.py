"""Hand-built connection-oriented DCE/RPC PDUs for interop tests, in either byte order.

Run with /usr/bin/python3 (see python.sh). No dependency beyond the standard library.

References: C706 ch. 12 (CO PDUs), C706 appendix L and [MS-RPCE] 2.2.1.1.7 (towers),
[MS-RPCE] 2.2.2.14 (bind time feature negotiation).

    Drep          byte order of one peer: Drep.LE (10 00 00 00) or Drep.BE (00 00 00 00)
    bind(...)     bind or alter_context PDU with any number of presentation contexts
    request(...)  request PDU
    Conn          a TCP client that sends PDUs and reads whole PDUs back by frag_length
    ept_map_stub, ept_lookup_stub, tcp_tower   NDR20 stubs for the endpoint mapper
    summarize(pdu)  one line describing a PDU (ptype, call_id, results, status)
"""

import socket
import struct
import uuid as _uuid

# C706 12.6.4.1 packet types
PTYPES = {
    0: "request", 1: "ping", 2: "response", 3: "fault", 4: "working", 5: "nocall",
    6: "reject", 7: "ack", 8: "cl_cancel", 9: "fack", 10: "cancel_ack", 11: "bind",
    12: "bind_ack", 13: "bind_nak", 14: "alter_context", 15: "alter_context_resp",
    16: "auth3", 17: "shutdown", 18: "co_cancel", 19: "orphaned",
}
REQUEST, RESPONSE, FAULT, BIND, BIND_ACK, BIND_NAK, ALTER, ALTER_RESP = 0, 2, 3, 11, 12, 13, 14, 15

PFC_FIRST_FRAG, PFC_LAST_FRAG, PFC_DID_NOT_EXECUTE = 0x01, 0x02, 0x20

EPM_V3 = ("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3, 0)
MGMT_V1 = ("afa8bd80-7d8a-11c9-bef4-08002b102989", 1, 0)
LSARPC_V0 = ("12345778-1234-abcd-ef00-0123456789ab", 0, 0)
NDR20 = ("8a885d04-1ceb-11c9-9fe8-08002b104860", 2, 0)
NDR64 = ("71710533-beba-4937-8319-b5dbef9ccc36", 1, 0)
# [MS-RPCE] 2.2.2.14: the first 8 bytes are fixed, the next 8 carry the feature bitmask
# (0x01 security context multiplexing, 0x02 keep connection on orphan). Version 1.0.
def btfn(bitmask=0x03):
    return (str(_uuid.UUID(bytes_le=bytes.fromhex("2c1cb76c12984045") + struct.pack("<Q", bitmask))), 1, 0)

RESULTS = {0: "acceptance", 1: "user_rejection", 2: "provider_rejection", 3: "negotiate_ack"}
STATUS = {
    0x000006F7: "RPC_X_BAD_STUB_DATA",
    0x1C010002: "nca_s_op_rng_error",
    0x1C010003: "nca_s_unk_if",
    0x1C01000B: "nca_s_proto_error",
    0x1C00001A: "nca_s_fault_context_mismatch",
    0x1C010014: "nca_s_server_too_busy",
    0x0000000E: "RPC_S_OUT_OF_MEMORY",
    0x16C9A0D6: "ept_s_not_registered",
    0x00000005: "ERROR_ACCESS_DENIED",
    0x000006D8: "EPT_S_CANT_PERFORM_OP",
}


class Drep:
    LE = b"\x10\x00\x00\x00"
    BE = b"\x00\x00\x00\x00"


def _e(drep):
    return "<" if drep[0] & 0x10 else ">"


def guid(u, drep=Drep.LE):
    """An NDR GUID (u32, u16, u16, u8[8]) in the byte order of drep."""
    return _uuid.UUID(u).bytes_le if drep[0] & 0x10 else _uuid.UUID(u).bytes


def syntax_id(s, drep=Drep.LE):
    """p_syntax_id_t (C706 12.6.3.1): the version is one u32 if_version, major in the low
    16 bits and minor in the high 16 bits, so big-endian puts the minor version first."""
    u, major, minor = s
    return guid(u, drep) + struct.pack(_e(drep) + "I", major | minor << 16)


def _syntax_str(b, e):
    v, = struct.unpack_from(e + "I", b, 16)
    return "%s v%d.%d" % (_uuid_str(b[:16], e), v & 0xFFFF, v >> 16)


def header(ptype, flags, frag_length, call_id, drep=Drep.LE, auth_length=0, vers=5, vers_minor=0):
    return bytes([vers, vers_minor, ptype, flags]) + drep + struct.pack(
        _e(drep) + "HHI", frag_length, auth_length, call_id)


def bind(call_id, contexts, drep=Drep.LE, max_xmit=4280, max_recv=4280, assoc_group=0,
         ptype=BIND, flags=PFC_FIRST_FRAG | PFC_LAST_FRAG, vers_minor=0):
    """contexts: list of (context_id, abstract_syntax, [transfer_syntax, ...])."""
    e = _e(drep)
    body = struct.pack(e + "HHI", max_xmit, max_recv, assoc_group)
    body += struct.pack(e + "B3x", len(contexts))
    for ctx_id, abstract, transfers in contexts:
        body += struct.pack(e + "HBx", ctx_id, len(transfers)) + syntax_id(abstract, drep)
        for t in transfers:
            body += syntax_id(t, drep)
    return header(ptype, flags, 16 + len(body), call_id, drep, vers_minor=vers_minor) + body


def alter_context(call_id, contexts, drep=Drep.LE, **kw):
    return bind(call_id, contexts, drep, ptype=ALTER, **kw)


def request(call_id, ctx_id, opnum, stub, drep=Drep.LE, flags=PFC_FIRST_FRAG | PFC_LAST_FRAG,
            alloc_hint=None):
    e = _e(drep)
    body = struct.pack(e + "IHH", len(stub) if alloc_hint is None else alloc_hint, ctx_id, opnum)
    return header(REQUEST, flags, 24 + len(stub), call_id, drep) + body + stub


def tcp_tower(interface, transfer=NDR20, port=0, ip="0.0.0.0"):
    """A 5-floor ncacn_ip_tcp tower. Towers are little-endian whatever the drep, except the
    port and address, which are big-endian (C706 appendix L, [MS-RPCE] 2.2.1.1.7)."""
    def floor(lhs, rhs):
        return struct.pack("<H", len(lhs)) + lhs + struct.pack("<H", len(rhs)) + rhs
    iu, imaj, imin = interface
    tu, tmaj, tmin = transfer
    floors = [
        floor(b"\x0d" + _uuid.UUID(iu).bytes_le + struct.pack("<H", imaj), struct.pack("<H", imin)),
        floor(b"\x0d" + _uuid.UUID(tu).bytes_le + struct.pack("<H", tmaj), struct.pack("<H", tmin)),
        floor(b"\x0b", b"\x00\x00"),
        floor(b"\x07", struct.pack(">H", port)),
        floor(b"\x09", socket.inet_aton(ip)),
    ]
    return struct.pack("<H", len(floors)) + b"".join(floors)


def _pad4(b):
    return b + b"\x00" * (-len(b) % 4)


def ept_map_stub(interface, drep=Drep.LE, max_towers=1, transfer=NDR20, handle=b"\x00" * 20,
                 object_uuid="00000000-0000-0000-0000-000000000000"):
    """ept_map (opnum 3) in NDR20: [unique] object, [unique] map_tower, entry_handle,
    max_towers. Laid out as Impacket does (referent ids 1 and 2)."""
    e = _e(drep)
    tower = tcp_tower(interface, transfer)
    stub = struct.pack(e + "I", 1) + guid(object_uuid, drep)
    stub += struct.pack(e + "III", 2, len(tower), len(tower)) + tower
    stub = _pad4(stub)
    return stub + handle + struct.pack(e + "I", max_towers)


def ept_lookup_stub(drep=Drep.LE, max_ents=500, inquiry_type=0, vers_option=1,
                    handle=b"\x00" * 20):
    """ept_lookup (opnum 2) in NDR20 with null object and interface pointers."""
    e = _e(drep)
    return struct.pack(e + "IIII", inquiry_type, 0, 0, vers_option) + handle + \
        struct.pack(e + "I", max_ents)


def ept_insert_stub(entries, replace=1, drep=Drep.LE, opnum_delete=False):
    """ept_insert (opnum 0) or, with opnum_delete, ept_delete (opnum 1) in NDR20.
    entries: list of (object_uuid, tower_octets, annotation). Layout (C706 14.3): num_ents,
    then the conformant array of ept_entry_t scalars (object, tower referent, annotation as
    a varying string), then the deferred towers (twr_t: conformance, tower_length, octets)."""
    e = _e(drep)
    stub = struct.pack(e + "II", len(entries), len(entries))
    for i, (obj, _, annotation) in enumerate(entries):
        text = annotation.encode() + b"\x00"
        stub += guid(obj, drep) + struct.pack(e + "III", 0x20000 + 4 * i, 0, len(text)) + text
        stub = _pad4(stub)
    for _, tower, _ in entries:
        stub = _pad4(stub + struct.pack(e + "II", len(tower), len(tower)) + tower)
    return stub if opnum_delete else stub + struct.pack(e + "I", replace)


def stub_status(stub, drep=Drep.LE):
    """The trailing error_status_t of an EPM or mgmt response stub."""
    return struct.unpack_from(_e(drep) + "I", stub, len(stub) - 4)[0]


def response_stub(pdu):
    """The stub of a response PDU (no auth)."""
    return pdu[24:]


def parse_header(pdu):
    """(ptype, flags, drep, frag_length, auth_length, call_id, endian) of a CO PDU."""
    drep = pdu[4:8]
    e = _e(drep)
    frag, auth, call_id = struct.unpack_from(e + "HHI", pdu, 8)
    return pdu[2], pdu[3], drep, frag, auth, call_id, e


def frag_length(prefix):
    """frag_length from the first 10 bytes of a PDU, honouring the drep integer byte order."""
    return struct.unpack_from(_e(prefix[4:8]) + "H", prefix, 8)[0]


def _uuid_str(b, e):
    return str(_uuid.UUID(bytes_le=b) if e == "<" else _uuid.UUID(bytes=b))


def summarize(pdu):
    """One line: what the PDU is. Decodes only the fixed parts of the header and body."""
    try:
        ptype, flags, drep, frag, _auth, call_id, e = parse_header(pdu)
    except struct.error:
        return "truncated PDU (%d bytes)" % len(pdu)
    name = PTYPES.get(ptype, "ptype %d" % ptype)
    order = "little-endian" if e == "<" else "big-endian"
    parts = ["%s v%d.%d call_id %d flags 0x%02x %s" % (name, pdu[0], pdu[1], call_id, flags, order)]
    try:
        if ptype in (REQUEST,):
            alloc, ctx, opnum = struct.unpack_from(e + "IHH", pdu, 16)
            parts.append("context %d opnum %d stub %d bytes" % (ctx, opnum, frag - 24))
        elif ptype == RESPONSE:
            alloc, ctx, cancel = struct.unpack_from(e + "IHB", pdu, 16)
            parts.append("context %d alloc_hint %d stub %d bytes" % (ctx, alloc, frag - 24))
        elif ptype == FAULT:
            alloc, ctx, cancel, status = struct.unpack_from(e + "IHBxI", pdu, 16)
            parts.append("context %d status 0x%08x %s%s" % (
                ctx, status, STATUS.get(status, ""),
                " did_not_execute" if flags & PFC_DID_NOT_EXECUTE else ""))
        elif ptype in (BIND, ALTER):
            xmit, recv, group, n = struct.unpack_from(e + "HHIB", pdu, 16)
            parts.append("max_xmit %d max_recv %d assoc_group 0x%x contexts %d" % (xmit, recv, group, n))
            off = 28
            for _ in range(n):
                ctx, nt = struct.unpack_from(e + "HB", pdu, off)
                a = _syntax_str(pdu[off + 4:off + 24], e)
                ts = [_syntax_str(pdu[off + 24 + 20 * j:off + 44 + 20 * j], e) for j in range(nt)]
                parts.append("[%d] %s over %s" % (ctx, a, ", ".join(ts)))
                off += 24 + 20 * nt
        elif ptype in (BIND_ACK, ALTER_RESP):
            xmit, recv, group, slen = struct.unpack_from(e + "HHIH", pdu, 16)
            port = pdu[26:26 + slen].rstrip(b"\x00").decode("ascii", "replace")
            off = 26 + slen
            off += -off % 4
            n = pdu[off]
            parts.append("max_xmit %d max_recv %d assoc_group 0x%x sec_addr '%s' results %d"
                         % (xmit, recv, group, port, n))
            off += 4
            for _ in range(n):
                res, reason = struct.unpack_from(e + "HH", pdu, off)
                ts = _syntax_str(pdu[off + 4:off + 24], e)
                if res == 3:  # [MS-RPCE] 2.2.2.14: reason carries the acknowledged features
                    parts.append("[negotiate_ack features 0x%x]" % reason)
                else:
                    parts.append("[%s reason %d %s]" % (RESULTS.get(res, str(res)), reason, ts))
                off += 24
        elif ptype == BIND_NAK:
            reason, = struct.unpack_from(e + "H", pdu, 16)
            parts.append("reason %d" % reason)
    except (struct.error, IndexError):
        parts.append("(body truncated)")
    return "; ".join(parts)


class Conn:
    """A blocking TCP client that reads whole PDUs (header first, then frag_length)."""

    def __init__(self, host="127.0.0.1", port=135, timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, data):
        self.sock.sendall(data)

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def recv_pdu(self):
        """The next PDU, or None if the peer closed the connection (or sent a partial one)."""
        try:
            head = self._recv_exact(10)
            if head is None:
                return None
            frag = frag_length(head)
            if frag < 10:
                return head
            rest = self._recv_exact(frag - 10)
            return None if rest is None else head + rest
        except socket.timeout:
            return None
        except ConnectionResetError:
            return None

    def call(self, data):
        """Send one PDU, return the PDUs received until a last fragment (or close/timeout)."""
        self.send(data)
        out = []
        for _ in range(64):
            p = self.recv_pdu()
            if p is None:
                break
            out.append(p)
            if p[3] & PFC_LAST_FRAG or p[2] in (BIND_ACK, BIND_NAK, ALTER_RESP):
                break
        return out

    def closed_by_peer(self, wait=1.0):
        """True if the peer closes the connection within wait seconds."""
        self.sock.settimeout(wait)
        try:
            return self.sock.recv(1) == b""
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
