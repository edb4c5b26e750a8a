"""The link's health in one object: for the admin's pages and the `connection_status` command."""

from dataclasses import dataclass, field
from datetime import datetime

from coupling import clock
from coupling.models import ExactBudget, ExactConnection, ExactEndpointBlock


@dataclass(frozen=True)
class BlockedEndpoint:
    endpoint: str
    error_count: int
    blocked_until: datetime


@dataclass(frozen=True)
class LinkHealth:
    status: str  # ExactConnection.Status value; "not_connected" when no row exists
    administration: str
    access_token_expires_at: datetime | None
    refresh_token_expires_at: datetime | None
    last_error: str
    minutely_limit: int | None
    minutely_remaining: int | None
    minutely_reset_at: datetime | None
    daily_limit: int | None
    daily_remaining: int | None
    daily_reset_at: datetime | None
    blocked_endpoints: list[BlockedEndpoint] = field(default_factory=list)

    @property
    def connected(self) -> bool:
        return self.status == ExactConnection.Status.CONNECTED


def exact_link_health() -> LinkHealth:
    """Status, token expiry, budget left with its reset times, and endpoints we stopped calling."""
    connection = ExactConnection.load()
    if connection is None:
        return LinkHealth(
            status=ExactConnection.Status.NOT_CONNECTED,
            administration="",
            access_token_expires_at=None,
            refresh_token_expires_at=None,
            last_error="",
            minutely_limit=None,
            minutely_remaining=None,
            minutely_reset_at=None,
            daily_limit=None,
            daily_remaining=None,
            daily_reset_at=None,
        )
    now = clock.now()
    budget = ExactBudget.objects.filter(division=connection.division).first() if connection.division else None
    minutely_remaining, daily_remaining = (budget.minutely_remaining, budget.daily_remaining) if budget else (None, None)
    # A window whose reset has passed is full again, whatever the row still says.
    if budget and budget.minutely_reset_at and budget.minutely_reset_at <= now:
        minutely_remaining = budget.minutely_limit
    if budget and budget.daily_reset_at and budget.daily_reset_at <= now:
        daily_remaining = budget.daily_limit
    blocks = ExactEndpointBlock.objects.filter(division=connection.division, blocked_until__gt=now).order_by("endpoint")
    return LinkHealth(
        status=connection.status,
        administration=connection.administration,
        access_token_expires_at=connection.access_token_expires_at,
        refresh_token_expires_at=connection.refresh_token_expires_at,
        last_error=connection.last_error,
        minutely_limit=budget.minutely_limit if budget else None,
        minutely_remaining=minutely_remaining,
        minutely_reset_at=budget.minutely_reset_at if budget else None,
        daily_limit=budget.daily_limit if budget else None,
        daily_remaining=daily_remaining,
        daily_reset_at=budget.daily_reset_at if budget else None,
        blocked_endpoints=[BlockedEndpoint(b.endpoint, b.error_count, b.blocked_until) for b in blocks],
    )

