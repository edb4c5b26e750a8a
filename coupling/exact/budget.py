"""Exact's call budget and error block, shared by every worker through conditional UPDATEs.

Exact allows 60 calls a minute and 5,000 a day per app and division, and blocks an endpoint for
an hour after more than 10 error responses in an hour (reference §2). Each call takes one slot
from the shared row *before* it is made; every response (errors too) corrects the row from its
X-RateLimit-* headers. Each statement commits on its own: no transaction spans a call.
"""

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Least

from coupling import clock
from coupling.exact.errors import ExactBudgetExhausted, ExactEndpointBlocked
from coupling.models import ExactApiCall, ExactBudget, ExactEndpointBlock

Sleeper = Callable[[float], None]

# A waiting caller re-checks the row at most this often before giving up (guards against a
# sleeper that does not move the clock).
MAX_WAITS = 5


def real_sleep(seconds: float) -> None:
    """The default sleeper; tests inject one that moves the clock instead."""
    time.sleep(seconds)


def _budget_row(*, division: int) -> ExactBudget:
    row = ExactBudget.objects.filter(division=division).first()
    if row is not None:
        return row
    row, _ = ExactBudget.objects.get_or_create(
        division=division,
        defaults={
            "minutely_limit": settings.EXACT_MINUTELY_LIMIT,
            "minutely_remaining": settings.EXACT_MINUTELY_LIMIT,
            "daily_limit": settings.EXACT_DAILY_LIMIT,
            "daily_remaining": settings.EXACT_DAILY_LIMIT,
        },
    )
    return row


def _next_midnight_utc(now: datetime) -> datetime:
    # ASSUMPTION: the daily window resets at 00:00 UTC (reference §2.1, inferred from picqer #646 logs).
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


def _window_end(now: datetime, seconds: float) -> datetime:
    # ASSUMPTION: Exact's minute windows are fixed and aligned (the reset is the next whole minute,
    # reference §2.1 [I]); an estimate only, until a response's headers tell.
    epoch = now.timestamp()
    return datetime.fromtimestamp(epoch - epoch % seconds + seconds, tz=UTC)


def _roll_windows(row: ExactBudget, now: datetime) -> bool:
    """Start a new window whose reset time has passed (our estimate until headers say better)."""
    rolled = False
    slack = timedelta(seconds=settings.EXACT_RESET_SLACK_SECONDS)
    if row.minutely_reset_at is None or row.minutely_reset_at + slack <= now:
        window = timedelta(seconds=settings.EXACT_MINUTE_WINDOW_SECONDS)
        rolled |= bool(
            ExactBudget.objects.filter(pk=row.pk, minutely_reset_at=row.minutely_reset_at).update(
                minutely_remaining=F("minutely_limit"), minutely_reset_at=_window_end(now, window.total_seconds())
            )
        )
    if row.daily_reset_at is None or row.daily_reset_at + slack <= now:
        rolled |= bool(
            ExactBudget.objects.filter(pk=row.pk, daily_reset_at=row.daily_reset_at).update(
                daily_remaining=F("daily_limit"), daily_reset_at=_next_midnight_utc(now)
            )
        )
    return rolled


def budget_acquire(
    *, division: int, endpoint: str, deadline: datetime | None = None, sleeper: Sleeper = real_sleep
) -> None:
    """Take one call from the shared budget, waiting for the minute's reset when it fits `deadline`."""
    endpoint_check(division=division, endpoint=endpoint, now=clock.now())
    for _ in range(MAX_WAITS + 1):
        now = clock.now()
        if deadline is not None and now >= deadline:
            raise ExactBudgetExhausted(
                "The caller's time is up.", retry_at=now, scope="deadline", endpoint=endpoint
            )
        row = _budget_row(division=division)
        if _roll_windows(row, now):
            row.refresh_from_db()
        taken = ExactBudget.objects.filter(
            pk=row.pk,
            minutely_remaining__gt=settings.EXACT_MINUTELY_RESERVE,
            daily_remaining__gt=settings.EXACT_DAILY_RESERVE,
        ).update(minutely_remaining=F("minutely_remaining") - 1, daily_remaining=F("daily_remaining") - 1)
        if taken:
            return
        row.refresh_from_db()
        slack = timedelta(seconds=settings.EXACT_RESET_SLACK_SECONDS)
        if row.daily_remaining <= settings.EXACT_DAILY_RESERVE:
            raise ExactBudgetExhausted(
                f"Exact's daily call budget is spent; work resumes after {row.daily_reset_at:%Y-%m-%d %H:%M} UTC.",
                retry_at=row.daily_reset_at + slack,
                scope="daily",
                endpoint=endpoint,
            )
        resume_at = row.minutely_reset_at + slack
        if deadline is not None and resume_at >= deadline:
            raise ExactBudgetExhausted(
                "Exact's minute budget is spent and its reset comes after the caller's deadline.",
                retry_at=resume_at,
                scope="minutely",
                endpoint=endpoint,
            )
        sleeper(max((resume_at - now).total_seconds(), 0.0))
    raise ExactBudgetExhausted(
        "Still no call left after waiting for the minute's reset.",
        retry_at=clock.now() + timedelta(seconds=settings.EXACT_MINUTE_WINDOW_SECONDS),
        scope="minutely",
        endpoint=endpoint,
    )


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(headers[name])
    except (KeyError, TypeError, ValueError):
        return None


