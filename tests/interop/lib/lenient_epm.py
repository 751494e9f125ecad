#!/usr/bin/python3
"""A deliberately flawed DCE/RPC endpoint mapper for testing `rampart probe`.

It answers the connection-oriented protocol (C706 12) well enough for the probe
engine: bind/alter_context, ept_lookup, ept_map, ept_lookup_handle_free. By
default it reacts as Windows does to each malformation `rampart probe` sends;
every name given with --plant makes it accept (or mishandle) one class of bad
input instead, so a test can check that each planted flaw is found.

    lenient_epm.py [--listen 127.0.0.1] [--port 135] [--plant NAME ...] [--stats FILE]

--stats FILE: keep in FILE the most connections that were ever open at once.

Plants (the probe that must find each is in tests/interop/probe_test.py):
  header-only, version, request-before-bind, auth-length, no-contexts,
  no-transfer, second-bind, alter-empty, assoc-group, strict-flags,
  frag-above-max, alloc-hint, fragments, request-auth-length, context-id,
  opnum, tower, truncated, max-ents, handle, fragment-identity (a later
  fragment's opnum is dispatched), any-ptype,
  redefine-context, princ-name (mgmt inq_princ_name writes a name into a
  zero-octet buffer), freed-handle (ept_lookup_handle_free keeps the handle
  usable), walk-restart (a lookup handle whose walk ended starts it again),
  shared-handles (a lookup handle works on every connection),
  crash-on-flood (the process
  exits when an alter_context brings more than 64 contexts: a host that dies),
  remote-stop (mgmt stop_server_listening from anyone is obeyed: the server
  stops accepting connections), auth-ignored (an NTLM bind gets a CHALLENGE and
  a bind_ack, and from then on auth3 and every request's sec_trailer and
  signature are ignored: a server that never verifies; without it an
  authenticated bind is refused like any bind with an auth_length).

It also answers the DCOM interfaces of port 135 minimally ([MS-DCOM] 3.1.2.5):
ServerAlive2 and ResolveOxid2 (IObjectExporter), RemoteCreateInstance
(IRemoteSCMActivator) and RemoteActivation (IActivation); the plant no-dcom
leaves them out. It checks an activation as Windows does, parsing first, then
refusing an anonymous caller with E_ACCESSDENIED. Each DCOM plant believes
one malformed input and goes on to look the class up (REGDB_E_CLASSNOTREG,
or phr S_OK for RemoteActivation), as a host without the check would:
  dcom-floor (no floor: an anonymous activation is looked up), dcom-version
  (COMVERSION 9.9 served), dcom-objref (no MEOW check), dcom-sizes
  (CustomHeader sizes not compared), dcom-cntdata (ulCntData not compared with
  the conformance), dcom-null (a NULL pActProperties activates), dcom-oxid
  (an unknown OXID resolves), dcom-name (an overlong pwszObjectName is served).
"""
import argparse
import asyncio
import os
import struct
import sys
import uuid

BIND, BIND_ACK, BIND_NAK, ALTER, ALTER_RESP, REQUEST, RESPONSE, FAULT, AUTH3 = 11, 12, 13, 14, 15, 0, 2, 3, 16
NTLM_AUTH_TYPE = 10
FIRST, LAST, DNE = 0x01, 0x02, 0x20
PROTO_ERROR, UNK_IF, OP_RNG, CTX_MISMATCH = 0x1C01000B, 0x1C010003, 0x1C010002, 0x1C00001A
BAD_STUB, ACCESS_DENIED, NOT_REGISTERED = 0x6F7, 0x5, 0x16C9A0D6
NDR20 = bytes.fromhex("045d888aeb1cc9119fe808002b104860") + struct.pack("<I", 2)
MAX_FRAG = 5840
MGMT = bytes.fromhex("80bda8af8a7dc911bef408002b102989")  # afa8bd80-7d8a-11c9-bef4-08002b102989, LE
ASSOC_GROUP = 0x12345
EXPORTER = uuid.UUID("99fcfec4-5260-101b-bbcb-00aa0021347a").bytes_le
SCM = uuid.UUID("000001a0-0000-0000-c000-000000000046").bytes_le
ACTIVATION = uuid.UUID("4d9f4ab8-7d1c-11cf-861e-0020af6e7c57").bytes_le
E_ACCESSDENIED, E_INVALIDARG, CLASSNOTREG = 0x80070005, 0x80070057, 0x80040154
VERSION_MISMATCH, INVALID_OBJREF, OR_INVALID_OXID = 0x80010110, 0x8001011D, 0x776
SHARED_HANDLES = {}


