"""One call to Exact over HTTP, logged: the API client and the OAuth token calls both send through here.

Every request is written to the call log (`ExactApiCall`, path without query string) with its status
and duration, or with the transport error; a transport failure becomes a transient `ExactError`.
"""

import time
from urllib.parse import urlsplit

import requests
from django.conf import settings

from coupling import clock
from coupling.exact.calllog import api_call_record
from coupling.exact.errors import ExactError


def api_headers(access_token: str) -> dict:
    """The headers of a REST call with this access token."""
    headers = {
        "Authorization": f"Bearer {access_token}",
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Prefer": "return=representation",
    }
    if settings.EXACT_ACCEPT_LANGUAGE:
        headers["Accept-Language"] = settings.EXACT_ACCEPT_LANGUAGE
    return headers


def unwrapped(body):
    """The entity or list inside Exact's {"d": ...} wrapper, and the next page's URL if any."""
    data = body.get("d", body) if isinstance(body, dict) else body
    if isinstance(data, dict) and "results" in data:
        return data["results"], data.get("__next")
    return data, None


def request_logged(
    session: requests.Session, method: str, url: str, *, division, endpoint: str, write: bool, **kwargs
) -> requests.Response:
    """Send one request and log it; a transport failure becomes a transient ExactError."""
    at, started = clock.now(), time.monotonic()

    def logged(status: int | None, error: str = "") -> None:
        api_call_record(
            at=at,
            division=division,
            method=method,
            endpoint=endpoint,
            path=urlsplit(url).path,
            status=status,
            duration_ms=int((time.monotonic() - started) * 1000),
            error=error,
        )

    try:
        response = session.request(method, url, **kwargs)
    except requests.RequestException as exc:
        logged(None, type(exc).__name__)
        # A connect timeout means nothing was sent; any later failure may have hit a write Exact did.
        unknown = write and not isinstance(exc, requests.ConnectTimeout)
        raise ExactError(
            f"No answer from Exact ({type(exc).__name__}).",
            permanent=False,
            outcome_unknown=unknown,
            endpoint=endpoint,
        ) from exc
    logged(response.status_code)
    return response
