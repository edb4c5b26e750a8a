"""One row per export run: what it did, so operators see the coupling working (or not)."""

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class ExportRun(models.Model):
    """The summary of one `export_invoices` run (command, schedule or admin)."""

    administration = models.CharField(_("Exact administration"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    exported = models.PositiveIntegerField(_("exported"), default=0)
    linked = models.PositiveIntegerField(_("linked to an existing entry"), default=0)
    held = models.PositiveIntegerField(_("held"), default=0)
    unknown = models.PositiveIntegerField(_("outcome unknown"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    retry_later = models.PositiveIntegerField(_("to retry later"), default=0)
    calls_used = models.PositiveIntegerField(_("Exact calls used"), default=0)
    # Slept for Exact's next minute window or another process's token refresh (workers sharing the budget).
    waited_seconds = models.FloatField(_("seconds waited for Exact's budget"), default=0.0)
    # Why the run ended before the work was done (budget spent, endpoint blocked, deadline), if it did.
    stopped_reason = models.CharField(_("stopped early because"), max_length=255, blank=True)
    stopped_code = models.CharField(_("catalogue code of the stop"), max_length=60, blank=True)
    # When the counts above were last written during the run: a run that stopped writing is not running.
    progress_at = models.DateTimeField(_("progress written"), null=True, blank=True)

    class Meta:
        verbose_name = _("export run")
        verbose_name_plural = _("export runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        if self.started_at is None:
            return str(_("export run"))
        return _("export run of %(at)s") % {"at": formats.localize(timezone.localtime(self.started_at))}

    def is_running(self, *, now, stale_after) -> bool:
        """Unfinished and still writing its progress (a killed worker leaves an unfinished row behind)."""
        return self.finished_at is None and (self.progress_at or self.started_at) >= now - stale_after

    @property
    def handled(self) -> int:
        """Invoices this run has dealt with so far, whatever the outcome."""
        return self.exported + self.linked + self.held + self.unknown + self.failed + self.retry_later

    def summary(self) -> str:
        """The one-line summary the command prints (English, like every command's output)."""
        if self.dry_run:
            return ngettext(
                "Dry run: %(exported)s invoice would be exported, %(held)s would be held; nothing sent",
                "Dry run: %(exported)s invoices would be exported, %(held)s would be held; nothing sent",
                self.exported,
            ) % {"exported": self.exported, "held": self.held}
        text = (
            f"{self.exported} exported, {self.linked} linked, "
            f"{self.held} held, {self.unknown} unknown, {self.failed} failed, "
            f"{self.retry_later} to retry, {self.calls_used} Exact calls"
        )
        if self.stopped_reason:
            text += f" (stopped: {self.stopped_reason})"
        return text


class ExportSchedule(models.Model):
    """Whether the scheduled export runs in an administration: off until an administrator switches it on.

    A new installation must not race the person following the guide (mappings and a dry run first);
    switching on and pausing are recorded with who and when (contracts.md, "Go-live checks").
    """

    administration = models.CharField(_("Exact administration"), max_length=40, unique=True)
    switched_on = models.BooleanField(_("scheduled export on"), default=False)
    switched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("switched by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    switched_at = models.DateTimeField(_("switched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled export")
        verbose_name_plural = _("scheduled export")

    def __str__(self):
        return f"{self.administration}: {'on' if self.switched_on else 'off'}"
