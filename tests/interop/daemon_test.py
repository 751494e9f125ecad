#!/usr/bin/env python3
"""rampartd as a daemon: SIGHUP reloads the configuration without dropping connections or
registrations; a bad reload keeps the running configuration; a bad config file at start is
refused with an error naming its line; SIGTERM drains and exits 0. Privileges (as root): it
switches to the configured user with no capability in any thread, refuses to keep root
unless told, and no other uid can bind into its SO_REUSEPORT group.

    daemon_test.py --rampartd build/bin/rampartd
"""
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from rampartd import Rampartd, free_port, run_suite  # noqa: E402
from rawrpc import (BIND_ACK, EPM_V3, NDR20, RESPONSE, Conn, bind, ept_insert_stub, ept_lookup_stub,  # noqa: E402
                    ept_map_stub, request, response_stub, stub_status, tcp_tower)
from local_register import recv_pdu  # noqa: E402
import threading  # noqa: E402

RAMPARTD = None
EPT_NOT_REGISTERED = 0x16C9A0D6
NEW_IF = ("bbbbbbbb-1111-2222-3333-444444444444", 1, 0)
LOCAL_IF = ("cccccccc-1111-2222-3333-444444444444", 1, 0)


def map_status(conn, call_id, interface):
    reply = conn.call(request(call_id, 0, 3, ept_map_stub(interface)))[0]
    assert reply[2] == RESPONSE, reply.hex()
    return stub_status(response_stub(reply))


