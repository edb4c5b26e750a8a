"""The export phase as production runs it: a real `manage.py qcluster` whose workers take export tasks.

The cluster is django-q2's own command in its own session, with the broker the environment names
(REDIS_URL or the ORM) under the run's own queue name (Q_NAME) and Q_WORKERS workers. The
schedules are created as `setup_schedules` does and the scheduled export is switched on; the
export schedule's run is brought forward once per worker (the overlap of a long run with the
next one), and the others are pushed out of the phase so that it counts the export's calls only.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings

from coupling import clock

EXPORT_TASK = "sync.tasks.export_invoices_task"
OPEN_STATES = ["ready", "unknown", "exporting"]


def schedules_prepared() -> None:
    """Every schedule as `setup_schedules` makes it, the scheduled export on, and none due in the phase."""
    import io

    from django.core.management import call_command
    from django_q.models import Schedule

    call_command("setup_schedules", stdout=io.StringIO())
    call_command("export_schedule", "on", stdout=io.StringIO())
    # The bench brings the export forward itself; a payment poll or a health check would add its calls.
    Schedule.objects.update(next_run=clock.now() + timedelta(days=1))


class Cluster:
    """`manage.py qcluster` in a session of its own (its workers are its children), stopped by its id.

    Its workers count their queries (`devtools.bench.qcluster_counted`)."""

    def __init__(self, *, folder: Path):
        self.queries_folder = folder / "queries"
        self.queries_folder.mkdir(exist_ok=True)
        self._log = open(folder / "cluster.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our own code
            [sys.executable, "-m", "devtools.bench.qcluster_counted", str(self.queries_folder)],
            cwd=settings.BASE_DIR, env={**os.environ, "LOG_LEVEL": "WARNING"},
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def alive(self) -> bool:
        return self.process.poll() is None

    def cpu_seconds(self) -> float:
        """User + system CPU of every live process in the cluster's session (the workers included)."""
        total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[3]) == self.process.pid:  # the session id
                total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def queries(self) -> int:
        from devtools.bench.qcluster_counted import queries_counted

        return queries_counted(self.queries_folder)

    def stop(self) -> None:
        """SIGTERM to the cluster's session (ours alone), SIGKILL when it has not ended in 15 s."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def tasks_enqueued(*, count: int, round_: int) -> set[str]:
    """`count` export tasks on the cluster's broker, the schedule's function as the schedule enqueues it."""
    from django_q.tasks import async_task

    return {async_task(EXPORT_TASK, task_name=f"export_invoices-{round_}-{n}") for n in range(count)}


def tasks_finished(task_ids: set[str]) -> set[str]:
    """Those of `task_ids` the cluster has finished (its monitor saves every result in the database)."""
    from django_q.models import Task

    return set(Task.objects.filter(id__in=task_ids).values_list("id", flat=True))


def open_exports():
    from sync.models import InvoiceExport

    return InvoiceExport.objects.filter(state__in=OPEN_STATES)


def exports_by_cluster(*, cluster: Cluster, workers: int, timeout: float, max_rounds: int | None = None) -> dict:
    """Rounds of one export task per worker until no invoice is open; what ended it, and how many rounds.

    A task ends at its deadline (80 % of Q_TIMEOUT), so the rounds a backlog needs grow with its size:
    by default the rounds go on while each one exports something, within `timeout`."""
    from devtools.bench.result import exported_numbers

    ends_at = time.monotonic() + timeout
    rounds, ended = 0, "every invoice is in a final state"
    while max_rounds is None or rounds < max_rounds:
        before = len(exported_numbers())
        pending = tasks_enqueued(count=workers, round_=rounds)
        rounds += 1
        while pending:
            if not cluster.alive():
                return {"rounds": rounds, "ended": f"the cluster stopped (exit {cluster.process.returncode})"}
            if time.monotonic() > ends_at:
                left = open_exports().count()
                return {"rounds": rounds, "ended": f"timeout after {timeout:.0f} s with {left} invoices open"}
            time.sleep(0.5)  # a real process on the real clock: poll, do not guess
            pending -= tasks_finished(pending)
        left = open_exports()
        if not left.exists():
            break
        if len(exported_numbers()) == before:
            ended = f"a round exported nothing; {left.count()} invoices open"
            break
        # The next scheduled run, brought forward: the bench does not wait out the back-off.
        left.filter(state__in=["ready", "unknown"]).update(next_attempt_at=None)
    else:
        ended = f"{max_rounds} rounds; {open_exports().count()} invoices open"
    return {"rounds": rounds, "ended": ended}
