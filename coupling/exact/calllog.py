"""The log of calls to Exact that the admin shows; pruned as it grows."""

from datetime import datetime, timedelta

from django.conf import settings

from coupling import clock
from coupling.models import ExactApiCall

# Prune on every this-many inserts: cheap, and the log never grows for long unpruned.
PRUNE_EVERY = 200


def api_call_record(
    *,
    at: datetime,
    division: int | None,
    method: str,
    endpoint: str,
    path: str,
    status: int | None,
    duration_ms: int,
    error: str = "",
) -> ExactApiCall:
    """Write one call to the log (`path` without query string: it never holds a secret)."""
    call = ExactApiCall.objects.create(
        at=at,
        division=division,
        method=method,
        endpoint=endpoint[:100],
        path=path[:500],
        status=status,
        duration_ms=duration_ms,
        error=error[:300],
    )
    if call.pk % PRUNE_EVERY == 0:
        api_call_log_prune()
    return call


def api_call_log_prune(*, now: datetime | None = None) -> int:
    """Delete log rows older than EXACT_API_LOG_DAYS; return how many."""
    cutoff = (now or clock.now()) - timedelta(days=settings.EXACT_API_LOG_DAYS)
    deleted, _ = ExactApiCall.objects.filter(at__lt=cutoff).delete()
    return deleted