def wait_for(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class Daemon(unittest.TestCase):
    def test_sighup_reload_keeps_connections_and_registrations(self):
        with Rampartd(RAMPARTD) as d, Conn(port=d.port) as c:
            self.assertEqual(c.call(bind(1, [(0, EPM_V3, [NDR20])]))[0][2], BIND_ACK)
            registrant = subprocess.Popen(
                [sys.executable, os.path.join(os.path.dirname(__file__), "lib", "local_register.py"),
                 d.socket_path, LOCAL_IF[0], "6000"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(registrant.stdout.readline().strip(), "registered")
                self.assertEqual(map_status(c, 2, NEW_IF), EPT_NOT_REGISTERED)
                with open(d.config_path, "a") as f:
                    f.write('\n[[static_endpoint]]\ninterface = "%s"\nversion = "1.0"\n'
                            'protseq = "ncacn_ip_tcp"\nendpoint = "6001"\n' % NEW_IF[0])
                d.proc.send_signal(signal.SIGHUP)
                self.assertTrue(wait_for(lambda: "configuration reloaded" in d.log_text()), d.log_text())
                self.assertEqual(map_status(c, 3, NEW_IF), 0, "the reloaded static entry is not served")
                self.assertEqual(map_status(c, 4, LOCAL_IF), 0, "a local registration was dropped by the reload")
                # A broken file: logged, and the running configuration stays.
                with open(d.config_path, "a") as f:
                    f.write("\n[limits]\nno_such_limit = 1\n")
                d.proc.send_signal(signal.SIGHUP)
                self.assertTrue(wait_for(lambda: "reload failed" in d.log_text()), d.log_text())
                self.assertEqual(map_status(c, 5, NEW_IF), 0)
            finally:
                registrant.stdin.close()
                registrant.wait(5)
                registrant.stdout.close()
            self.assertTrue(wait_for(lambda: map_status(c, 6, LOCAL_IF) == EPT_NOT_REGISTERED),
                            "the local registration outlived its connection")
            self.assertEqual(d.stop(), 0, "SIGTERM did not exit 0:\n" + d.log_text())

    def test_registration_is_logged_with_pid_and_uid(self):
        with Rampartd(RAMPARTD) as d:
            registrant = subprocess.Popen(
                [sys.executable, os.path.join(os.path.dirname(__file__), "lib", "local_register.py"),
                 d.socket_path, LOCAL_IF[0], "6002", "logged server"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(registrant.stdout.readline().strip(), "registered")
                self.assertTrue(wait_for(lambda: "registration" in d.log_text()), d.log_text())
                line = next(l for l in d.log_text().splitlines() if " registration " in l)
                self.assertIn(f"pid={registrant.pid} uid={os.geteuid()} gid={os.getegid()}", line)
                self.assertIn(f"socket={d.socket_path}", line)
                self.assertIn(f'{LOCAL_IF[0]} v1.0 ncacn_ip_tcp:0.0.0.0[6002] \\"logged server\\"', line)
                self.assertIn('status="ok (0x00000000)"', line)
            finally:
                registrant.stdin.close()
                registrant.wait(5)
                registrant.stdout.close()

    @unittest.skipUnless(os.geteuid() == 0, "needs root to register as another uid")
    def test_registration_policy_by_uid(self):
        d = Rampartd(RAMPARTD)
        with open(d.config_path, "a") as f:
            f.write('\n[[registration.allow]]\nuid = 65534\ninterfaces = ["lsarpc"]\n')
        os.chmod(d.dir, 0o755)  # the local socket must be reachable for uid 65534

        def register(interface, port, uid):
            def as_uid():
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
            p = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "lib", "local_register.py"),
                                  d.socket_path, interface, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, preexec_fn=as_uid if uid else None)
            line = p.stdout.readline().strip()
            p.stdin.close()
            p.wait(5)
            p.stdout.close()
            p.stderr.close()
            return line == "registered"

        lsarpc = "12345778-1234-abcd-ef00-0123456789ab"
        with d:
            self.assertTrue(register(lsarpc, 6010, NOBODY), d.log_text())
            self.assertFalse(register(LOCAL_IF[0], 6011, NOBODY), "a uid registered an interface no rule gives it")
            self.assertFalse(register(lsarpc, 6012, OTHER_UID), "a uid without a rule registered")
            self.assertTrue(register(LOCAL_IF[0], 6013, 0), "root is bound by the rules")
            refused = [l for l in d.log_text().splitlines() if "refused by [[registration.allow]]" in l]
            self.assertEqual(len(refused), 2, d.log_text())
            self.assertIn(f"uid={NOBODY}", refused[0])
            self.assertIn(f"uid={OTHER_UID}", refused[1])

    def test_bad_config_names_the_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write('[server]\nlisteners = ["127.0.0.1:0"]\nallow_root = true\n\n[limits]\nmax_contexts = "many"\n')
        try:
            run = subprocess.run([RAMPARTD, "--config", f.name], capture_output=True, text=True, timeout=10)
            self.assertEqual(run.returncode, 2, run.stderr)
            self.assertIn(f"{f.name}:6:", run.stderr + run.stdout)
        finally:
            os.unlink(f.name)


def register_many(path, count, acked, stop, why=None):
    """ept_insert `count` entries (interfaces 5eed0000-...-%012d, port 7000+i) one call at a
    time over the static socket, appending each acknowledged index to `acked`, and to `why`
    the reason it stopped early (for the failure message)."""
    why = why if why is not None else []
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        sock.sendall(bind(1, [(0, EPM_V3, [NDR20])]))
        ack = recv_pdu(sock)
        if ack[2] != BIND_ACK:
            why.append(f"bind answered with {ack.hex()}")
            return
        for i in range(count):
            if stop.is_set():
                return
            entry = ("00000000-0000-0000-0000-000000000000",
                     tcp_tower((f"5eed0000-0000-0000-0000-{i:012d}", 1, 0), port=7000 + i), f"entry {i}")
            sock.sendall(request(2 + i, 0, 0, ept_insert_stub([entry])))
            reply = recv_pdu(sock)
            if reply[2] == RESPONSE and stub_status(reply[24:]) == 0:
                acked.append(i)
            elif not why:
                why.append(f"ept_insert {i} answered with {reply.hex()}")
    except (OSError, SystemExit) as e:
        why.append(f"stopped: {e!r}")
        return  # rampartd was killed
    finally:
        sock.close()


class State(unittest.TestCase):
    def test_static_registrations_survive_sigkill(self):
        state = tempfile.mkdtemp(prefix="rampartd-state-")
        os.chmod(state, 0o755)
        user = ["--user", "nobody"] if os.geteuid() == 0 else []
        acked, why, stop = [], [], threading.Event()
        with Rampartd(RAMPARTD, extra_args=["--state-dir", state, *user]) as d:
            worker = threading.Thread(target=register_many, args=(d.static_socket_path, 400, acked, stop, why))
            worker.start()
            # Each acknowledgement waits for two fsyncs, which take seconds on a busy disk.
            self.assertTrue(wait_for(lambda: len(acked) >= 30, 60),
                            f"{len(acked)} acknowledged; registrant: {why}; log: {d.log_text()[-2000:]}")
            d.proc.send_signal(signal.SIGKILL)  # in the middle of the registrations
            d.proc.wait(10)
            stop.set()
            worker.join(10)
        self.assertLess(len(acked), 400, "every registration finished before the kill: nothing was tested")
        with open(os.path.join(state, "registrations")) as f:
            self.assertEqual(f.readline().strip(), "rampartd-registrations 1")
        with Rampartd(RAMPARTD, extra_args=["--state-dir", state, *user]) as d, Conn(port=d.port) as c:
            self.assertEqual(c.call(bind(1, [(0, EPM_V3, [NDR20])]))[0][2], BIND_ACK)
            restored = [l for l in d.log_text().splitlines() if "registrations restored" in l]
            self.assertEqual(len(restored), 1, d.log_text())
            self.assertIn("skipped=0", restored[0])
            count = int(restored[0].split("entries=")[1].split()[0])
            # Every acknowledged registration was on disk before its answer; at most the one
            # in flight at the kill is there without an acknowledgement.
            self.assertIn(count, (len(acked), len(acked) + 1), restored[0])
            print(f"killed after {len(acked)} acknowledged registrations; {count} restored", file=sys.stderr)
            for call_id, i in enumerate(acked[:: max(1, len(acked) // 20)] + [acked[-1]], start=2):
                self.assertEqual(map_status(c, call_id, (f"5eed0000-0000-0000-0000-{i:012d}", 1, 0)), 0,
                                 f"acknowledged registration {i} was lost")
            # Connection-owned registrations are not kept: a server that is gone is not advertised.
            registrant = subprocess.Popen(
                [sys.executable, os.path.join(os.path.dirname(__file__), "lib", "local_register.py"),
                 d.socket_path, LOCAL_IF[0], "6003"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.assertEqual(registrant.stdout.readline().strip(), "registered")
            d.proc.send_signal(signal.SIGKILL)
            d.proc.wait(10)
            registrant.stdin.close()
            registrant.wait(5)
            registrant.stdout.close()
        with Rampartd(RAMPARTD, extra_args=["--state-dir", state, *user]) as d, Conn(port=d.port) as c:
            self.assertEqual(c.call(bind(1, [(0, EPM_V3, [NDR20])]))[0][2], BIND_ACK)
            self.assertEqual(map_status(c, 2, LOCAL_IF), EPT_NOT_REGISTERED, "a gone server's entry came back")
            self.assertEqual(map_status(c, 3, (f"5eed0000-0000-0000-0000-{acked[0]:012d}", 1, 0)), 0)
        shutil.rmtree(state, ignore_errors=True)

    def test_unusable_state_dir_says_how_to_fix_it(self):
        with tempfile.NamedTemporaryFile() as f:  # a file where a directory is needed
            port = free_port()
            run = subprocess.run([RAMPARTD, "--listen", f"127.0.0.1:{port}", "--local-socket", "", "--static-socket", "",
                                  "--allow-root", "--state-dir", f.name + "/sub"],
                                 capture_output=True, text=True, timeout=10)
            self.assertEqual(run.returncode, 1, run.stderr)
            self.assertIn("--state-dir DIR or [server] state_dir", run.stderr)
            self.assertNotIn("listening", run.stderr, "it bound before it found the state directory unusable")


def scrape(port):
    """The Prometheus text exposition at /metrics as {"name{labels}": value}."""
    import urllib.request
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            out[key] = float(value)
    return out


class Metrics(unittest.TestCase):
    def test_metrics_count_calls_refusals_and_connections(self):
        port = free_port()
        with Rampartd(RAMPARTD, extra_args=["--metrics", f"127.0.0.1:{port}"]) as d:
            with Conn(port=d.port) as c:
                self.assertEqual(c.call(bind(1, [(0, EPM_V3, [NDR20])]))[0][2], BIND_ACK)
                for call_id in range(2, 7):
                    self.assertEqual(map_status(c, call_id, NEW_IF), EPT_NOT_REGISTERED)
                m = scrape(port)
                self.assertEqual(m['rampart_calls_total{interface="epmapper",opnum="3"}'], 5)
                self.assertEqual(m['rampart_call_duration_seconds_count{interface="epmapper"}'], 5)
                self.assertEqual(m["rampart_connections_open"], 1)
                self.assertGreaterEqual(m["rampart_association_groups"], 0)
                accepted = m['rampart_connections_total{event="accepted"}']  # the fixture's probe too
            with Conn(port=d.port) as bad:
                bad.sock.sendall(b"\x04" + b"\x00" * 15)  # rpc_vers 4
                bad.sock.settimeout(3)
                while bad.sock.recv(4096):
                    pass
            self.assertTrue(wait_for(lambda: scrape(port).get(
                'rampart_connections_total{event="closed",reason="protocol"}', 0) == 1))
            m = scrape(port)
            # By hardening class (docs/hardening.md) as well as by rule.
            self.assertEqual(m['rampart_protocol_errors_total{class="C1",reaction="bind_nak",rule="pdu.bad_rpc_version"}'], 1)
            self.assertEqual(m['rampart_connections_total{event="accepted"}'], accepted + 1)
            self.assertEqual(m["rampart_connections_open"], 0)
            self.assertIn("serving metrics address=127.0.0.1", d.log_text())
            # A second bind on one connection: a presentation-context rule (C6).
            with Conn(port=d.port) as again:
                self.assertEqual(again.call(bind(1, [(0, EPM_V3, [NDR20])]))[0][2], BIND_ACK)
                again.sock.sendall(bind(2, [(0, EPM_V3, [NDR20])]))
                self.assertTrue(wait_for(lambda: [v for k, v in scrape(port).items() if k.startswith(
                    'rampart_protocol_errors_total{class="C6",') and 'rule="runtime.second_bind"' in k] == [1]))

    def test_metrics_count_lookup_handles_in_use(self):
        # Two entries and ept_lookup with max_ents 1: a page remains, so the
        # association group holds a lookup handle until it is freed.
        static = [{"interface": NEW_IF[0], "version": "1.0", "protseq": "ncacn_ip_tcp", "endpoint": port}
                  for port in ("6101", "6102")]
        port = free_port()
        with Rampartd(RAMPARTD, static_endpoints=static, extra_args=["--metrics", f"127.0.0.1:{port}"]) as d:
            with Conn(port=d.port) as c:
                self.assertEqual(c.call(bind(1, [(0, EPM_V3, [NDR20])]))[0][2], BIND_ACK)
                self.assertEqual(scrape(port)["rampart_lookup_handles"], 0)
                reply = c.call(request(2, 0, 2, ept_lookup_stub(max_ents=1)))[0]
                self.assertEqual(reply[2], RESPONSE, reply.hex())
                stub = response_stub(reply)
                self.assertEqual(stub_status(stub), 0)
                handle = stub[:20]
                self.assertNotEqual(handle, b"\x00" * 20, "no lookup handle was returned")
                m = scrape(port)
                self.assertEqual(m["rampart_lookup_handles"], 1)
                self.assertGreaterEqual(m["rampart_association_groups"], 1)
                # ept_lookup_handle_free (opnum 4) releases it.
                self.assertEqual(c.call(request(3, 0, 4, handle))[0][2], RESPONSE)
                self.assertEqual(scrape(port)["rampart_lookup_handles"], 0)
            with Conn(port=d.port) as c:
                self.assertEqual(c.call(bind(1, [(0, EPM_V3, [NDR20])]))[0][2], BIND_ACK)
                self.assertEqual(c.call(request(2, 0, 2, ept_lookup_stub(max_ents=1)))[0][2], RESPONSE)
                self.assertEqual(scrape(port)["rampart_lookup_handles"], 1)
            # The group ends with its connection, and its handles with it; the
            # gauge is sampled at the next accept, close or call.

            def after_next_accept():
                with Conn(port=d.port):
                    return wait_for(lambda: scrape(port)["rampart_connections_open"] == 1, 2) and \
                        scrape(port)["rampart_lookup_handles"] == 0
            self.assertTrue(wait_for(after_next_accept))

    def test_metrics_are_off_by_default(self):
        port = free_port()
        with Rampartd(RAMPARTD) as d:
            with self.assertRaises(OSError):
                scrape(port)
            self.assertNotIn("serving metrics", d.log_text())


NOBODY = 65534
OTHER_UID = 54321  # a uid no account uses


def task_status(pid):
    """{tid: {field: value}} from /proc/PID/task/*/status."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            out[tid] = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    return out


def bind_as(uid, port, reuseport=True):
    """errno of binding 127.0.0.1:PORT (with SO_REUSEPORT) in a child running as uid; 0 if it bound."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(r)
            if uid != 0:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if reuseport:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError as e:
                code = e.errno
            s.close()
            os.write(w, str(code).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        result = f.read()
    os.waitpid(pid, 0)
    return int(result)


@unittest.skipUnless(os.geteuid() == 0, "needs root: rampartd switches user only when started as root")
class Privileges(unittest.TestCase):
    def test_switches_user_and_keeps_no_capabilities(self):
        with Rampartd(RAMPARTD, user="nobody", threads=3) as d, Conn(port=d.port) as c:
            self.assertEqual(c.call(bind(1, [(0, EPM_V3, [NDR20])]))[0][2], BIND_ACK)
            self.assertEqual(map_status(c, 2, NEW_IF), EPT_NOT_REGISTERED, "it serves after the switch")
            tasks = task_status(d.proc.pid)
            self.assertGreaterEqual(len(tasks), 4, "main thread and three workers")
            for tid, st in tasks.items():
                self.assertEqual(st["Uid"].split(), [str(NOBODY)] * 4, f"thread {tid}")
                self.assertEqual(st["Gid"].split(), [str(NOBODY)] * 4, f"thread {tid}")
                self.assertEqual(st["Groups"].split(), [str(NOBODY)], f"thread {tid}: supplementary groups")
                for cap in ("CapEff", "CapPrm", "CapInh", "CapAmb", "CapBnd"):
                    self.assertEqual(int(st[cap], 16), 0, f"thread {tid}: {cap} {st[cap]}")
                self.assertEqual(st["NoNewPrivs"], "1", f"thread {tid}")
            self.assertIn("switched user user=nobody uid=65534 gid=65534 cap_eff=0 cap_prm=0", d.log_text())
            self.assertEqual(d.stop(), 0, d.log_text())

    def test_refuses_root_without_a_user(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write('[server]\nlisteners = ["127.0.0.1:0"]\nlocal_socket = ""\n[registration]\nstatic_socket = ""\n')
        try:
            run = subprocess.run([RAMPARTD, "--config", f.name], capture_output=True, text=True, timeout=10)
            self.assertEqual(run.returncode, 2, run.stderr)
            self.assertIn("refusing to run as root", run.stderr)
            self.assertIn("--user", run.stderr)
            self.assertIn("--allow-root", run.stderr)
            run = subprocess.run([RAMPARTD, "--config", f.name, "--user", "no-such-user-rampart"],
                                 capture_output=True, text=True, timeout=10)
            self.assertEqual(run.returncode, 2, run.stderr)
            self.assertIn("user 'no-such-user-rampart' does not exist", run.stderr)
        finally:
            os.unlink(f.name)

    def test_other_uids_cannot_join_the_reuseport_group(self):
        # CVE-2023-42670: a second server took over an endpoint. Linux lets a socket bind
        # into a SO_REUSEPORT group only if its creator's effective uid is the group's; the
        # workers' sockets were created as root before the switch.
        with Rampartd(RAMPARTD, user="nobody", threads=2) as d:
            self.assertTrue(wait_for(lambda: "switched user" in d.log_text()), d.log_text())
            self.assertEqual(bind_as(OTHER_UID, d.port), errno.EADDRINUSE, "another uid joined the group")
            self.assertEqual(bind_as(NOBODY, d.port), errno.EADDRINUSE,
                             "rampartd's own uid after the switch joined the group")
            self.assertEqual(bind_as(OTHER_UID, d.port, reuseport=False), errno.EADDRINUSE)
            # The rule is by uid: root, the sockets' creator, may join (and could do anything).
            # This is what makes the checks above able to fail.
            self.assertEqual(bind_as(0, d.port), 0, "root could not join: the test proves nothing")
            self.assertEqual(d.stop(), 0, d.log_text())


if __name__ == "__main__":
    run_suite(globals())