class Close(Exception):
    pass


def header(ptype, flags, call_id, body):
    return struct.pack("<BBBB4sHHI", 5, 0, ptype, flags, b"\x10\0\0\0", 16 + len(body), 0, call_id) + body


def nak(call_id, reason):
    return header(BIND_NAK, 3, call_id, struct.pack("<HB", reason, 1) + bytes([5, 0]) + b"\0" * 3)


def fault(call_id, status, dne=False, ctx=0):
    return header(FAULT, 3 | (DNE if dne else 0), call_id, struct.pack("<IHBBII", 32, ctx, 0, 0, status, 0))


def response(call_id, ctx, stub):
    return header(RESPONSE, 3, call_id, struct.pack("<IHBB", len(stub), ctx, 0, 0) + stub)


def ntlm_challenge(negotiate_token):
    """An NTLM CHALLENGE answering NEGOTIATE_MESSAGE `negotiate_token` ([MS-NLMP] 2.2.1.2),
    granting the flags the client asked for."""
    import calendar
    import time
    from impacket import ntlm
    neg = ntlm.NTLMAuthNegotiate()
    neg.fromString(negotiate_token)
    # One of each exclusive pair ([MS-NLMP] 2.2.2.5): Unicode over OEM, extended
    # session security over LM_KEY.
    granted = (ntlm.NTLMSSP_NEGOTIATE_56 | ntlm.NTLMSSP_NEGOTIATE_128 | ntlm.NTLMSSP_NEGOTIATE_KEY_EXCH |
               ntlm.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | ntlm.NTLMSSP_NEGOTIATE_UNICODE |
               ntlm.NTLMSSP_NEGOTIATE_SIGN | ntlm.NTLMSSP_NEGOTIATE_SEAL | ntlm.NTLMSSP_NEGOTIATE_ALWAYS_SIGN)
    flags = neg["flags"] & granted | (ntlm.NTLMSSP_NEGOTIATE_VERSION | ntlm.NTLMSSP_NEGOTIATE_TARGET_INFO |
                                      ntlm.NTLMSSP_TARGET_TYPE_SERVER | ntlm.NTLMSSP_NEGOTIATE_NTLM |
                                      ntlm.NTLMSSP_REQUEST_TARGET)
    domain = "RAMPART".encode("utf-16le")
    av = ntlm.AV_PAIRS()
    av[ntlm.NTLMSSP_AV_HOSTNAME] = av[ntlm.NTLMSSP_AV_DNS_HOSTNAME] = "LENIENT".encode("utf-16le")
    av[ntlm.NTLMSSP_AV_DOMAINNAME] = av[ntlm.NTLMSSP_AV_DNS_DOMAINNAME] = domain
    av[ntlm.NTLMSSP_AV_TIME] = struct.pack("<q", 116444736000000000 + calendar.timegm(time.gmtime()) * 10000000)
    info = av.getData()
    ch = ntlm.NTLMAuthChallenge()
    ch["flags"] = flags
    ch["domain_len"] = ch["domain_max_len"] = len(domain)
    ch["domain_offset"] = 40 + 16
    ch["challenge"] = os.urandom(8)
    ch["domain_name"] = domain
    ch["TargetInfoFields_len"] = ch["TargetInfoFields_max_len"] = len(info)
    ch["TargetInfoFields"] = info
    ch["TargetInfoFields_offset"] = 40 + 16 + len(domain)
    ch["Version"] = b"\xff" * 8
    ch["VersionLen"] = 8
    return ch.getData()


def with_verifier(pdu, level, context_id, token):
    """`pdu` (4-aligned) with a sec_trailer and `token` appended, frag_length and auth_length set."""
    out = bytearray(pdu + struct.pack("<BBBBI", NTLM_AUTH_TYPE, level, 0, 0, context_id) + token)
    struct.pack_into("<HH", out, 8, len(out), len(token))
    return bytes(out)


