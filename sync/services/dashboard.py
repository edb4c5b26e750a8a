"""What the admin's front page shows, read in a fixed number of queries (no network)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db.models import Count, Max
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coupling import clock
from sync.models import ErrorCatalogueEntry, ExportState, InvoiceExport
from sync.services.backlog import backlog_estimate, backlog_text
from sync.services.export_progress import RUN_STALE_AFTER
from sync.services.golive import golive_state

# The states whose reasons name catalogue entries a person must act on.
FAILING_STATES = [ExportState.HELD, ExportState.FAILED]
# Bounds the rows read to count the current failures; beyond it the counts are a lower bound.
FAILURE_SCAN_LIMIT = 20000


@dataclass(frozen=True)
class LinkState:
    """The Exact link in one colour, with what to do when it is red."""

    ok: bool
    status: str
    administration: str
    todo: str
    last_error: str
    minutely_limit: int | None
    minutely_remaining: int | None
    minutely_reset_at: datetime | None
    daily_limit: int | None
    daily_remaining: int | None
    daily_reset_at: datetime | None
    blocked_endpoints: list = field(default_factory=list)


@dataclass(frozen=True)
class JobSummary:
    kind: str
    label: str
    at: datetime | None
    ok: bool | None
    summary: str
    running: bool = False
    # The last run that completed, when the latest did not (or is still running).
    last_success_at: datetime | None = None
    last_success_summary: str = ""


@dataclass(frozen=True)
class FailureCount:
    code: str
    title: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    link: LinkState
    state_counts: list[tuple[str, str, int]]  # (machine name, label, count), in contracts.md order
    jobs: list[JobSummary]
    top_failures: list[FailureCount]
    problems: list = field(default_factory=list)
    golive: object = None  # sync.services.golive.GoLiveState
    backlog_text: str = ""  # "N invoices waiting — done on … around …" (sync.services.backlog)

    @property
    def running(self) -> bool:
        """A job is running: the page reloads itself until it is done."""
        return any(job.running for job in self.jobs)


def _model(label: str):
    """Another part's model, or None while that part is not merged (the page degrades, never breaks)."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def link_state() -> LinkState:
    """The Exact link's status and budget; red says what a person must do."""
    from coupling.exact.health import exact_link_health

    health = exact_link_health()
    todo = ""
    if health.status == "reconnect_needed":
        todo = _("Exact Online refused our token: an administrator must reconnect on the connection page.")
    elif health.status == "client_refused":
        todo = _(
            "Exact refuses the coupling's client id or secret: an administrator must correct them on the "
            "connection page (as registered in Exact's App Center) and connect again."
        )
    elif not health.connected:
        todo = _("Not connected to Exact Online: an administrator must connect on the connection page.")
    elif health.daily_remaining is not None and health.daily_remaining <= 0:
        todo = _("Exact's daily call budget is spent: the export continues after the reset; nothing to do.")
    return LinkState(
        ok=health.connected,
        status=health.status,
        administration=health.administration,
        todo=todo,
        last_error=health.last_error,
        minutely_limit=health.minutely_limit,
        minutely_remaining=health.minutely_remaining,
        minutely_reset_at=health.minutely_reset_at,
        daily_limit=health.daily_limit,
        daily_remaining=health.daily_remaining,
        daily_reset_at=health.daily_reset_at,
        blocked_endpoints=list(health.blocked_endpoints),
    )


def state_counts() -> list[tuple[str, str, int]]:
    """Invoices per export state, every state listed (also at zero), in one query."""
    counts = dict(InvoiceExport.objects.values_list("state").annotate(n=Count("pk")).order_by())
    return [(state.value, state.label, counts.get(state.value, 0)) for state in ExportState]


