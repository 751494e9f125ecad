#!/usr/bin/env python3
"""rampartd under a service manager, without systemd as PID 1:
  - socket activation through systemd-socket-activate: rampartd serves the passed TCP and
    Unix-domain sockets instead of its configured listeners, the passed Unix socket is its
    local socket (registrations over it work), and it reports READY=1, RELOADING=1 then
    READY=1 on SIGHUP, and STOPPING=1 to $NOTIFY_SOCKET;
  - journald: with $JOURNAL_STREAM naming its stderr, rampartd sends each event to the
    journal's socket as a structured entry (MESSAGE, PRIORITY, RAMPART_<FIELD>); the test
    stands in for journald on a private mount of /run/systemd;
  - the unit files: systemd-analyze verify accepts them and systemd-analyze security
    --offline rates rampartd.service SAFE or OK.

    service_test.py --rampartd build/bin/rampartd
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
from rampartd import free_port, run_suite  # noqa: E402
from rawrpc import BIND_ACK, EPM_V3, NDR20, RESPONSE, Conn, bind, ept_map_stub, request, response_stub, stub_status  # noqa: E402

RAMPARTD = None
UNITS = os.path.join(HERE, "..", "..", "packaging", "systemd")
LOCAL_IF = ("dddddddd-1111-2222-3333-444444444444", 1, 0)
ACTIVATE = shutil.which("systemd-socket-activate")
ANALYZE = shutil.which("systemd-analyze")


def map_status(conn, call_id, interface):
    reply = conn.call(request(call_id, 0, 3, ept_map_stub(interface)))[0]
    assert reply[2] == RESPONSE, reply.hex()
    return stub_status(response_stub(reply))


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


class Notifications:
    """A $NOTIFY_SOCKET: the sd_notify(3) datagrams rampartd sends, in order."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        # rampartd may have switched to another user by the time it sends (systemd's
        # own notify socket is writable by every user too).
        os.chmod(path, 0o666)
        self.path = path

    def next(self, timeout=10.0):
        self.sock.settimeout(timeout)
        return self.sock.recv(4096).decode()

    def close(self):
        self.sock.close()


