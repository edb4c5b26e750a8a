"""An export run's counts written while it runs, so the front page can show it moving."""

from datetime import timedelta

from coupling import clock
from sync.models import ExportRun

# At most one write per this interval within a chunk, plus one at each chunk's end: a handful of
# UPDATEs a minute at most, whatever the number of invoices.
PROGRESS_EVERY = timedelta(seconds=5)
# A run that has not written its progress for this long is not running any more (its worker died).
# Long enough for one chunk at Exact's real limits, with a wait for the next minute window.
RUN_STALE_AFTER = timedelta(minutes=15)

COUNTS = ["exported", "linked", "held", "unknown", "failed", "retry_later", "calls_used"]


class ExportProgress:
    """Writes the run's counts in one UPDATE, when asked to and when the last write is old enough."""

    def __init__(self, run: ExportRun):
        self.run = run
        self.written_at = None

    def tick(self, *, calls: int) -> None:
        """After one invoice: write when the last write is `PROGRESS_EVERY` old."""
        if self.written_at is None or clock.now() - self.written_at >= PROGRESS_EVERY:
            self.write(calls=calls)

    def write(self, *, calls: int) -> None:
        """Write the counts now (at a chunk's end)."""
        run = self.run
        run.calls_used = calls
        run.progress_at = self.written_at = clock.now()
        ExportRun.objects.filter(pk=run.pk).update(
            progress_at=run.progress_at, **{name: getattr(run, name) for name in COUNTS}
        )
