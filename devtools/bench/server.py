"""The benchmark's own web server (sandbox and product), started on a free port and stopped after."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

# High enough that neither the sandbox nor the product's budget (which follows Exact's headers) waits.
LIFTED_LIMIT = 10_000_000


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_environment(*, url: str, sandbox_url: str, base_url: str, faults: bool) -> dict:
    """The environment of the server and the product process: temporary databases, limits lifted."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "SANDBOX": "1",
        "DATABASE_URL": url,
        "SANDBOX_DATABASE_URL": sandbox_url,
        "SANDBOX_BASE_URL": base_url,
        "SANDBOX_EXACT_RATE_LIMITS": "0",
        "SANDBOX_EXACT_MINUTELY_LIMIT": str(LIFTED_LIMIT),
        "SANDBOX_EXACT_DAILY_LIMIT": str(LIFTED_LIMIT),
        "SANDBOX_COACHVIEW_RATE_LIMIT": str(LIFTED_LIMIT),
        "EXACT_MINUTELY_LIMIT": str(LIFTED_LIMIT),
        "EXACT_DAILY_LIMIT": str(LIFTED_LIMIT),
        "SANDBOX_FAULTS": '{"seed": 1, "lost_response_rate": 0.02, "unavailable_rate": 0.02}'
        if faults
        else "{}",
        # The sandbox answers a first bulk read of many receivables far slower than Exact, on a shared
        # machine even slower: a timeout there would measure the sandbox, not us.
        "HTTP_READ_TIMEOUT": "600",
        "PYTHONUNBUFFERED": "1",
    }
    return env


class BenchServer:
    """`manage.py runserver --noreload` on a free port; its CPU time is read from /proc."""

    def __init__(self, *, env: dict, port: int, log: Path):
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until the server answers HTTP (any status), or raise when it died or took too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"The benchmark server stopped (exit {self.process.returncode}); see {self._log.name}."
                )
            try:
                urllib.request.urlopen(f"{self.base_url}/sandbox/coachview/api/v1/Facturen", timeout=2)  # noqa: S310
                return
            except urllib.error.HTTPError:
                return  # it answers: 401 without a token is fine
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"The benchmark server did not answer at {self.base_url} within {timeout:.0f} s.")

    def stop(self) -> None:
        """Terminate the server process we started (and only that one)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) from /proc; 0.0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    # After the ")" of the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / ticks


def process_peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MB; 0.0 where unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
