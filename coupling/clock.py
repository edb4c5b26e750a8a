"""The product's clock. Time is injectable (settings.CLOCK_OFFSET_SECONDS) so tests need not wait."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def now() -> datetime:
    """The current time as the product sees it (aware, UTC)."""
    return timezone.now() + timedelta(seconds=settings.CLOCK_OFFSET_SECONDS)
