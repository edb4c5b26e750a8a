"""Exact's rate limits (minutely and daily, per app and division) and the growing error block per endpoint.

Counters live in the sandbox database and are updated with conditional UPDATEs, so several server
processes share one budget without exceeding it. Windows are fixed (Exact's minutely reset is the
next whole minute, the daily one midnight UTC; picqer #646).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from sandbox import clock
from sandbox.exact.errors import ExactHttpError
from sandbox.models import ExactEndpointBlock, ExactErrorCounter, ExactRateCounter

DB = "sandbox"


@dataclass
class Window:
    limit: int
    remaining: int
    reset_ms: int


@dataclass
class Budget:
    minute: Window
    day: Window
    refused: str = ""  # "minute" or "day" when this call was refused

    def headers(self) -> dict[str, str]:
        minutely = {
            "X-RateLimit-Minutely-Limit": str(self.minute.limit),
            "X-RateLimit-Minutely-Remaining": str(self.minute.remaining),
            "X-RateLimit-Minutely-Reset": str(self.minute.reset_ms),
        }
        daily = {
            "X-RateLimit-Limit": str(self.day.limit),
            "X-RateLimit-Remaining": str(self.day.remaining),
            "X-RateLimit-Reset": str(self.day.reset_ms),
        }
        # Exact sends only the minutely headers on a minutely 429 (picqer README, picqer #646), and
        # ASSUMPTION: only the daily ones on a daily 429 (it carries X-RateLimit-Reset, fretje PR #8).
        if self.refused:
            return minutely if self.refused == "minute" else daily
        return {**daily, **minutely}


def _windows():
    return (
        ("minute", settings.SANDBOX_EXACT_MINUTELY_LIMIT, settings.SANDBOX_EXACT_MINUTE_WINDOW_SECONDS),
        ("day", settings.SANDBOX_EXACT_DAILY_LIMIT, settings.SANDBOX_EXACT_DAY_WINDOW_SECONDS),
    )


def _start(epoch: int, seconds: int) -> int:
    return epoch - epoch % seconds


def _counter(scope: str, kind: str, start: int) -> ExactRateCounter:
    try:
        with transaction.atomic(using=DB):
            return ExactRateCounter.objects.using(DB).get_or_create(scope=scope, kind=kind, window_start=start)[0]
    except IntegrityError:  # another process created it first
        return ExactRateCounter.objects.using(DB).get(scope=scope, kind=kind, window_start=start)


def consume(*, scope: str) -> Budget:
    """Count one call against both windows, or refuse it (Budget.refused) without counting it."""
    epoch = int(clock.now().timestamp())
    if not settings.SANDBOX_EXACT_RATE_LIMITS:
        return _budget(scope, epoch, counts={"minute": 0, "day": 0})
    counters = {kind: _counter(scope, kind, _start(epoch, seconds)) for kind, _, seconds in _windows()}
    refused = ""
    with transaction.atomic(using=DB):
        for kind, limit, _ in _windows():
            if not ExactRateCounter.objects.using(DB).filter(pk=counters[kind].pk, count__lt=limit).update(
                count=F("count") + 1
            ):
                refused = kind
                transaction.set_rollback(True, using=DB)  # a refused call counts in neither window
                break
    budget = _budget(scope, epoch)
    budget.refused = refused
    return budget


def peek(*, scope: str) -> Budget:
    """The budget as it stands, without counting a call."""
    epoch = int(clock.now().timestamp())
    if not settings.SANDBOX_EXACT_RATE_LIMITS:
        return _budget(scope, epoch, counts={"minute": 0, "day": 0})
    return _budget(scope, epoch)


def _budget(scope: str, epoch: int, counts: dict | None = None) -> Budget:
    windows = {}
    for kind, limit, seconds in _windows():
        start = _start(epoch, seconds)
        if counts is None:
            row = ExactRateCounter.objects.using(DB).filter(scope=scope, kind=kind, window_start=start).first()
            used = row.count if row else 0
        else:
            used = counts[kind]
        windows[kind] = Window(limit=limit, remaining=max(limit - used, 0), reset_ms=(start + seconds) * 1000)
    return Budget(minute=windows["minute"], day=windows["day"])


def too_many_requests() -> ExactHttpError:
    # ASSUMPTION: the body of Exact's 429 is not documented; clients saw none they could parse
    # (picqer #528 "Error 429: "), so the sandbox sends the status phrase as plain text, or nothing
    # at all with SANDBOX_EXACT_429_EMPTY_BODY.
    body = "" if settings.SANDBOX_EXACT_429_EMPTY_BODY else "Too Many Requests"
    return ExactHttpError(429, ["Too Many Requests"], body=body)


def blocked_until(*, scope: str, endpoint: str):
    """When the endpoint's error block ends, or None when it is not blocked."""
    block = ExactEndpointBlock.objects.using(DB).filter(
        scope=scope, endpoint=endpoint, blocked_until__gt=clock.now()
    ).first()
    return block.blocked_until if block else None


