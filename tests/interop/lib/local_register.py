#!/usr/bin/env python3
"""A local RPC server's registration with rampartd over the local socket (the ncalrpc
equivalent): connect, bind the endpoint mapper, ept_insert one ncacn_ip_tcp entry, print
"registered", then hold the connection until stdin closes or the process is killed.

    local_register.py SOCKET_PATH INTERFACE_UUID PORT [ANNOTATION]
"""
import socket
import struct
import sys

from rawrpc import BIND_ACK, EPM_V3, NDR20, RESPONSE, bind, ept_insert_stub, frag_length, request, stub_status, tcp_tower


def recv_pdu(sock):
    head = b""
    while len(head) < 10:
        chunk = sock.recv(10 - len(head))
        if not chunk:
            raise SystemExit("rampartd closed the local connection")
        head += chunk
    rest = b""
    while len(head) + len(rest) < frag_length(head):
        rest += sock.recv(frag_length(head) - len(head) - len(rest))
    return head + rest


def main():
    path, interface, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    annotation = sys.argv[4] if len(sys.argv) > 4 else "local test server"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    sock.sendall(bind(1, [(0, EPM_V3, [NDR20])]))
    if recv_pdu(sock)[2] != BIND_ACK:
        raise SystemExit("bind refused")
    entry = ("00000000-0000-0000-0000-000000000000", tcp_tower((interface, 1, 0), port=port), annotation)
    sock.sendall(request(2, 0, 0, ept_insert_stub([entry])))
    reply = recv_pdu(sock)
    if reply[2] != RESPONSE or stub_status(reply[24:]) != 0:
        raise SystemExit(f"ept_insert failed: {reply.hex()}")
    print("registered", flush=True)
    sys.stdin.read()  # hold the registration until told to exit
    sock.close()


if __name__ == "__main__":
    main()