def ack(ptype, call_id, results, secondary=b"135\0"):
    body = struct.pack("<HHIH", MAX_FRAG, MAX_FRAG, ASSOC_GROUP, len(secondary)) + secondary
    body += b"\0" * ((-(16 + len(body))) % 4)
    body += struct.pack("<BBH", len(results), 0, 0)
    for r in results:
        body += struct.pack("<HH", r, 0) + (NDR20 if r == 0 else b"\0" * 20)
    return header(ptype, 3, call_id, body)


class Conn:
    def __init__(self, plants):
        self.p = plants
        self.bound = False
        self.contexts = {}  # context id -> abstract syntax (20 octets)
        self.pending = None  # (call_id, context, opnum) of an incomplete request
        # lookup handle (20 octets) -> "live" or "done" (its walk ended); one
        # connection's, unless shared-handles makes them everyone's.
        self.handles = SHARED_HANDLES if self.has("shared-handles") else {}
        self.authed = False  # auth-ignored: an NTLM bind was acknowledged

    def has(self, name):
        return name in self.p

    def handle(self, pdu):
        """Returns the octets to send; raises Close to drop the connection after them."""
        vers, minor, ptype, flags = pdu[0], pdu[1], pdu[2], pdu[3]
        frag, auth_len, call_id = struct.unpack_from("<HHI", pdu, 8)
        if (vers, minor) != (5, 0) and not self.has("version"):
            return nak(call_id, 4)
        if ptype in (BIND, ALTER):
            return self.bind(pdu, ptype, flags, auth_len, call_id)
        if ptype == AUTH3 and self.authed:
            return b""  # auth-ignored: the AUTHENTICATE message is not checked, never once
        if ptype == REQUEST or (ptype == RESPONSE and self.has("any-ptype")):
            if auth_len and self.authed:
                pdu, auth_len = self.without_verifier(pdu, auth_len), 0
            return self.request(pdu, flags, auth_len, call_id)
        raise Close(b"")

    @staticmethod
    def without_verifier(pdu, auth_len):
        """auth-ignored: the request without its sec_trailer, pad and signature, believing
        auth_pad_length (a pad larger than the stub leaves no stub)."""
        trailer = len(pdu) - auth_len - 8
        end = max(24, trailer - pdu[trailer + 2])
        out = bytearray(pdu[:end])
        struct.pack_into("<HH", out, 8, len(out), 0)
        return bytes(out)

    def ntlm_bind(self, pdu, auth_len):
        """auth-ignored: (level, context id, CHALLENGE) for a bind carrying an NTLM
        NEGOTIATE message, or None."""
        trailer = len(pdu) - auth_len - 8
        token = pdu[trailer + 8:]
        if trailer < 28 or pdu[trailer] != NTLM_AUTH_TYPE or not token.startswith(b"NTLMSSP\0"):
            return None
        level, context_id = pdu[trailer + 1], struct.unpack_from("<I", pdu, trailer + 4)[0]
        return level, context_id, ntlm_challenge(token)

    def contexts_of(self, pdu):
        """(assoc_group, [(ctx_id, n_transfer)]) or None when the body is short."""
        if len(pdu) < 28:
            return None
        assoc, n = struct.unpack_from("<IB", pdu, 20)
        off, out = 28, []
        for _ in range(n):
            if off + 24 > len(pdu):
                return None
            cid, nts = struct.unpack_from("<HB", pdu, off)
            out.append((cid, nts, pdu[off + 4:off + 24]))
            off += 24 + 20 * nts
        return assoc, out

    def bind(self, pdu, ptype, flags, auth_len, call_id):
        parsed = self.contexts_of(pdu)
        is_bind = ptype == BIND
        if parsed is None:
            if self.has("header-only") and is_bind:
                self.bound = True
                return ack(BIND_ACK, call_id, [])
            raise Close(b"")
        assoc, ctxs = parsed
        if is_bind and self.bound and not self.has("second-bind"):
            raise Close(nak(call_id, 0))
        ntlm = self.ntlm_bind(pdu, auth_len) if is_bind and auth_len and self.has("auth-ignored") else None
        if is_bind and auth_len and ntlm is None and not self.has("auth-length"):
            return nak(call_id, 4)
        if is_bind and flags & ~3 and self.has("strict-flags"):
            return nak(call_id, 4)
        if not ctxs:
            if is_bind and not self.has("no-contexts"):
                raise Close(nak(call_id, 0))
            if not is_bind and not self.has("alter-empty"):
                raise Close(fault(call_id, PROTO_ERROR, dne=True))
        if any(nts == 0 for _, nts, _ in ctxs) and not self.has("no-transfer"):
            raise Close(nak(call_id, 0))
        if is_bind and assoc not in (0, ASSOC_GROUP) and not self.has("assoc-group"):
            return nak(call_id, 0)
        if not is_bind and len(ctxs) > 64 and self.has("crash-on-flood"):
            os._exit(3)
        if any(self.contexts.get(cid, a) != a for cid, _, a in ctxs) and not self.has("redefine-context"):
            raise Close(fault(call_id, PROTO_ERROR, dne=True))
        self.bound = True
        self.contexts.update((cid, a) for cid, _, a in ctxs)
        results = [0] * len(ctxs)
        out = ack(BIND_ACK if is_bind else ALTER_RESP, call_id, results, b"135\0" if is_bind else b"")
        if ntlm is not None:
            self.authed = True
            # PFC_SUPPORT_HEADER_SIGN is echoed, as Windows does ([MS-RPCE] 3.3.1.5.2.2).
            out = bytes([*out[:3], out[3] | flags & 0x04]) + out[4:]
            out = with_verifier(out, *ntlm)
        return out

    def request(self, pdu, flags, auth_len, call_id):
        if not self.bound:
            if not self.has("request-before-bind"):
                return nak(call_id, 4)
            self.contexts[0] = b""
        if len(pdu) > MAX_FRAG and not self.has("frag-above-max"):
            raise Close(fault(call_id, PROTO_ERROR))
        if auth_len and not self.has("request-auth-length"):
            raise Close(fault(call_id, PROTO_ERROR))
        alloc_hint, ctx, opnum = struct.unpack_from("<IHH", pdu, 16)
        stub = pdu[24:]
        if not self.has("fragments"):
            if not flags & FIRST and self.pending is None:
                raise Close(fault(call_id, PROTO_ERROR))
            if flags & FIRST and self.pending is not None:
                raise Close(fault(self.pending[0], PROTO_ERROR))
        if not flags & FIRST and self.pending is not None:
            first_call, first_ctx, first_opnum, first_stub = self.pending
            if call_id != first_call:
                raise Close(fault(first_call, PROTO_ERROR))
            if opnum != first_opnum and self.has("fragment-identity"):
                # Dispatched on the later fragment's opnum: an operation this
                # fake has no handler for when it switches mid-call.
                self.pending = None
                return fault(call_id, OP_RNG)
            # A continuation: the first fragment's call (its context and
            # opnum govern, as on Windows), the stubs joined.
            ctx, opnum, stub = first_ctx, first_opnum, first_stub + stub
        if flags & FIRST and not flags & LAST:
            if alloc_hint > 0x400000 and not self.has("alloc-hint"):
                raise Close(fault(call_id, ACCESS_DENIED))
            self.pending = (call_id, ctx, opnum, stub)
            return b""
        if not flags & LAST and self.pending is not None:
            self.pending = self.pending[:3] + (stub,)
            return b""
        self.pending = None
        if ctx not in self.contexts and not self.has("context-id"):
            return fault(call_id, UNK_IF, dne=True, ctx=ctx)
        return self.call(call_id, ctx, opnum, stub)

    def call(self, call_id, ctx, opnum, stub):
        syntax = self.contexts.get(ctx, b"")[:16]
        if syntax == MGMT:
            return self.mgmt(call_id, ctx, opnum, stub)
        if syntax in (EXPORTER, SCM, ACTIVATION):
            if self.has("no-dcom"):
                return fault(call_id, UNK_IF, dne=True, ctx=ctx)
            return Dcom(self).call(syntax, call_id, ctx, opnum, bytes(stub))
        if opnum == 2:
            return self.lookup(call_id, ctx, stub)
        if opnum == 3:
            return self.map(call_id, ctx, stub)
        if opnum == 4:  # ept_lookup_handle_free
            if not self.has("freed-handle"):
                self.handles.pop(bytes(stub[:20]), None)
            return response(call_id, ctx, b"\0" * 24)
        if not self.has("opnum"):
            return fault(call_id, OP_RNG, dne=True)
        return response(call_id, ctx, struct.pack("<I", 0))

    def mgmt(self, call_id, ctx, opnum, stub):
        if opnum == 4 and len(stub) >= 8:  # inq_princ_name
            size = struct.unpack_from("<I", stub, 4)[0]
            if size == 0 and not self.has("princ-name"):
                return fault(call_id, 0x6C6)  # rpc_x_invalid_bound
            name = b"host/fake\0"
            return response(call_id, ctx, struct.pack("<III", size, 0, len(name)) + name + b"\0" * 2
                            + struct.pack("<I", 0))
        if opnum == 3:  # stop_server_listening
            if not self.has("remote-stop"):
                return response(call_id, ctx, struct.pack("<I", ACCESS_DENIED))
            SERVER["server"].close()
            return response(call_id, ctx, struct.pack("<I", 0))
        return fault(call_id, OP_RNG, dne=True)

    def lookup(self, call_id, ctx, stub):
        # inquiry, [ptr] object, [ptr] if_id, vers_option, handle, max_ents (null pointers only)
        if len(stub) < 40:
            return fault(call_id, BAD_STUB)
        handle, max_ents = stub[16:36], struct.unpack_from("<I", stub, 36)[0]
        if max_ents > 500 and not self.has("max-ents"):
            return fault(call_id, BAD_STUB)
        if any(handle):
            return self.lookup_with(call_id, ctx, bytes(handle), max_ents)
        if max_ents == 1:
            # A first page of one: the walk goes on, under a new handle (the
            # map is empty, but a probe only needs the handle).
            issued = struct.pack("<I", 0) + os.urandom(16)
            self.handles[issued] = "live"
            return response(call_id, ctx, issued + struct.pack("<IIIII", 0, max_ents, 0, 0, 0))
        return response(call_id, ctx, b"\0" * 20 + struct.pack("<IIIII", 0, max_ents, 0, 0, NOT_REGISTERED))

    def lookup_with(self, call_id, ctx, handle, max_ents):
        state = self.handles.get(handle)
        if state is None and not self.has("handle"):
            return fault(call_id, CTX_MISMATCH)
        status = 0
        if state == "live":
            self.handles[handle] = "done"  # this page ends the walk
        elif state == "done" and not self.has("walk-restart"):
            del self.handles[handle]
            status = NOT_REGISTERED
        return response(call_id, ctx, b"\0" * 20 + struct.pack("<IIIII", 0, max_ents, 0, 0, status))

    def map(self, call_id, ctx, stub):
        off = 8 if struct.unpack_from("<I", stub, 0)[0] == 0 else 24
        if len(stub) < off + 8:
            return fault(call_id, BAD_STUB)
        conformance, length = struct.unpack_from("<II", stub, off)
        if conformance != length and not self.has("tower"):
            return fault(call_id, BAD_STUB)
        if len(stub) < off + 8 + length + 24 and not self.has("truncated"):
            return fault(call_id, BAD_STUB)
        return response(call_id, ctx, b"\0" * 20 + struct.pack("<IIIII", 0, 1, 0, 0, NOT_REGISTERED))


