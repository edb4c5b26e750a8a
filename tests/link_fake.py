"""Stand-ins for coupling.exact.health's link state, for tests that need no Exact connection."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from tests.factories import ADMINISTRATION


@dataclass
class FakeBlock:
    endpoint: str
    error_count: int
    blocked_until: datetime


@dataclass
class FakeLink:
    """The shape of coupling.exact.health.LinkHealth."""

    status: str = "connected"
    administration: str = ADMINISTRATION
    access_token_expires_at: datetime | None = None
    refresh_token_expires_at: datetime | None = field(
        default_factory=lambda: timezone.now() + timedelta(days=29)
    )
    last_error: str = ""
    minutely_limit: int | None = 60
    minutely_remaining: int | None = 60
    minutely_reset_at: datetime | None = None
    daily_limit: int | None = 5000
    daily_remaining: int | None = 4000
    daily_reset_at: datetime | None = None
    blocked_endpoints: list = field(default_factory=list)