def failing_codes(*, limit: int | None = 5) -> list[FailureCount]:
    """Catalogue entries by the number of held or failed invoices they explain now (two queries)."""
    counter: Counter[str] = Counter()
    values_seen: dict[str, list[dict]] = {}
    rows = InvoiceExport.objects.filter(state__in=FAILING_STATES).values_list("reasons", flat=True)
    for reasons in rows[:FAILURE_SCAN_LIMIT]:
        # One invoice counts once per entry, however many lines share the cause.
        reasons = [r for r in reasons or [] if isinstance(r, dict)]
        counter.update({r.get("code") or "" for r in reasons})
        for r in reasons:
            values_seen.setdefault(r.get("code") or "", []).append(r.get("values") or {})
    top = counter.most_common(limit)
    entries = ErrorCatalogueEntry.objects.filter(code__in=[code for code, _n in top if code])
    # The title with the values these invoices have ("Relation 20077 is not a customer"), not "…".
    titles = {entry.code: entry.title_for_many(values_seen.get(entry.code, [])) for entry in entries}
    return [FailureCount(code=code, title=titles.get(code, "") if code else _("no entry yet"), count=n) for code, n in top]


def _job_runs(kind: str):
    """(latest, last completed) JobRun of one kind; two queries."""
    job_run = _model("sync.JobRun")
    if job_run is None:
        return None, None
    runs = job_run.objects.filter(kind=kind)
    return runs.order_by("-started_at", "-id").first(), runs.filter(ok=True).order_by("-finished_at", "-id").first()


def recent_jobs() -> list[JobSummary]:
    """The last fetch, export, payment poll and refresh of Exact's lists: running, or their result, and
    the last one that completed when the latest did not (job runs, else each part's own record)."""
    jobs = []
    labels = {"fetch": _("Fetch from Coachview"), "export": _("Export to Exact"), "poll": _("Payment poll")}
    now = clock.now()
    for kind, label in labels.items():
        run, success = _job_runs(kind)
        if run is None:
            jobs.append(_fallback_job(kind, label))
            continue
        running = run.finished_at is None and run.started_at >= now - RUN_STALE_AFTER
        if running:
            ok, text = None, _("running since %s") % date_format(localtime(run.started_at), "H:i")
        else:
            ok, text = run.ok is True, _job_text(kind, run.counts or {}) or run.summary
        at = run.finished_at or run.started_at
        jobs.append(JobSummary(kind, label, at, ok, text, running, *_success(kind, run, success)))
    jobs.append(_reference_job())
    return jobs


def _success(kind: str, latest, success) -> tuple[datetime | None, str]:
    if success is None or success.pk == latest.pk:
        return None, ""
    return success.finished_at, _job_text(kind, success.counts or {}) or success.summary


def _job_text(kind: str, counts: dict) -> str:
    """The job's result in the reader's language, from its counts ("" when it has none)."""
    if kind == "fetch" and {"new", "updated", "calls"} <= counts.keys():
        text = ngettext(
            "%(new)s new and %(updated)s changed invoice; %(calls)s",
            "%(new)s new and %(updated)s changed invoices; %(calls)s",
            counts["new"] + counts["updated"],
        ) % {
            "new": counts["new"],
            "updated": counts["updated"],
            "calls": _calls(counts["calls"], "Coachview"),
        }
    elif kind == "poll" and {"changed", "calls"} <= counts.keys():
        text = ngettext(
            "%(changed)s invoice with a new payment status", "%(changed)s invoices with a new payment status", counts["changed"]
        ) % counts + "; " + _calls(counts["calls"], "Exact")
    else:
        return ""
    if counts.get("stopped"):
        text += " — " + _("stopped: %s") % counts["stopped"]  # the outside system's words, as they came
    return text


def _export_text(run) -> str:
    if run.dry_run:
        return _("Dry run: %(exported)s would be exported, %(held)s would be held; nothing sent") % {
            "exported": run.exported,
            "held": run.held,
        }
    text = _("%(exported)s exported, %(held)s held, %(failed)s failed, %(unknown)s unknown, %(retry)s to retry; %(calls)s") % {
        "exported": run.exported + run.linked,
        "held": run.held,
        "failed": run.failed,
        "unknown": run.unknown,
        "retry": run.retry_later,
        "calls": _calls(run.calls_used, "Exact"),
    }
    if run.stopped_reason:
        text += " — " + _("stopped: %s") % run.stopped_reason
    return text


