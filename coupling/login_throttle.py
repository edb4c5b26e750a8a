"""Admin logins throttled per user name and per client address, counted in Django's cache.

After LOGIN_THROTTLE_USER_FAILURES failures for one user name, or LOGIN_THROTTLE_ADDRESS_FAILURES
from one address, within LOGIN_THROTTLE_WINDOW_SECONDS (counted from the first failure), further
attempts are refused with a message, without checking the password. A successful login clears
the user name's count. The counters use the cache's atomic add/incr: with several web processes
CACHE_URL must name a shared cache (Redis or Memcached) for the limits to hold across them.
"""

import hashlib
import logging
import math

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)
PREFIX = "login-throttle"


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the proxy's last X-Forwarded-For entry when trusted."""
    if request is None:
        return ""
    if settings.LOGIN_THROTTLE_TRUST_X_FORWARDED_FOR:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    """(cache key, limit) per counter; user names are hashed (any characters, any length, case folded)."""
    keys = []
    if username:
        digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        keys.append((f"{PREFIX}:user:{digest}", settings.LOGIN_THROTTLE_USER_FAILURES))
    if address:
        keys.append((f"{PREFIX}:address:{address}", settings.LOGIN_THROTTLE_ADDRESS_FAILURES))
    return keys


def is_blocked(username: str, address: str) -> bool:
    keys = _keys(username, address)
    counts = cache.get_many([key for key, _ in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def record_failure(username: str, address: str) -> None:
    for key, _ in _keys(username, address):
        cache.add(key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)  # the window starts here
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: start again
            cache.add(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def record_success(username: str) -> None:
    cache.delete_many([key for key, _ in _keys(username, "")])


def refusal() -> str:
    minutes = max(1, math.ceil(settings.LOGIN_THROTTLE_WINDOW_SECONDS / 60))
    return ngettext(
        "Too many failed login attempts for this user or from this address. Try again in %(minutes)d minute.",
        "Too many failed login attempts for this user or from this address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form, refusing without a password check while the user or address is blocked."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if is_blocked(username, address):
            logger.warning(
                "Admin login refused without checking the password: too many failures (address %s).", address
            )
            raise ValidationError(refusal(), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(username, address)
            raise
        if self.get_user() is not None:  # authenticated (a form without a password checks nothing)
            record_success(username)
        return cleaned
