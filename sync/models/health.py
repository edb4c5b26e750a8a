"""Problems the health check found, each notified once and closed with a recovery notice."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HealthProblem(models.Model):
    """One occurrence of a problem, open from `opened_at` until `resolved_at`.

    At most one open row per (kind, subject): that row is what makes the e-mail go out once
    instead of once per health-check run.
    """

    class Kind(models.TextChoices):
        NOT_CONNECTED = "not_connected", _("Exact Online not connected")
        RECONNECT_NEEDED = "reconnect_needed", _("Exact Online must be connected again")
        REFRESH_TOKEN_EXPIRING = "refresh_token_expiring", _("Exact Online link about to expire")
        STALLED_FETCH = "stalled_fetch", _("fetching from Coachview has stalled")
        STALLED_EXPORT = "stalled_export", _("export to Exact has stalled")
        STALLED_POLL = "stalled_poll", _("payment poll has stalled")
        BUDGET_DAILY_SPENT = "budget_daily_spent", _("Exact's daily call budget is spent")
        ENDPOINT_BLOCKED = "endpoint_blocked", _("an Exact endpoint is blocked")
        UNKNOWN_STALE = "unknown_stale", _("invoices with an unknown outcome")
        GOLIVE_PENDING = "golive_pending", _("export waits for the go-live check")
        WRITEBACK_OFF = "writeback_off", _("a write-back to Coachview is switched off")
        PDF_UNAVAILABLE = "pdf_unavailable", _("Coachview offers no invoice PDF")
        CLIENT_REFUSED = "client_refused", _("Exact refuses the app's client id or secret")

    class Severity(models.TextChoices):
        BROKEN = "broken", _("broken")
        WARNING = "warning", _("warning")

    kind = models.CharField(_("problem"), max_length=32, choices=Kind.choices)
    # What it is about when a kind can occur several times at once (the endpoint's name).
    subject = models.CharField(_("about"), max_length=100, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("noticed"))
    last_seen_at = models.DateTimeField(_("last seen"))
    notified_at = models.DateTimeField(_("administrators told"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    recovery_notified_at = models.DateTimeField(_("recovery told"), null=True, blank=True)

    class Meta:
        verbose_name = _("health problem")
        verbose_name_plural = _("health problems")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject"], condition=Q(resolved_at__isnull=True), name="one_open_problem_per_kind"
            )
        ]

    def __str__(self):
        label = self.get_kind_display()
        return f"{label} ({self.subject})" if self.subject else str(label)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class DigestRun(models.Model):
    """One daily digest to support: the window it covered, so the next one starts where it ended."""

    sent_at = models.DateTimeField(_("sent"))
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    invoices = models.PositiveIntegerField(_("invoices in it"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("support digest")
        verbose_name_plural = _("support digests")
        ordering = ["-window_end", "-id"]

    def __str__(self):
        return f"{self.window_start:%Y-%m-%d %H:%M} – {self.window_end:%Y-%m-%d %H:%M}: {self.invoices}"
