"""gunicorn processes for development tooling: a master (and its workers) on a free loopback
port, its output in a log file, its workers found in /proc, stopped with SIGTERM (SIGKILL of
the whole process group when that does not end it).

Used by the load-and-fault test (tests/loadkit.py) and by the benchmark (scripts/bench/servers.py);
not by the app. Standard library only.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout (consult/devtools/servers.py → ../..)
GUNICORN = Path(sys.executable).parent / "gunicorn"  # the one of the running venv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (gunicorn's workers), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid …": comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


class GunicornProcess:
    """A gunicorn master (and its workers) on 127.0.0.1:<free port>, started in ``ROOT``, its
    output in ``log_path``; used by the load test and by `make bench`."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            [str(GUNICORN), "--bind", f"127.0.0.1:{self.port}", *args],
            cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=self.log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)  # Ctrl+C reaches the caller, which stops it

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()

    def log_text(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])
