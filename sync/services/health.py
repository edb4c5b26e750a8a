"""The link's health: which problems exist right now (a pure read of the database, no network)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone

from coupling import clock
from coupling.models import CoachviewConnection, ExactConnection
from mappings.models import CouplingOptions
from sync.models import (
    ExportRun,
    ExportState,
    FetchWatermark,
    HealthProblem,
    Invoice,
    InvoiceExport,
    JobRun,
    PaymentPollState,
    PaymentStatus,
)

Kind = HealthProblem.Kind
Severity = HealthProblem.Severity

# States in which an invoice still waits for the export to act on it.
EXPORT_WAITING = [ExportState.NEW, ExportState.READY, ExportState.EXPORTING, ExportState.UNKNOWN]


@dataclass(frozen=True)
class Problem:
    """One problem found now; `params` are JSON-safe values the texts are filled with."""

    kind: str
    severity: str
    subject: str = ""
    params: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.subject)

    @property
    def broken(self) -> bool:
        return self.severity == Severity.BROKEN


def moment_text(value: datetime | None) -> str:
    """A moment as people read it in the site's time zone, the same in every language: the console's
    one format (05-03-2026 14:05, sync/formats.py), also in the e-mails."""
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else ""


def exact_link():
    """The Exact link's status, token expiry, budget and blocks (coupling.exact.health)."""
    # Imported here: the Exact link is the exact-client's part and is read only when checking.
    from coupling.exact.health import exact_link_health

    return exact_link_health()


def link_health_check(*, now: datetime | None = None) -> list[Problem]:
    """Every problem that holds right now: the link, its budget, blocked endpoints, stalled jobs."""
    now = now or clock.now()
    link = exact_link()
    problems = _link_problems(link, now=now)
    connected = not any(p.broken for p in problems)
    budget_spent = any(p.kind == Kind.BUDGET_DAILY_SPENT for p in problems)
    administration = link.administration
    problems += _stall_problems(now=now, administration=administration, connected=connected, budget_spent=budget_spent)
    unknown = _unknown_problem(now=now, administration=administration)
    if unknown:
        problems.append(unknown)
    return problems + golive_problems()


def golive_waiting(state) -> bool:
    """Export waits for a go-live check. Without an Exact connection "not connected" is the one problem to
    act on (one cause, one e-mail)."""
    return not state.export_allowed and ExactConnection.objects.exists()


def golive_problems() -> list[Problem]:
    """Export waiting for a go-live check, a write-back switched off, no PDF to attach."""
    from sync.services.golive import golive_state

    state = golive_state()
    problems = []
    if golive_waiting(state):
        check = "Coachview" if not state.coachview_passed else "Exact"
        problems.append(
            Problem(Kind.GOLIVE_PENDING, Severity.WARNING, params={"check": check, "checked": moment_text(state.checked_at)})
        )
    for key, off in state.writebacks_off.items():
        problems.append(
            Problem(Kind.WRITEBACK_OFF, Severity.WARNING, subject=key, params={"which": key, "reason": off.get("reason", "")})
        )
    if state.pdf_unavailable:
        problems.append(Problem(Kind.PDF_UNAVAILABLE, Severity.WARNING))
    return problems


def _link_problems(link, *, now: datetime) -> list[Problem]:
    problems: list[Problem] = []
    admin = {"administration": link.administration}
    if link.status == "reconnect_needed" or (
        link.status == "connected" and link.refresh_token_expires_at and link.refresh_token_expires_at <= now
    ):
        return [Problem(Kind.RECONNECT_NEEDED, Severity.BROKEN, params={**admin, "error": link.last_error[:300]})]
    if link.status == "client_refused":
        return [Problem(Kind.CLIENT_REFUSED, Severity.BROKEN, params={**admin, "error": link.last_error[:300]})]
    if link.status != "connected":
        return [Problem(Kind.NOT_CONNECTED, Severity.BROKEN, params=admin)]
    warning_days = settings.HEALTH_REFRESH_TOKEN_WARNING_DAYS
    expires = link.refresh_token_expires_at
    if expires and expires - now <= timedelta(days=warning_days):
        problems.append(
            Problem(Kind.REFRESH_TOKEN_EXPIRING, Severity.WARNING, params={**admin, "expires": moment_text(expires)})
        )
    reserve = getattr(settings, "EXACT_DAILY_RESERVE", 0)
    if link.daily_remaining is not None and link.daily_remaining <= reserve:
        problems.append(
            Problem(
                Kind.BUDGET_DAILY_SPENT,
                Severity.WARNING,
                params={**admin, "limit": link.daily_limit, "resets": moment_text(link.daily_reset_at)},
            )
        )
    for blocked in link.blocked_endpoints:
        problems.append(
            Problem(
                Kind.ENDPOINT_BLOCKED,
                Severity.WARNING,
                subject=blocked.endpoint,
                params={
                    "endpoint": blocked.endpoint,
                    "errors": blocked.error_count,
                    "until": moment_text(blocked.blocked_until),
                },
            )
        )
    return problems