def blocked_answer(until) -> ExactHttpError:
    # ASSUMPTION: Exact's answer to a blocked endpoint is not documented (reference §9 q4); the
    # sandbox answers 429 with a JSON error naming the cause and the end of the block.
    return ExactHttpError(429, [
        f"API rate limit exceeded: more than {settings.SANDBOX_EXACT_ERROR_LIMIT} errors on this endpoint "
        f"within an hour. The endpoint is blocked until {until:%Y-%m-%dT%H:%M:%S}Z."
    ])


def record_status(*, scope: str, endpoint: str, status: int) -> None:
    """Count an error response; the one that exceeds the limit blocks the endpoint."""
    if status not in settings.SANDBOX_EXACT_ERROR_STATUSES:
        return
    now = clock.now()
    start = _start(int(now.timestamp()), settings.SANDBOX_EXACT_ERROR_WINDOW_SECONDS)
    try:
        with transaction.atomic(using=DB):
            ExactErrorCounter.objects.using(DB).get_or_create(scope=scope, endpoint=endpoint, window_start=start)
    except IntegrityError:
        pass
    with transaction.atomic(using=DB):
        counter = ExactErrorCounter.objects.using(DB).filter(scope=scope, endpoint=endpoint, window_start=start)
        counter.update(count=F("count") + 1)
        if counter.get().count > settings.SANDBOX_EXACT_ERROR_LIMIT:
            _block(scope=scope, endpoint=endpoint, now=now)


def _block(*, scope: str, endpoint: str, now) -> None:
    """Block the endpoint; a block that follows the previous one within an error window lasts twice as long.

    Exact: the endpoint is blocked for an hour "and the block grows if you continue" (reference §0.3, §2.1).
    ASSUMPTION: doubling per repeat, at most SANDBOX_EXACT_ERROR_BLOCK_MAX_SECONDS; a quiet window resets it.
    """
    blocks = ExactEndpointBlock.objects.using(DB).select_for_update()
    previous = blocks.filter(scope=scope, endpoint=endpoint).first()
    window = timedelta(seconds=settings.SANDBOX_EXACT_ERROR_WINDOW_SECONDS)
    strikes = previous.strikes + 1 if previous and previous.blocked_until + window > now else 1
    seconds = min(settings.SANDBOX_EXACT_ERROR_BLOCK_SECONDS * 2 ** (strikes - 1),
                  max(settings.SANDBOX_EXACT_ERROR_BLOCK_MAX_SECONDS, settings.SANDBOX_EXACT_ERROR_BLOCK_SECONDS))
    if previous and previous.blocked_until > now:
        return  # already blocked (a late error of a call that passed the gate before the block)
    ExactEndpointBlock.objects.using(DB).update_or_create(
        scope=scope, endpoint=endpoint,
        defaults={"blocked_until": now + timedelta(seconds=seconds), "strikes": strikes},
    )