def _calls(n: int, system: str) -> str:
    """"1 call to Exact", "12 calls to Coachview": a count with a real plural."""
    return ngettext("%(n)s call to %(system)s", "%(n)s calls to %(system)s", n) % {"n": n, "system": system}


def _running_export_text(run) -> str:
    return ngettext(
        "running: %(count)s invoice handled so far (%(exported)s exported, %(held)s held, %(failed)s failed)",
        "running: %(count)s invoices handled so far (%(exported)s exported, %(held)s held, %(failed)s failed)",
        run.handled,
    ) % {"count": run.handled, "exported": run.exported + run.linked, "held": run.held, "failed": run.failed}


def _fallback_job(kind: str, label: str) -> JobSummary:
    """Until every job records a JobRun, read the part's own bookkeeping."""
    if kind == "export" and (export_run := _model("sync.ExportRun")):
        runs = export_run.objects.filter(dry_run=False)
        run = runs.order_by("-started_at", "-id").first()
        if run is not None:
            if run.is_running(now=clock.now(), stale_after=RUN_STALE_AFTER):
                ok, text, running = None, _running_export_text(run), True
            else:
                ok, text, running = run.finished_at is not None and not run.stopped_reason, _export_text(run), False
            success = None
            if not ok:
                success = runs.exclude(finished_at=None).filter(stopped_reason="").order_by("-started_at", "-id").first()
            return JobSummary(
                kind, label, run.finished_at or run.progress_at or run.started_at, ok, text, running,
                success.finished_at if success else None, _export_text(success) if success else "",
            )  # fmt: skip
    if kind == "poll" and (poll_state := _model("sync.PaymentPollState")):
        state = poll_state.objects.exclude(last_poll_at=None).order_by("-last_poll_at").first()
        if state is not None:
            return JobSummary(kind, label, state.last_poll_at, True, state.last_summary)
    if kind == "fetch" and (watermark := _model("sync.FetchWatermark")):
        at = watermark.objects.aggregate(at=Max("updated_at"))["at"]
        if at is not None:
            return JobSummary(kind, label, at, True, "")
    return JobSummary(kind, label, None, None, _("has not run yet"))


def _reference_job() -> JobSummary:
    """The refresh of Exact's lists (mappings' own record of it); before any, when the mirror was last read."""
    from mappings.models import ReferenceRefresh, ReferenceSync
    from mappings.services.reference_jobs import reference_refresh_text, refresh_stale_after

    label = _("Exact's lists")
    refresh = ReferenceRefresh.objects.order_by("-requested_at", "-id").first()
    if refresh is None:
        synced = ReferenceSync.objects.order_by("-synced_at").first()
        if synced is None:
            return JobSummary("reference", label, None, None, _("has not run yet"))
        return JobSummary("reference", label, synced.synced_at, True, "")
    running = refresh.finished_at is None and refresh.requested_at >= clock.now() - refresh_stale_after()
    ok = None if running else refresh.ok is True
    success = None
    if not ok:
        success = ReferenceRefresh.objects.filter(ok=True).order_by("-finished_at", "-id").first()
    return JobSummary(
        "reference", label, refresh.finished_at or refresh.started_at or refresh.requested_at, ok,
        reference_refresh_text(refresh), running,
        success.finished_at if success else None, reference_refresh_text(success) if success else "",
    )  # fmt: skip


def open_problems() -> list:
    """The health check's open problems, once that part is there."""
    try:
        from sync.services.health_notify import front_page_problems
    except ImportError:
        return []
    return front_page_problems()


def dashboard_build() -> Dashboard:
    """Everything the front page shows; the query count does not grow with the data."""
    return Dashboard(
        link=link_state(),
        state_counts=state_counts(),
        jobs=recent_jobs(),
        top_failures=failing_codes(limit=5),
        problems=open_problems(),
        golive=golive_state(),
        backlog_text=_backlog_text(),
    )


def _backlog_text() -> str:
    backlog = backlog_estimate()
    return backlog_text(backlog) if backlog.waiting else ""
