"""Starts a real rampartd for a test: a private config, a free loopback port (or the one
given), a private local socket, and its log captured. Used as a context manager:

    with Rampartd(binary, limits={"header_timeout_ms": 500}) as d:
        Conn(port=d.port) ...
        d.rss_kib()
"""

import argparse
import os
import signal
import sys
import socket
import subprocess
import tempfile
import time
import unittest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


class Rampartd:
    def __init__(self, binary, port=None, host="127.0.0.1", limits=None, fragments=None,
                 registration=None, static_endpoints=(), extra_args=(), threads=2, user=None, dcom=None,
                 security=None):
        self.binary = binary
        self.host = host
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="rampartd-test-")
        self.socket_path = os.path.join(self.dir, "epmapper.sock")
        self.static_socket_path = os.path.join(self.dir, "epmapper-static.sock")
        self.log_path = os.path.join(self.dir, "rampartd.log")
        self.config_path = os.path.join(self.dir, "rampartd.toml")
        listen = f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"
        lines = ["[server]", f"listeners = [{_toml_value(listen)}]",
                 f"local_socket = {_toml_value(self.socket_path)}", f"threads = {threads}"]
        # rampartd refuses to keep root without being told (rampartd(8), PRIVILEGES): a
        # test run as root either names a user to switch to or keeps root explicitly.
        if user:
            lines.append(f"user = {_toml_value(user)}")
        elif os.geteuid() == 0:
            lines.append("allow_root = true")
        lines.append("")
        lines += ["[limits]"] + [f"{k} = {_toml_value(v)}" for k, v in (limits or {}).items()] + [""]
        if fragments:
            lines += ["[limits.fragments]"] + [f"{k} = {_toml_value(v)}" for k, v in fragments.items()] + [""]
        registration = {"static_socket": self.static_socket_path, **(registration or {})}
        lines += ["[registration]"] + [f"{k} = {_toml_value(v)}" for k, v in registration.items()] + [""]
        if security is not None:
            lines += ["[security]"] + [f"{k} = {_toml_value(v)}" for k, v in security.items()] + [""]
        if dcom is not None:
            lines += ["[dcom]"] + [f"{k} = {_toml_value(v)}" for k, v in dcom.items()] + [""]
        for entry in static_endpoints:
            lines += ["[[static_endpoint]]"] + [f"{k} = {_toml_value(v)}" for k, v in entry.items()] + [""]
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines))
        self.extra_args = list(extra_args)
        self.proc = None

    def __enter__(self):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.binary, "--config", self.config_path, *self.extra_args],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rampartd exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                socket.create_connection((self.host, self.port), timeout=0.2).close()
                # The TCP port is bound first: the socket files may still be missing.
                if os.path.exists(self.socket_path) and os.path.exists(self.static_socket_path):
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("rampartd did not start listening within 10 s:\n" + self.log_text())

    def __exit__(self, *exc):
        self.stop()

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
        return self.proc.returncode if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""


def run_suite(module_globals):
    """main() of a unittest suite that drives rampartd: --rampartd PATH sets the module's
    RAMPARTD; the remaining arguments go to unittest."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampartd", required=True)
    args, rest = parser.parse_known_args()
    module_globals["RAMPARTD"] = os.path.abspath(args.rampartd)
    unittest.main(module=module_globals["__name__"], argv=[sys.argv[0], *rest], verbosity=2)