@dataclass(frozen=True)
class Progress:
    """When a job last completed, and since when work has been waiting for it (None: nothing waits)."""

    last_success: datetime | None
    waiting_since: datetime | None


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def _job_success(kind: str) -> datetime | None:
    return JobRun.objects.filter(kind=kind, ok=True).aggregate(at=Max("finished_at"))["at"]


def fetch_progress() -> Progress:
    """Fetching waits as long as a Coachview connection is configured: new invoices may come any time."""
    # The fetch saves its watermark only after a page was read completely.
    watermark = FetchWatermark.objects.aggregate(at=Max("updated_at"))["at"]
    last = _latest(_job_success(JobRun.Kind.FETCH), watermark)
    connection = CoachviewConnection.objects.order_by("pk").first()
    if connection is None or not connection.is_configured():
        return Progress(last, None)
    first_try = JobRun.objects.filter(kind=JobRun.Kind.FETCH).aggregate(at=Min("started_at"))["at"]
    # Never fetched: count from the first attempt, or from when the connection was last set up.
    since = last or first_try or connection.updated_at
    return Progress(last, since)


def export_progress(*, administration: str) -> Progress:
    """The export waits for invoices not yet decided, and for sent invoices it has not seen yet."""
    completed_run = ExportRun.objects.filter(finished_at__isnull=False, stopped_reason="", dry_run=False).aggregate(
        at=Max("finished_at")
    )["at"]
    exported = InvoiceExport.objects.filter(state=ExportState.EXPORTED).aggregate(at=Max("state_changed_at"))["at"]
    last = _latest(_job_success(JobRun.Kind.EXPORT), completed_run, exported)
    waiting = InvoiceExport.objects.filter(administration=administration, state__in=EXPORT_WAITING).aggregate(
        at=Min("state_changed_at")
    )["at"]
    unseen = (
        Invoice.objects.exportable()
        .exclude(exports__administration=administration)
        .aggregate(at=Min("fetched_at"))["at"]
    )
    known = [m for m in (waiting, unseen) if m is not None]
    return Progress(last, min(known) if known else None)


def poll_progress(*, administration: str) -> Progress:
    """The payment poll waits while an exported invoice is not paid (and payment registration is on)."""
    poll = PaymentPollState.objects.filter(administration=administration).first()
    # The poll stamps last_poll_at after every run.
    # ASSUMPTION: one that ended early says "stopped:" in its summary (PollResult.summary()).
    polled = poll.last_poll_at if poll and "stopped:" not in poll.last_summary else None
    last = _latest(_job_success(JobRun.Kind.POLL), polled)
    options = CouplingOptions.objects.filter(administration=administration).first()
    if options is not None and not options.payment_registration:
        return Progress(last, None)
    waiting = (
        InvoiceExport.objects.filter(administration=administration, state=ExportState.EXPORTED)
        .exclude(payment_status=PaymentStatus.PAID)
        .aggregate(at=Min("state_changed_at"))["at"]
    )
    return Progress(last, waiting)


def _stalled(progress: Progress, *, now: datetime, minutes: int) -> bool:
    """Nothing completed within `minutes` while work has been waiting at least that long."""
    if progress.waiting_since is None:
        return False
    threshold = now - timedelta(minutes=minutes)
    recent_success = progress.last_success is not None and progress.last_success >= threshold
    return not recent_success and progress.waiting_since <= threshold


def _stall_problems(*, now: datetime, administration: str, connected: bool, budget_spent: bool) -> list[Problem]:
    from sync.services.golive import golive_state

    checks = [(Kind.STALLED_FETCH, fetch_progress(), settings.HEALTH_STALL_FETCH_MINUTES)]
    # A broken link, a spent budget or a go-live check not passed stops export and poll by design: that
    # problem is reported already, and one cause should make one e-mail.
    if connected and not budget_spent and not golive_waiting(golive_state()):
        checks.append((Kind.STALLED_EXPORT, export_progress(administration=administration), settings.HEALTH_STALL_EXPORT_MINUTES))
        checks.append((Kind.STALLED_POLL, poll_progress(administration=administration), settings.HEALTH_STALL_POLL_MINUTES))
    problems = []
    for kind, progress, minutes in checks:
        if _stalled(progress, now=now, minutes=minutes):
            params = {
                "hours": round(minutes / 60, 1),
                "last_success": moment_text(progress.last_success),
                "waiting_since": moment_text(progress.waiting_since),
            }
            problems.append(Problem(kind, Severity.WARNING, params=params))
    return problems


def _unknown_problem(*, now: datetime, administration: str) -> Problem | None:
    cutoff = now - timedelta(minutes=settings.HEALTH_UNKNOWN_MINUTES)
    stale = InvoiceExport.objects.filter(state=ExportState.UNKNOWN, state_changed_at__lte=cutoff)
    if administration:
        stale = stale.filter(administration=administration)
    found = stale.aggregate(oldest=Min("state_changed_at"), count=Count("pk"))
    if not found["count"]:
        return None
    return Problem(
        Kind.UNKNOWN_STALE,
        Severity.WARNING,
        params={"count": found["count"], "since": moment_text(found["oldest"])},
    )