class Dcom:
    """The DCOM interfaces of port 135, NDR20 little-endian only."""

    def __init__(self, conn):
        self.has = conn.has

    def call(self, syntax, call_id, ctx, opnum, stub):
        if syntax == EXPORTER and opnum == 5:
            return response(call_id, ctx, self.server_alive2())
        if syntax == EXPORTER and opnum == 4:  # ResolveOxid2: nothing was ever exported
            status = 0 if self.has("dcom-oxid") else OR_INVALID_OXID
            return response(call_id, ctx, struct.pack("<I16sIHHI", 0, b"\0" * 16, 0, 5, 7, status))
        if syntax == SCM and opnum == 4:
            return self.create_instance(call_id, ctx, stub)
        if syntax == ACTIVATION and opnum == 0:
            return self.remote_activation(call_id, ctx, stub)
        return fault(call_id, OP_RNG, dne=True)

    @staticmethod
    def server_alive2():
        units = [7] + [ord(c) for c in "127.0.0.1"] + [0, 0]
        sec = len(units)
        units += [10, 0xFFFF] + [ord(c) for c in "fake"] + [0, 0]
        body = struct.pack("<HHIIHH", 5, 7, 0x20000, len(units), len(units), sec)
        body += struct.pack("<%dH" % len(units), *units)
        body += b"\0" * (-len(body) % 4)
        return body + struct.pack("<II", 0, 0)

    def create_instance(self, call_id, ctx, stub):
        """ORPCTHIS (32 octets), pUnkOuter, pActProperties, then the MInterfacePointer."""
        looked_up = response(call_id, ctx, struct.pack("<IIII", 0, 0, 0, CLASSNOTREG))
        if len(stub) < 40:
            return fault(call_id, BAD_STUB)
        if struct.unpack_from("<H", stub, 0)[0] != 5:
            return fault(call_id, VERSION_MISMATCH)
        if struct.unpack_from("<I", stub, 36)[0] == 0:
            return looked_up if self.has("dcom-null") else fault(call_id, E_INVALIDARG)
        if len(stub) < 48:
            return fault(call_id, BAD_STUB)
        conformance, count = struct.unpack_from("<II", stub, 40)
        if conformance != count and not self.has("dcom-cntdata"):
            return fault(call_id, BAD_STUB)
        data = stub[48:48 + conformance]
        if len(data) != conformance:
            return fault(call_id, BAD_STUB)
        if conformance != count:
            return looked_up
        if data[:4] != b"MEOW":
            return looked_up if self.has("dcom-objref") else fault(call_id, INVALID_OBJREF)
        blob = data[48:]
        if len(blob) < 28:
            return fault(call_id, E_INVALIDARG)
        dw_size, total = struct.unpack_from("<I", blob, 0)[0], struct.unpack_from("<I", blob, 24)[0]
        if dw_size != total or dw_size != len(blob) - 8:
            return looked_up if self.has("dcom-sizes") else fault(call_id, E_INVALIDARG)
        if self.has("dcom-floor"):
            return looked_up
        return response(call_id, ctx, struct.pack("<IIII", 0, 0, 0, E_ACCESSDENIED))

    def remote_activation(self, call_id, ctx, stub):
        """ORPCTHIS (32 octets), Clsid, pwszObjectName, ..."""
        if len(stub) < 52:
            return fault(call_id, BAD_STUB)
        served = self.activation_reply(call_id, ctx, 0)
        if struct.unpack_from("<H", stub, 0)[0] != 5:
            return served if self.has("dcom-version") else fault(call_id, VERSION_MISMATCH)
        if struct.unpack_from("<I", stub, 48)[0] != 0:
            actual = struct.unpack_from("<I", stub, 60)[0] if len(stub) >= 64 else 0
            if actual > 300:
                return served if self.has("dcom-name") else fault(call_id, BAD_STUB)
        return self.activation_reply(call_id, ctx, E_ACCESSDENIED)

    @staticmethod
    def activation_reply(call_id, ctx, phr):
        """ORPCTHAT, pOxid, no bindings, ipidRemUnknown, authnHint, COMVERSION, phr,
        one NULL interface pointer, one result, return value 0."""
        body = struct.pack("<IIQI16sIHHiIIIiI", 0, 0, 0, 0, b"\0" * 16, 1, 5, 7, phr, 1, 0, 1, phr, 0)
        return response(call_id, ctx, body)


