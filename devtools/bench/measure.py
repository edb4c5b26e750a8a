"""What one phase cost: wall and CPU time (ours and the server's), our database queries, its requests."""

import os
import resource
import sys
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections

from devtools.bench.server import process_cpu_seconds


@dataclass
class PhaseCost:
    """The measurements of one phase; `requests` is the sandbox request-log id range (first, last]."""

    name: str
    wall_s: float = 0.0
    cpu_s: float = 0.0  # this (product) process
    server_cpu_s: float = 0.0  # the server process: the sandbox's work, plus Django's request handling
    db_queries: int = 0
    rss_after_mb: float = 0.0  # resident memory when the phase ended
    peak_mb: float = 0.0  # the phase's own peak (the peak is reset before it, where Linux allows)
    requests: tuple[int, int] = (0, 0)
    note: str = ""
    detail: dict = field(default_factory=dict)


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def request_log_last() -> int:
    """The id of the newest sandbox request-log row (0 when empty)."""
    from sandbox.models import SandboxRequest

    return SandboxRequest.objects.order_by("-id").values_list("id", flat=True).first() or 0


@contextmanager
def phase_measured(name: str, *, server_pid: int):
    """Measure the block: time, CPU (ours, the server's), queries on the product's database, requests."""
    cost = PhaseCost(name=name)
    counter = {"n": 0}

    def count(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    first = request_log_last()
    traced = _trace_start()
    _peak_reset()
    server_before = process_cpu_seconds(server_pid)
    cpu_before, wall_before = _cpu(), time.perf_counter()
    try:
        with connections["default"].execute_wrapper(count):
            yield cost
    finally:
        cost.wall_s = time.perf_counter() - wall_before
        cost.cpu_s = _cpu() - cpu_before
        cost.server_cpu_s = process_cpu_seconds(server_pid) - server_before
        cost.db_queries = counter["n"]
        cost.requests = (first, request_log_last())
        cost.rss_after_mb, cost.peak_mb = memory_mb()
        if traced:
            _trace_report(name)


def _trace_start() -> bool:
    """With BENCH_TRACEMALLOC=N, trace allocations (slower) to report the N biggest still held."""
    if not os.environ.get("BENCH_TRACEMALLOC"):
        return False
    tracemalloc.start(10)
    return True


def _trace_report(name: str) -> None:
    """What the phase allocated and still holds at its end, grouped by where (stderr)."""
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    top = snapshot.statistics("traceback")[: int(os.environ["BENCH_TRACEMALLOC"])]
    print(f"[{name}] still held: {sum(s.size for s in snapshot.statistics('filename')) / 1e6:.1f} MB, "
          f"traced peak {peak / 1e6:.1f} MB", file=sys.stderr)
    for stat in top:
        frames = [f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}" for f in reversed(stat.traceback) if "/work/" in f.filename
                  and ".venv" not in f.filename][:4] or [str(stat.traceback[0])]
        print(f"  {stat.size / 1e6:7.2f} MB {stat.count:7d} blocks  {' < '.join(frames)}", file=sys.stderr)


def _peak_reset() -> None:
    """Start the peak-memory mark (VmHWM) afresh, so each phase reports its own peak (Linux 4.0+)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux, or not allowed: the peak then runs on from the earlier phases


def memory_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak (VmRSS, VmHWM) in MB; zeros where unavailable."""
    values = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line[:5]] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return round(values.get("VmRSS", 0.0), 1), round(values.get("VmHWM", 0.0), 1)


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