@unittest.skipUnless(ACTIVATE, "systemd-socket-activate (package systemd) is not installed")
class SocketActivation(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rampartd-activate-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.configured_port = free_port()
        self.local = os.path.join(self.dir, "activated.sock")
        self.static = os.path.join(self.dir, "static.sock")
        self.config = os.path.join(self.dir, "rampartd.toml")
        with open(self.config, "w") as f:
            # Listeners and a local socket that socket activation must override.
            f.write(f'[server]\nlisteners = ["127.0.0.1:{self.configured_port}"]\n'
                    f'local_socket = "{self.dir}/configured.sock"\nthreads = 2\n')
            if os.geteuid() == 0:
                f.write('user = "nobody"\n')
            f.write(f'[registration]\nstatic_socket = "{self.static}"\n')
        self.notify = Notifications(os.path.join(self.dir, "notify"))
        self.log_path = os.path.join(self.dir, "rampartd.log")
        self.log = open(self.log_path, "wb")
        # systemd-socket-activate passes on only the variables -E names.
        self.proc = subprocess.Popen(
            [ACTIVATE, "-E", f"NOTIFY_SOCKET={self.notify.path}", "-l", f"127.0.0.1:{self.port}",
             "-l", self.local, "-l", self.static, RAMPARTD, "--config", self.config],
            stdout=self.log, stderr=subprocess.STDOUT)

    def tearDown(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        self.notify.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def test_serves_the_passed_sockets_and_notifies(self):
        # systemd-socket-activate binds, then execs rampartd at the first connection, which
        # waits for it.
        deadline = time.monotonic() + 10
        while True:
            try:
                first = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                break
            except ConnectionRefusedError:
                self.assertLess(time.monotonic(), deadline, "systemd-socket-activate did not listen")
                time.sleep(0.05)
        self.assertIn("READY=1", self.notify.next(), self.log_text())
        first.close()
        log = self.log_text()
        self.assertIn(f"listening address=127.0.0.1:{self.port} from=sd_listen_fds", log)
        self.assertIn(f"listening address=local:{self.local} from=sd_listen_fds", log)
        self.assertIn(f"listening address=local:{self.static} from=sd_listen_fds", log)
        self.assertNotIn(f":{self.configured_port}", log, "a configured listener was started")
        self.assertFalse(listening(self.configured_port))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "configured.sock")))
        if os.geteuid() == 0:
            self.assertIn("switched user user=nobody", log)

        with Conn(port=self.port) as c:
            self.assertEqual(c.call(bind(1, [(0, EPM_V3, [NDR20])]))[0][2], BIND_ACK)
            self.assertEqual(map_status(c, 2, EPM_V3), 0, "the endpoint mapper is not in its own map")
            registrant = subprocess.Popen(
                [sys.executable, os.path.join(HERE, "lib", "local_register.py"), self.local, LOCAL_IF[0], "6100"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(registrant.stdout.readline().strip(), "registered", self.log_text())
                self.assertEqual(map_status(c, 3, LOCAL_IF), 0, "a registration over the passed socket failed")

                self.proc.send_signal(signal.SIGHUP)
                self.assertIn("RELOADING=1", self.notify.next())
                self.assertIn("READY=1", self.notify.next())
                self.assertIn("configuration reloaded", self.log_text())
                self.assertEqual(map_status(c, 4, LOCAL_IF), 0, "the reload dropped the registration")
                self.assertTrue(listening(self.port), "the reload closed the passed socket")
                self.assertFalse(listening(self.configured_port), "the reload started a configured listener")
            finally:
                registrant.stdin.close()
                registrant.wait(5)
                registrant.stdout.close()

        self.proc.send_signal(signal.SIGTERM)
        self.assertIn("STOPPING=1", self.notify.next())
        self.assertEqual(self.proc.wait(15), 0, self.log_text())


def journal_fields(datagram):
    """The fields of one native-protocol journal entry (systemd's journal-native-protocol)."""
    fields, data = {}, datagram
    while data:
        nl = data.index(b"\n")
        line, data = data[:nl], data[nl + 1:]
        if b"=" in line:
            key, value = line.split(b"=", 1)
        else:  # KEY\n, 64-bit little-endian length, value, \n
            key, size = line, int.from_bytes(data[:8], "little")
            value, data = data[8:8 + size], data[8 + size + 1:]
        fields[key.decode()] = value.decode(errors="replace")
    return fields


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("unshare"), "needs root and unshare for a private /run/systemd")
class Journal(unittest.TestCase):
    def test_events_go_to_the_journal_with_fields(self):
        work = tempfile.mkdtemp(prefix="rampartd-journal-")
        journal_dir = os.path.join(work, "journal")
        os.mkdir(journal_dir)
        os.chmod(work, 0o755)
        os.chmod(journal_dir, 0o755)
        journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        journal.bind(os.path.join(journal_dir, "socket"))
        os.chmod(os.path.join(journal_dir, "socket"), 0o666)  # rampartd switches to nobody
        port, local = free_port(), os.path.join(work, "epmapper.sock")
        stderr_path = os.path.join(work, "stderr")
        stderr = open(stderr_path, "wb")
        st = os.fstat(stderr.fileno())
        env = dict(os.environ, JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
        script = ('mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/journal && '
                  'mount --bind "$0" /run/systemd/journal && exec "$@"')
        proc = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c", script, journal_dir, RAMPARTD,
             "--listen", f"127.0.0.1:{port}", "--local-socket", local, "--static-socket", "", "--user", "nobody"],
            stdout=stderr, stderr=stderr, env=env)
        try:
            entries, deadline = [], time.monotonic() + 10
            journal.settimeout(1)
            while time.monotonic() < deadline and not any(e.get("RAMPART_EVENT") == "rampartd started" for e in entries):
                try:
                    entries.append(journal_fields(journal.recv(65536)))
                except socket.timeout:
                    if proc.poll() is not None:
                        with open(stderr_path) as f:
                            self.fail(f"rampartd exited: {f.read()}")
            registrant = subprocess.Popen(
                [sys.executable, os.path.join(HERE, "lib", "local_register.py"), local, LOCAL_IF[0], "6200"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(registrant.stdout.readline().strip(), "registered")
                while not any(e.get("RAMPART_EVENT") == "registration" for e in entries):
                    entries.append(journal_fields(journal.recv(65536)))
            finally:
                registrant.stdin.close()
                registrant.wait(5)
                registrant.stdout.close()
            started = next(e for e in entries if e.get("RAMPART_EVENT") == "rampartd started")
            self.assertEqual(started["SYSLOG_IDENTIFIER"], "rampartd")
            self.assertEqual(started["PRIORITY"], "6")
            self.assertTrue(started["MESSAGE"].startswith("rampartd started version="), started)
            switched = next(e for e in entries if e.get("RAMPART_EVENT") == "switched user")
            self.assertEqual((switched["RAMPART_UID"], switched["RAMPART_CAP_EFF"]), ("65534", "0"))
            reg = next(e for e in entries if e.get("RAMPART_EVENT") == "registration")
            self.assertEqual(reg["RAMPART_PID"], str(registrant.pid))
            self.assertEqual(reg["RAMPART_UID"], "0")
            self.assertIn(LOCAL_IF[0], reg["RAMPART_ENTRIES"])
            self.assertEqual(reg["RAMPART_STATUS"], "ok (0x00000000)")
            proc.terminate()
            self.assertEqual(proc.wait(15), 0)
            stderr.close()
            with open(stderr_path) as f:
                self.assertNotIn("registration", f.read(), "events went to stderr as well")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            journal.close()
            shutil.rmtree(work, ignore_errors=True)


@unittest.skipUnless(ANALYZE, "systemd-analyze (package systemd) is not installed")
class Units(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rampartd-units-")
        # The service as `cmake --install` writes it, pointing at the binary under test.
        with open(os.path.join(UNITS, "rampartd.service.in")) as f:
            text = f.read()
        text = text.replace("@RAMPART_SBINDIR@/rampartd", RAMPARTD).replace("@RAMPART_SYSCONFDIR@", "/etc")
        self.service = os.path.join(self.dir, "rampartd.service")
        with open(self.service, "w") as f:
            f.write(text)
        for unit in ("rampartd.socket", "rampartd-static.socket"):
            shutil.copy(os.path.join(UNITS, unit), self.dir)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_units_verify(self):
        units = [self.service, os.path.join(self.dir, "rampartd.socket"),
                 os.path.join(self.dir, "rampartd-static.socket")]
        run = subprocess.run([ANALYZE, "verify", "--man=no", *units], capture_output=True, text=True,
                             timeout=60, cwd=self.dir)
        # Without systemd as PID 1 verify may complain about the host (no bus); it must not
        # complain about our units.
        complaints = [line for line in (run.stdout + run.stderr).splitlines() if "rampartd" in line]
        self.assertEqual(complaints, [], run.stdout + run.stderr)

    def test_security_rating(self):
        run = subprocess.run([ANALYZE, "security", "--offline=true", "--no-pager", self.service],
                             capture_output=True, text=True, timeout=60, cwd=self.dir)
        m = re.search(r"Overall exposure level for rampartd\.service: ([0-9.]+) (\w+)", run.stdout)
        self.assertIsNotNone(m, run.stdout + run.stderr)
        print(f"systemd-analyze security: {m.group(1)} {m.group(2)}", file=sys.stderr)
        self.assertIn(m.group(2), ("SAFE", "OK"), run.stdout)
        self.assertLessEqual(float(m.group(1)), 2.0)


if __name__ == "__main__":
    run_suite(globals())
