"""Split the TCP streams of a capture into connection-oriented DCE/RPC PDUs.

    /usr/bin/python3 pcap_pdus.py list PCAP
    /usr/bin/python3 pcap_pdus.py write PCAP OUTDIR [--client NAME] [--server NAME] [--title TEXT]

Streams are read with tshark (-T fields: tcp.stream, ports, flags, tcp.seq_raw, tcp.payload),
each direction is reassembled in sequence order (duplicates dropped), then cut into PDUs by
frag_length (bytes 8..9, in the byte order of drep byte 4). The client of a stream is the side
that sent the SYN. PDUs are numbered from 01 in the order their first byte was captured.

`write` produces OUTDIR/NN-<c2s|s2c>-<ptype>.hex: a '#' comment header, then lowercase hex,
16 bytes per line separated by spaces.
"""

import argparse
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawrpc  # noqa: E402

FIELDS = ["frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags.syn",
          "tcp.flags.ack", "tcp.seq_raw", "tcp.payload"]


def _segments(pcap):
    cmd = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=\t"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60).stdout
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) < len(FIELDS) or not cols[1]:
            continue
        frame, stream, sport, dport, syn, ack, seq, payload = cols[:8]
        yield {
            "frame": int(frame), "stream": int(stream), "sport": int(sport), "dport": int(dport),
            "syn": syn in ("1", "True"), "ack": ack in ("1", "True"), "seq": int(seq),
            "payload": bytes.fromhex(payload.replace(":", "")) if payload else b"",
        }


def split(pcap):
    """List of PDUs: dicts with stream, direction, frame (of the first byte), server_port,
    data, and complete (False for a trailing partial PDU)."""
    streams = {}
    for s in _segments(pcap):
        st = streams.setdefault(s["stream"], {"server": None, "segs": []})
        if s["syn"] and not s["ack"]:
            st["server"] = s["dport"]
        st["segs"].append(s)
    pdus = []
    for sid, st in sorted(streams.items()):
        server = st["server"]
        if server is None:  # capture began mid-stream: take the lower port as the server
            server = min(min(s["sport"], s["dport"]) for s in st["segs"])
        for direction in ("c2s", "s2c"):
            segs = [s for s in st["segs"] if s["payload"] and
                    ((s["dport"] == server) == (direction == "c2s"))]
            # Reassemble by sequence number; each byte remembers the frame that carried it.
            data, frames, seen, nxt = bytearray(), [], set(), None
            for s in sorted(segs, key=lambda s: (s["seq"], s["frame"])):
                if s["seq"] in seen:
                    continue
                seen.add(s["seq"])
                if nxt is not None and s["seq"] != nxt:
                    raise ValueError("stream %d %s: gap or overlap at seq %d" % (sid, direction, s["seq"]))
                data += s["payload"]
                frames += [s["frame"]] * len(s["payload"])
                nxt = s["seq"] + len(s["payload"])
            off = 0
            while off < len(data):
                complete = len(data) - off >= 10
                frag = rawrpc.frag_length(bytes(data[off:off + 10])) if complete else 0
                if frag < 16 or off + frag > len(data):
                    complete, frag = False, len(data) - off
                pdus.append({"stream": sid, "direction": direction, "frame": frames[off],
                             "server_port": server, "data": bytes(data[off:off + frag]),
                             "complete": complete})
                off += frag
    pdus.sort(key=lambda p: p["frame"])
    return pdus


def ptype_name(pdu):
    if len(pdu) < 3:
        return "partial"
    return rawrpc.PTYPES.get(pdu[2], "ptype%d" % pdu[2])


def hexlines(data):
    return ["".join(" " + "%02x" % b if i else "%02x" % b for i, b in enumerate(data[o:o + 16]))
            for o in range(0, len(data), 16)]


def write(pcap, outdir, client="client", server="server", title=""):
    os.makedirs(outdir, exist_ok=True)
    names = []
    for n, p in enumerate(split(pcap), 1):
        kind = ptype_name(p["data"]) if p["complete"] else "partial"
        name = "%02d-%s-%s.hex" % (n, p["direction"], kind)
        src = client if p["direction"] == "c2s" else server
        head = [
            "# source: %s" % src,
            "# pdu: %s" % (rawrpc.summarize(p["data"]) if p["complete"] else
                          "incomplete PDU: the stream ended inside it"),
            "# frag_length: %d (%d bytes in this file)" % (
                rawrpc.frag_length(p["data"]) if len(p["data"]) >= 10 else 0, len(p["data"])),
            "# tcp: stream %d, server port %d, frame %d of session.pcapng" % (
                p["stream"], p["server_port"], p["frame"]),
        ]
        if title:
            head.insert(0, "# session: %s" % title)
        with open(os.path.join(outdir, name), "w") as f:
            f.write("\n".join(head + hexlines(p["data"])) + "\n")
        names.append((name, len(p["data"])))
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    lp = sub.add_parser("list")
    lp.add_argument("pcap")
    wp = sub.add_parser("write")
    wp.add_argument("pcap")
    wp.add_argument("outdir")
    wp.add_argument("--client", default="client")
    wp.add_argument("--server", default="server")
    wp.add_argument("--title", default="")
    a = ap.parse_args()
    if a.cmd == "list":
        for n, p in enumerate(split(a.pcap), 1):
            print("%02d stream %d %s frame %d %d bytes: %s" % (
                n, p["stream"], p["direction"], p["frame"], len(p["data"]),
                rawrpc.summarize(p["data"])))
    else:
        for name, size in write(a.pcap, a.outdir, a.client, a.server, a.title):
            print("%s %d" % (name, size))


if __name__ == "__main__":
    main()
