"""When will the invoices waiting for export be booked? (`connection_status --json`'s `backlog`).

At Exact's limits as measured from the budget actually left today (the last rate headers Exact sent),
and Coachview's (the PDF and the booking write-back per invoice); the tighter of the two decides. Calls
per invoice come from the recent export runs (what this administration really costs), else the
benchmark's figure.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coupling import clock
from coupling.models import CoachviewConnection, CoachviewProfile, ExactBudget, ExactConnection
from mappings.models import CouplingOptions
from sync.models import ExportRun, ExportState, InvoiceExport
from sync.services.administration import current_administration, current_source

WAITING = [ExportState.NEW, ExportState.READY, ExportState.UNKNOWN, ExportState.EXPORTING]
# Exact calls per booked invoice when no run has been measured yet: the benchmark's ratio × lower bound
# (docs/performance.md: 3.52 calls per invoice at 1.017 × the lower bound).
DEFAULT_EXACT_PER_INVOICE = Decimal("3.52")
RECENT_RUNS = 20


@dataclass(frozen=True)
class Backlog:
    waiting: int
    done_at: datetime | None  # None: nothing waits
    exact_calls: int
    coachview_calls: int
    limited_by: str  # "exact" or "coachview"


def backlog_estimate(*, now: datetime | None = None) -> Backlog:
    now = now or clock.now()
    administration = current_administration()
    if not administration:
        return Backlog(0, None, 0, 0, "exact")
    waiting = (
        InvoiceExport.objects.filter(administration=administration, state__in=WAITING)
        .filter(invoice__coachview_source=current_source())
        .count()
    )
    if not waiting:
        return Backlog(0, None, 0, 0, "exact")
    exact_calls = math.ceil(waiting * exact_per_invoice(administration))
    coachview_calls = waiting * coachview_per_invoice(administration)
    exact_done = _done_at(exact_calls, now=now, **_exact_budget())
    coachview_done = _done_at(coachview_calls, now=now, **_coachview_budget())
    limited_by = "coachview" if coachview_done > exact_done else "exact"
    return Backlog(waiting, max(exact_done, coachview_done), exact_calls, coachview_calls, limited_by)


def exact_per_invoice(administration: str) -> Decimal:
    """Exact calls per booked invoice over the recent runs that booked something."""
    runs = ExportRun.objects.filter(administration=administration, dry_run=False, exported__gt=0).order_by("-id")
    totals = (
        ExportRun.objects.filter(pk__in=list(runs.values_list("pk", flat=True)[:RECENT_RUNS]))
        .aggregate(calls=Sum("calls_used"), booked=Sum("exported"))
    )
    if not totals["booked"]:
        return DEFAULT_EXACT_PER_INVOICE
    return Decimal(totals["calls"] or 0) / Decimal(totals["booked"])


def coachview_per_invoice(administration: str) -> int:
    """The PDF (when attached) and the booking status (when written back): Coachview calls per invoice."""
    options = CouplingOptions.for_administration(administration)
    profile = CoachviewProfile.load()
    pdf = 1 if (options is None or options.attach_pdf) and profile.view["pdf_path"] else 0
    return pdf + (1 if profile.writeback_endpoint("writeback_booked") else 0)


def _exact_budget() -> dict:
    connection = ExactConnection.load()
    budget = ExactBudget.objects.filter(division=connection.division).first() if connection else None
    daily = budget.daily_limit if budget and budget.daily_limit else settings.EXACT_DAILY_LIMIT
    left = budget.daily_remaining if budget and budget.daily_reset_at and budget.daily_reset_at > clock.now() else daily
    per_minute = budget.minutely_limit if budget and budget.minutely_limit else settings.EXACT_MINUTELY_LIMIT
    reset = budget.daily_reset_at if budget and budget.daily_reset_at else None
    return {"left": max(left - settings.EXACT_DAILY_RESERVE, 0), "per_day": daily, "per_minute": per_minute, "reset": reset}


def _coachview_budget() -> dict:
    connection = CoachviewConnection.objects.first()
    daily = (connection.rate_limit_limit if connection else None) or settings.COACHVIEW_DAILY_LIMIT
    reset = connection.rate_limit_reset if connection else None
    left = connection.rate_limit_remaining if connection and reset and reset > clock.now() else daily
    # Coachview documents no minute window: its calls follow Exact's pace.
    return {"left": max(left or 0, 0), "per_day": daily, "per_minute": settings.EXACT_MINUTELY_LIMIT, "reset": reset}


def _done_at(calls: int, *, now: datetime, left: int, per_day: int, per_minute: int, reset: datetime | None) -> datetime:
    """When `calls` are spent: today's budget first, then whole days from the next reset."""
    per_minute = max(per_minute, 1)
    if calls <= left:
        return now + timedelta(minutes=calls / per_minute)
    rest = calls - left
    per_day = max(per_day, 1)
    days = math.ceil(rest / per_day)
    next_reset = reset if reset and reset > now else now + timedelta(days=1)
    last_day = rest - (days - 1) * per_day
    return next_reset + timedelta(days=days - 1, minutes=last_day / per_minute)


def backlog_text(backlog: Backlog) -> str:
    """"3.240 invoices waiting — done on Friday 4 December around 14:00" in the reader's language."""
    if not backlog.waiting or backlog.done_at is None:
        return _("No invoices waiting for export.")
    at = timezone.localtime(backlog.done_at)
    waiting = ngettext("%(n)s invoice waiting for export", "%(n)s invoices waiting for export", backlog.waiting) % {
        "n": number_format(backlog.waiting, force_grouping=True)
    }
    return _("%(waiting)s — done on %(day)s around %(time)s") % {
        "waiting": waiting, "day": date_format(at, "l j F"), "time": at.strftime("%H:%M")
    }
