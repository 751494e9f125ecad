"""Scripted client sessions against an endpoint mapper on TCP (Samba, Windows or rampartd).

    /usr/bin/python3 epm_sessions.py --list
    /usr/bin/python3 epm_sessions.py SESSION [--host 127.0.0.1] [--port 135]

Each session opens its own connection(s), prints one line per PDU received and ends with
'note:' lines that say what the server did. tests/golden/capture records these sessions
against Samba; interop tests can replay them against rampartd and compare.

impacket_* sessions use Impacket's library as an ordinary client would; raw_* sessions send
hand-built PDUs (rawrpc.py), which is the only way to get malformed or unusual requests.
"""

import argparse
import sys

sys.dont_write_bytecode = True
import rawrpc as r  # noqa: E402

UNKNOWN_IF = ("6e2e2a5e-1f0b-4d1c-9a77-52414d504152", 1, 0)   # not registered anywhere
SVCCTL_V2 = ("367abb81-9844-35f1-ad32-98f038001003", 2, 0)    # real, but not served here
LE, BE = r.Drep.LE, r.Drep.BE

SESSIONS = {}


def session(description):
    def deco(fn):
        SESSIONS[fn.__name__] = (fn, description)
        return fn
    return deco


class Run:
    def __init__(self, host, port):
        self.host, self.port, self.notes = host, port, []

    def conn(self):
        return r.Conn(self.host, self.port)

    def note(self, text):
        self.notes.append(text)

    def exchange(self, c, pdu, label):
        """Send pdu, return the reply PDUs (printed). Records a closed connection."""
        replies = c.call(pdu)
        for p in replies:
            print("  %s -> %s" % (label, r.summarize(p)))
        if not replies:
            print("  %s -> no reply" % label)
        return replies

    def after(self, c, what):
        if c.closed_by_peer(1.0):
            self.note("%s: the server then closed the connection" % what)
        else:
            self.note("%s: the connection stayed open" % what)


def _impacket_dce(run):
    from impacket.dcerpc.v5 import transport
    t = transport.DCERPCTransportFactory("ncacn_ip_tcp:%s[%d]" % (run.host, run.port))
    dce = t.get_dce_rpc()
    dce.connect()
    return dce


def _if_bin(s):
    from impacket.uuid import uuidtup_to_bin
    return uuidtup_to_bin((s[0], "%d.%d" % (s[1], s[2])))


# --- Impacket, the common client ------------------------------------------------------------

@session("Impacket: bind to the EPM v3 (NDR20), ept_map for lsarpc "
         "12345778-1234-abcd-ef00-0123456789ab v0.0 over ncacn_ip_tcp (registered by rpcd_lsad)")
def impacket_ept_map_registered(run):
    from impacket.dcerpc.v5 import epm
    dce = _impacket_dce(run)
    binding = epm.hept_map(run.host, _if_bin(r.LSARPC_V0), protocol="ncacn_ip_tcp", dce=dce)
    run.note("Impacket's hept_map returned %s" % binding)
    dce.disconnect()


@session("Impacket: bind to the EPM, ept_map for svcctl 367abb81-9844-35f1-ad32-98f038001003 "
         "v2.0, which is not registered")
def impacket_ept_map_unregistered(run):
    from impacket.dcerpc.v5 import epm
    dce = _impacket_dce(run)
    try:
        binding = epm.hept_map(run.host, _if_bin(SVCCTL_V2), protocol="ncacn_ip_tcp", dce=dce)
        run.note("Impacket's hept_map returned %s" % binding)
    except Exception as e:  # Impacket raises on a non-zero status
        run.note("Impacket's hept_map raised: %s" % str(e).splitlines()[0])
    dce.disconnect()


@session("Impacket: bind to the EPM, ept_lookup of all elements (inquiry_type 0, "
         "vers_option 1, max_ents 500)")
def impacket_ept_lookup(run):
    from impacket.dcerpc.v5 import epm
    dce = _impacket_dce(run)
    try:
        entries = epm.hept_lookup(run.host, dce=dce)
        run.note("Impacket's hept_lookup returned %d entries" % len(entries))
    except Exception as e:
        run.note("Impacket's hept_lookup raised (it treats any non-zero status as an error): %s"
                 % str(e).splitlines()[0])
    dce.disconnect()


@session("Impacket: bind to mgmt afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0 on port 135, "
         "then inq_if_ids if the bind is accepted")
def impacket_mgmt_inq_if_ids(run):
    from impacket.dcerpc.v5 import mgmt
    dce = _impacket_dce(run)
    try:
        dce.bind(mgmt.MSRPC_UUID_MGMT)
    except Exception as e:
        run.note("Impacket's bind to mgmt failed: %s" % str(e).splitlines()[0])
        dce.disconnect()
        return
    try:
        resp = mgmt.hinq_if_ids(dce)
        ids = resp["if_id_vector"]["if_id"]
        run.note("inq_if_ids returned %d interface ids" % len(ids))
    except Exception as e:
        run.note("inq_if_ids failed: %s" % str(e).splitlines()[0])
    dce.disconnect()


