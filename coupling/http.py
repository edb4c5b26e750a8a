"""The one place outbound HTTP sessions are made, so tests can route them to the sandbox in-process."""

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Adapters mounted on every new session, by URL prefix. Tests put the in-process sandbox here.
TRANSPORT_ADAPTERS: dict[str, requests.adapters.BaseAdapter] = {}


def new_session() -> requests.Session:
    """A requests session for calls to Exact or Coachview (callers always pass a timeout)."""
    session = requests.Session()
    for prefix, adapter in TRANSPORT_ADAPTERS.items():
        session.mount(prefix, adapter)
    return session


PLAIN_HTTP_REFUSED = _(
    "Use an https:// address: the client secret and the tokens must not travel unencrypted. "
    "Plain http:// is accepted only in development (DEBUG) or for the sandbox."
)


def plain_http_allowed() -> bool:
    """http:// hosts for Exact or Coachview only in development or for the sandbox (served over http://).

    With DEBUG off the sandbox is refused by check coupling.E004, so production always needs https://.
    """
    return bool(settings.DEBUG or settings.SANDBOX)


def is_plain_http(url: str | None) -> bool:
    return (url or "").strip().lower().startswith("http://")


def validate_https(url: str) -> None:
    """Form validator for a custom Exact or Coachview host: refuses http:// outside development."""
    if is_plain_http(url) and not plain_http_allowed():
        raise ValidationError(PLAIN_HTTP_REFUSED, code="plain_http")
