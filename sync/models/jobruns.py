"""A generic record of one background job run (fetch, export, payment poll, reference data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a job: when, whether it completed, its one-line summary and counts.

    The export keeps its own detailed `ExportRun`; this row is what the health check reads for
    every kind, so a stalled job is noticed whatever the job is.
    """

    class Kind(models.TextChoices):
        FETCH = "fetch", _("fetch from Coachview")
        EXPORT = "export", _("export to Exact")
        POLL = "poll", _("payment poll")
        REFERENCE = "reference", _("Exact reference data")

    kind = models.CharField(_("job"), max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # None while running; False when it stopped before completing (no connection, budget, crash).
    ok = models.BooleanField(_("completed"), null=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "ok", "finished_at"], name="jobrun_kind_ok_finished")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}: {self.summary}"