# --- Raw PDUs: faults and rejections ---------------------------------------------------------

def _bind_epm(run, c, drep=LE):
    replies = run.exchange(c, r.bind(1, [(0, r.EPM_V3, [r.NDR20])], drep), "bind EPM")
    if not replies or replies[0][2] != r.BIND_ACK:
        raise SystemExit("bind to the EPM was not acknowledged")


def _fault_note(run, replies, what):
    for p in replies:
        pt, flags, *_ = r.parse_header(p)
        if pt == r.FAULT:
            run.note("%s: %s" % (what, r.summarize(p).split("; ", 1)[1]))
            return
    run.note("%s: %s" % (what, "; ".join(r.summarize(p) for p in replies) or "no reply"))


@session("Raw: bind to the EPM, then ept_map whose stub stops after 40 of its 132 bytes "
         "(inside the tower)")
def raw_ept_map_truncated(run):
    with run.conn() as c:
        _bind_epm(run, c)
        stub = r.ept_map_stub(r.LSARPC_V0)[:40]
        _fault_note(run, run.exchange(c, r.request(2, 0, 3, stub), "truncated ept_map"),
                    "truncated ept_map stub")
        run.after(c, "after the fault")


@session("Raw: bind to the EPM, then a request for opnum 9 (the EPM has opnums 0..7) with "
         "an empty stub")
def raw_epm_opnum_out_of_range(run):
    with run.conn() as c:
        _bind_epm(run, c)
        _fault_note(run, run.exchange(c, r.request(2, 0, 9, b""), "opnum 9"), "opnum 9")
        run.after(c, "after the fault")


@session("Raw: bind to the EPM as context 0, then a valid ept_map on context id 7, "
         "which was never negotiated")
def raw_unknown_context_id(run):
    with run.conn() as c:
        _bind_epm(run, c)
        _fault_note(run, run.exchange(c, r.request(2, 7, 3, r.ept_map_stub(r.LSARPC_V0)),
                                      "context 7"), "request on context 7")
        run.after(c, "after the fault")


@session("Raw: the Impacket-shaped EPM bind, but with rpc_vers_minor 1 (protocol 5.1)")
def raw_bind_vers_minor_1(run):
    with run.conn() as c:
        replies = run.exchange(c, r.bind(1, [(0, r.EPM_V3, [r.NDR20])], vers_minor=1),
                               "bind v5.1")
        run.note("bind v5.1: " + ("; ".join(r.summarize(p) for p in replies) or "no reply"))
        run.after(c, "after the reply")


@session("Raw: a valid ept_map request (context 0) as the first PDU, before any bind")
def raw_request_before_bind(run):
    with run.conn() as c:
        replies = run.exchange(c, r.request(1, 0, 3, r.ept_map_stub(r.LSARPC_V0)),
                               "request before bind")
        run.note("request before bind: " +
                 ("; ".join(r.summarize(p) for p in replies) or "no reply"))
        run.after(c, "after the reply")


def _bind_note(run, replies, what):
    run.note("%s: %s" % (what, "; ".join(r.summarize(p).split("; ", 1)[-1] for p in replies)
                         or "no reply"))


@session("Raw: bind for an interface nobody registered (6e2e2a5e-1f0b-4d1c-9a77-52414d504152 "
         "v1.0) over NDR20")
def raw_bind_unknown_interface(run):
    with run.conn() as c:
        _bind_note(run, run.exchange(c, r.bind(1, [(0, UNKNOWN_IF, [r.NDR20])]), "bind"),
                   "bind for an unknown interface")
        run.after(c, "after the bind_ack")


@session("Raw: bind to the EPM offering only the NDR64 transfer syntax")
def raw_bind_ndr64_only(run):
    with run.conn() as c:
        _bind_note(run, run.exchange(c, r.bind(1, [(0, r.EPM_V3, [r.NDR64])]), "bind"),
                   "NDR64-only bind")
        run.after(c, "after the bind_ack")


@session("Raw: a Windows-shaped bind to the EPM with three contexts: [0] NDR20, [1] NDR64, "
         "[2] bind time feature negotiation 6cb71c2c-9812-4540-0300-000000000000 v1.0 "
         "(bitmask 0x3); then ept_map on context 0")
def raw_bind_time_feature_negotiation(run):
    with run.conn() as c:
        ctxs = [(0, r.EPM_V3, [r.NDR20]), (1, r.EPM_V3, [r.NDR64]), (2, r.EPM_V3, [r.btfn(3)])]
        _bind_note(run, run.exchange(c, r.bind(1, ctxs), "bind"), "three-context bind")
        replies = run.exchange(c, r.request(2, 0, 3, r.ept_map_stub(r.LSARPC_V0)), "ept_map")
        run.note("ept_map on context 0: " + "; ".join(r.summarize(p) for p in replies))


