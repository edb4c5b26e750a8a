"""Recording job runs, so the health check can tell a stalled job from an idle one."""

from collections.abc import Iterator
from contextlib import contextmanager

from coupling import clock
from sync.models import JobRun


def job_run_start(*, kind: str) -> JobRun:
    """Record that a job started (committed before it calls out)."""
    return JobRun.objects.create(kind=kind, started_at=clock.now())


def job_run_finish(*, run: JobRun, ok: bool, summary: str = "", counts: dict | None = None) -> JobRun:
    """Record how the job ended; `ok` means it completed its work (or had none)."""
    run.finished_at = clock.now()
    run.ok = ok
    run.summary = summary[:500]
    run.counts = counts or {}
    run.save(update_fields=["finished_at", "ok", "summary", "counts"])
    return run


@contextmanager
def job_run_recorded(*, kind: str) -> Iterator[JobRun]:
    """`with job_run_recorded(kind="poll") as run:` ends ok unless the body raises or sets run.ok False."""
    run = job_run_start(kind=kind)
    try:
        yield run
    except BaseException as exc:
        job_run_finish(run=run, ok=False, summary=f"{type(exc).__name__}: {exc}", counts=run.counts)
        raise
    job_run_finish(run=run, ok=run.ok is not False, summary=run.summary, counts=run.counts)
