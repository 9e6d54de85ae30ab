"""gunicorn processes of the benchmark: started on free loopback ports, logs in the temp
folder, a bounded wait until every worker answers, always stopped, workers' memory read
from /proc."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

# The gunicorn process runner shared with the load-and-fault test (free loopback port, log,
# workers, stop): development tooling of consult, never code of tests/.
from consult.devtools.servers import GunicornProcess


class HarnessError(RuntimeError):
    """The benchmark could not measure (a server did not start or died, a client broke)."""


def memory_kib(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS of a process, in KiB ({} once it is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0])
    return values


class Gunicorn(GunicornProcess):
    """One gunicorn master with its workers (the load test's process, with memory readings)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logdir: Path, workers: int):
        self.name, self.workers = name, workers
        self.peaks: dict[int, dict[str, int]] = {}  # worker pid → last VmHWM/VmRSS seen
        self.booted: dict[int, dict[str, int]] = {}  # worker pid → VmHWM/VmRSS once ready
        super().__init__(args, {**env, "WEB_CONCURRENCY": str(workers)}, logdir / f"gunicorn-{name}.log")

    def wait_ready(self, path: str, timeout: float = 90) -> None:
        """Until ``path`` answers 200 and every worker is up (bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        self.sample_memory()
                        self.booted = dict(self.peaks)
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise HarnessError(f"gunicorn ({self.name}) did not come up in {timeout:.0f} s:\n{self.tail()}")

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise HarnessError(f"gunicorn ({self.name}) exited with {self.process.returncode}:\n"
                               f"{self.tail()}")

    def sample_memory(self) -> None:
        for pid in self.worker_pids():
            values = memory_kib(pid)
            if values:
                self.peaks[pid] = values
