"""The sandbox's clock, separate from the product's so the simulation never imports product code."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def now() -> datetime:
    """The current time inside the simulated systems (aware, UTC)."""
    return timezone.now() + timedelta(seconds=settings.CLOCK_OFFSET_SECONDS)