STATS = {"open": 0, "max_open": 0, "file": None}
SERVER = {}


def opened(delta):
    STATS["open"] += delta
    if STATS["open"] > STATS["max_open"]:
        STATS["max_open"] = STATS["open"]
        if STATS["file"]:
            with open(STATS["file"], "w") as f:
                f.write("%d\n" % STATS["max_open"])


async def serve(reader, writer, plants):
    conn = Conn(plants)
    opened(1)
    try:
        while True:
            head = await reader.readexactly(16)
            frag = struct.unpack_from("<H", head, 8)[0]
            if frag < 16:
                break
            pdu = head + await reader.readexactly(frag - 16)
            try:
                out = conn.handle(pdu)
            except Close as c:
                writer.write(c.args[0])
                await writer.drain()
                break
            if out:
                writer.write(out)
                await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        opened(-1)
        writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=135)
    ap.add_argument("--plant", action="append", default=[])
    ap.add_argument("--stats")
    a = ap.parse_args()
    STATS["file"] = a.stats
    plants = set(a.plant)
    server = await asyncio.start_server(lambda r, w: serve(r, w, plants), a.listen, a.port, backlog=512)
    SERVER["server"] = server
    print("listening", flush=True)
    async with server:
        try:
            await server.serve_forever()
        except asyncio.CancelledError:
            pass  # stopped by a planted remote-stop: keep serving open connections
        await asyncio.Event().wait()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