@session("Raw: bind with two contexts, [0] EPM over NDR20 and [1] mgmt v1.0 over NDR20; "
         "then ept_map on context 0 and mgmt inq_if_ids (opnum 0) on context 1")
def raw_bind_two_contexts(run):
    with run.conn() as c:
        ctxs = [(0, r.EPM_V3, [r.NDR20]), (1, r.MGMT_V1, [r.NDR20])]
        _bind_note(run, run.exchange(c, r.bind(1, ctxs), "bind"), "two-context bind")
        replies = run.exchange(c, r.request(2, 0, 3, r.ept_map_stub(r.LSARPC_V0)), "ept_map")
        run.note("ept_map on context 0: " + "; ".join(r.summarize(p) for p in replies))
        replies = run.exchange(c, r.request(3, 1, 0, b""), "inq_if_ids")
        run.note("inq_if_ids on context 1: " + "; ".join(r.summarize(p) for p in replies))


@session("Raw: bind to the EPM as context 0, alter_context adding the EPM again as context 1, "
         "then ept_map on context 1")
def raw_alter_context(run):
    with run.conn() as c:
        _bind_epm(run, c)
        replies = run.exchange(c, r.alter_context(2, [(1, r.EPM_V3, [r.NDR20])]), "alter_context")
        _bind_note(run, replies, "alter_context for context 1")
        replies = run.exchange(c, r.request(3, 1, 3, r.ept_map_stub(r.LSARPC_V0)), "ept_map")
        run.note("ept_map on context 1: " + "; ".join(r.summarize(p) for p in replies))


@session("Raw: bind to the EPM with max_xmit = max_recv = 1024, then ept_lookup of all "
         "elements (max_ents 500), to see the negotiated fragment size and any fragmentation")
def raw_bind_small_fragments(run):
    with run.conn() as c:
        replies = run.exchange(c, r.bind(1, [(0, r.EPM_V3, [r.NDR20])], max_xmit=1024,
                                         max_recv=1024), "bind")
        _bind_note(run, replies, "bind with max_xmit/max_recv 1024")
        replies = run.exchange(c, r.request(2, 0, 2, r.ept_lookup_stub()), "ept_lookup")
        run.note("ept_lookup: %d response fragment(s) of %s bytes"
                 % (len(replies), ", ".join(str(len(p)) for p in replies)))


@session("Raw: bind to the EPM, then one ept_map for lsarpc sent as two request fragments "
         "(64 + 68 stub bytes, alloc_hint 132)")
def raw_fragmented_request(run):
    with run.conn() as c:
        _bind_epm(run, c)
        stub = r.ept_map_stub(r.LSARPC_V0)
        c.send(r.request(2, 0, 3, stub[:64], flags=r.PFC_FIRST_FRAG, alloc_hint=len(stub)))
        replies = run.exchange(c, r.request(2, 0, 3, stub[64:], flags=r.PFC_LAST_FRAG,
                                            alloc_hint=len(stub) - 64), "ept_map")
        run.note("two-fragment ept_map: " + "; ".join(r.summarize(p) for p in replies))


# --- Big-endian ------------------------------------------------------------------------------

@session("Raw, big-endian (drep 00 00 00 00): bind to the EPM, ept_map for lsarpc, "
         "ept_lookup (max_ents 2), then opnum 9 (fault)")
def raw_big_endian(run):
    with run.conn() as c:
        replies = run.exchange(c, r.bind(1, [(0, r.EPM_V3, [r.NDR20])], BE), "bind")
        _bind_note(run, replies, "big-endian bind")
        if not replies or replies[0][2] != r.BIND_ACK:
            return
        replies = run.exchange(c, r.request(2, 0, 3, r.ept_map_stub(r.LSARPC_V0, BE), BE),
                               "ept_map")
        run.note("big-endian ept_map: " + "; ".join(r.summarize(p) for p in replies))
        replies = run.exchange(c, r.request(3, 0, 2, r.ept_lookup_stub(BE, max_ents=2), BE),
                               "ept_lookup")
        run.note("big-endian ept_lookup: " + "; ".join(r.summarize(p) for p in replies))
        replies = run.exchange(c, r.request(4, 0, 9, b"", BE), "opnum 9")
        _fault_note(run, replies, "big-endian opnum 9")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("session", nargs="?")
    ap.add_argument("--list", action="store_true", help="print NAME<TAB>description lines")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=135)
    a = ap.parse_args()
    if a.list or not a.session:
        for name, (_, desc) in SESSIONS.items():
            print("%s\t%s" % (name, desc))
        return 0
    if a.session not in SESSIONS:
        print("unknown session %s" % a.session, file=sys.stderr)
        return 2
    run = Run(a.host, a.port)
    print("%s:" % a.session)
    SESSIONS[a.session][0](run)
    for n in run.notes:
        print("note: %s" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