def _header_time(headers: Mapping[str, str], name: str) -> datetime | None:
    value = _header_int(headers, name)  # epoch milliseconds, UTC (reference §2.2)
    return datetime.fromtimestamp(value / 1000, tz=UTC) if value is not None else None


def _apply_window(
    *, pk: int, prefix: str, limit: int | None, remaining: int | None, reset: datetime | None, half: timedelta
) -> None:
    # A reset already passed is a slow answer from the previous window: it says nothing about this one.
    if remaining is None or reset is None or reset <= clock.now():
        return
    limit_field, remaining_field, reset_field = f"{prefix}_limit", f"{prefix}_remaining", f"{prefix}_reset_at"
    values = {reset_field: reset}
    if limit is not None:
        values[limit_field] = limit
    # A later window than the stored one: Exact's count replaces ours.
    newer = Q(**{f"{reset_field}__isnull": True}) | Q(**{f"{reset_field}__lte": reset - half})
    if ExactBudget.objects.filter(newer, pk=pk).update(**values, **{remaining_field: remaining}):
        return
    # The window we are in (Exact's reset time replaces our estimate): keep the lower count, since
    # other workers' calls may be in flight that Exact has not counted yet.
    ExactBudget.objects.filter(pk=pk).update(**values, **{remaining_field: Least(F(remaining_field), remaining)})


def budget_record_headers(*, division: int, headers: Mapping[str, str]) -> None:
    """Correct the shared budget from a response's X-RateLimit-* headers (present on errors too)."""
    row = _budget_row(division=division)
    _apply_window(
        pk=row.pk,
        prefix="minutely",
        limit=_header_int(headers, "X-RateLimit-Minutely-Limit"),
        remaining=_header_int(headers, "X-RateLimit-Minutely-Remaining"),
        reset=_header_time(headers, "X-RateLimit-Minutely-Reset"),
        half=timedelta(seconds=settings.EXACT_MINUTE_WINDOW_SECONDS / 2),
    )
    _apply_window(
        pk=row.pk,
        prefix="daily",
        limit=_header_int(headers, "X-RateLimit-Limit"),
        remaining=_header_int(headers, "X-RateLimit-Remaining"),
        reset=_header_time(headers, "X-RateLimit-Reset"),
        half=timedelta(hours=12),
    )
    ExactBudget.objects.filter(pk=row.pk).update(updated_at=clock.now())


def budget_record_429(*, division: int, headers: Mapping[str, str]) -> None:
    """After a 429: trust its headers, and without them treat the minute as spent, so nobody retries at once."""
    budget_record_headers(division=division, headers=headers)
    if _header_int(headers, "X-RateLimit-Remaining") == 0:
        return  # the day is spent; its reset came with the headers
    now = clock.now()
    row = _budget_row(division=division)
    reset = row.minutely_reset_at
    if reset is None or reset <= now:
        # ASSUMPTION: a 429 without headers is the minute window (picqer #255); wait a whole one.
        reset = now + timedelta(seconds=settings.EXACT_MINUTE_WINDOW_SECONDS)
    ExactBudget.objects.filter(pk=row.pk).update(minutely_remaining=0, minutely_reset_at=reset)


def endpoint_check(*, division: int, endpoint: str, now: datetime) -> None:
    """Raise ExactEndpointBlocked when this endpoint had too many errors in the last hour."""
    block = ExactEndpointBlock.objects.filter(division=division, endpoint=endpoint, blocked_until__gt=now).first()
    if block is not None:
        raise ExactEndpointBlocked(
            f"{endpoint} answered {block.error_count} errors within the hour; "
            f"it is not called again before {block.blocked_until:%H:%M} UTC so Exact does not block it.",
            until=block.blocked_until,
            endpoint=endpoint,
        )


def endpoint_record_error(*, division: int, endpoint: str, status: int) -> None:
    """Count an error response (already in the call log) and block the endpoint at our threshold."""
    if status not in settings.EXACT_ERROR_BLOCK_STATUSES:
        return
    now = clock.now()
    window = timedelta(seconds=settings.EXACT_ERROR_BLOCK_WINDOW_SECONDS)
    # ASSUMPTION: Exact's "per hour" may be a fixed or a sliding hour, and whether 500s count is
    # unknown (reference §9.4); we count a sliding hour of EXACT_ERROR_BLOCK_STATUSES, which is
    # never less strict than a fixed one.
    times = list(
        ExactApiCall.objects.filter(
            division=division,
            endpoint=endpoint,
            status__in=settings.EXACT_ERROR_BLOCK_STATUSES,
            at__gt=now - window,
        )
        .order_by("at")
        .values_list("at", flat=True)
    )
    threshold = settings.EXACT_ERROR_BLOCK_THRESHOLD
    # Blocked until enough of the counted errors have left the window to allow one more.
    blocked_until = times[len(times) - threshold] + window if len(times) >= threshold else None
    ExactEndpointBlock.objects.update_or_create(
        division=division,
        endpoint=endpoint,
        defaults={"error_count": len(times), "last_error_at": now, "blocked_until": blocked_until},
    )


def task_deadline(*, started_at: datetime | None = None, margin_seconds: float = 30.0) -> datetime:
    """When a django-q2 task must stop calling Exact: its timeout minus a margin to wrap up."""
    start = started_at or clock.now()
    return start + timedelta(seconds=settings.Q_CLUSTER["timeout"] - margin_seconds)
