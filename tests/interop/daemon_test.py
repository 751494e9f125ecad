#!/usr/bin/env python3
"""rampartd as a daemon: SIGHUP reloads the configuration without dropping connections or
registrations; a bad reload keeps the running configuration; a bad config file at start is
refused with an error naming its line; SIGTERM drains and exits 0.

    daemon_test.py --rampartd build/bin/rampartd
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from rampartd import Rampartd, run_suite  # noqa: E402
from rawrpc import BIND_ACK, EPM_V3, NDR20, RESPONSE, Conn, bind, ept_map_stub, request, response_stub, stub_status  # noqa: E402

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

    def test_bad_config_names_the_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write('[server]\nlisteners = ["127.0.0.1:0"]\nallow_root = true\n\n[limits]\nmax_contexts = "many"\n')
        try:
            run = subprocess.run([RAMPARTD, "--config", f.name], capture_output=True, text=True, timeout=10)
            self.assertEqual(run.returncode, 2, run.stderr)
            self.assertIn(f"{f.name}:6:", run.stderr + run.stdout)
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    run_suite(globals())
