"""Fault injection for the simulated Exact: the plan in SANDBOX_FAULTS (setting, or environment per request).

Keys (all optional; an empty dict means no faults):
- "seed": int, makes the sequence of faults deterministic per server process (default 1);
- "unavailable_rate": fraction of API requests answered 503 with an empty body before anything runs;
- "server_error_rate": fraction answered 500 with an empty body (a crash: nothing is done);
- "timeout_rate": fraction that time out before anything runs (see sandbox/faults.py for how);
- "lost_response_rate": fraction of POSTs that are committed and whose answer is then lost;
- "burst_429": {"every": N, "length": L}: L requests in every N answered 429: the minute window is
  spent until it ends (shorten SANDBOX_EXACT_MINUTE_WINDOW_SECONDS to make that seconds);
- "latency_ms": every API answer waits this long;
- "token_expiry_at": at this request number every access token issued so far expires;
- "not_json_your_refs": sales-entry POSTs with these YourRefs are answered once with an HTML page
  (status 500, nothing booked) instead of JSON;
- "hang_seconds": over a real socket, how long a timeout or lost answer is held (default 2).
"""

import json
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse

from sandbox import clock
from sandbox.faults import FaultPlan, delay, in_burst, lost

_plan = FaultPlan("SANDBOX_FAULTS")
DB = "sandbox"
ENTRIES = "salesentry/SalesEntries"
# ASSUMPTION: what Exact shows when its web tier fails (an IIS/ASP.NET error page), not documented.
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Runtime Error</title></head><body>"
    "<h1>Server Error in '/' Application.</h1><p>Runtime Error</p></body></html>"
)


def reset() -> None:
    """Restart the deterministic sequence (a changed SANDBOX_FAULTS restarts it too)."""
    _plan.reset()


def before(request, *, resource: str) -> HttpResponse | None:
    """The faults that strike before the request is handled: an answer instead of Exact's, or None."""
    plan = _plan.config()
    if not plan:
        return None
    number = _plan.tick()
    delay(plan)
    if plan.get("token_expiry_at") and number == int(plan["token_expiry_at"]):
        _expire_tokens()
    if _plan.roll(plan, "unavailable_rate"):
        return HttpResponse(status=503)
    if _plan.roll(plan, "server_error_rate"):
        return HttpResponse(status=500)
    if _plan.roll(plan, "timeout_rate"):
        return lost(request, HttpResponse(status=504), plan, "timeout")
    if in_burst(plan, number):
        return _too_many()
    if request.method == "POST" and resource == ENTRIES and _not_json(request, plan):
        return HttpResponse(HTML_PAGE, status=500, content_type="text/html; charset=utf-8")
    return None


def after(request, response: HttpResponse) -> HttpResponse:
    """A committed POST whose answer is lost on the way back."""
    plan = _plan.config()
    if (
        plan
        and request.method == "POST"
        and response.status_code < 300
        and _plan.roll(plan, "lost_response_rate")
    ):
        return lost(request, response, plan, "lost-response")
    return response


def lose_response(method: str) -> bool:
    """Whether this (committed) POST's answer is lost (kept for callers of the first version)."""
    return method == "POST" and _plan.roll(_plan.config(), "lost_response_rate")


def _too_many() -> HttpResponse:
    # As Exact: the minute window is spent until it ends (SANDBOX_EXACT_MINUTE_WINDOW_SECONDS, which
    # tests shorten so a burst costs them seconds, not a minute).
    window = settings.SANDBOX_EXACT_MINUTE_WINDOW_SECONDS
    epoch = int(clock.now().timestamp())
    response = HttpResponse("Too Many Requests", status=429, content_type="text/plain; charset=utf-8")
    response["X-RateLimit-Minutely-Limit"] = str(settings.SANDBOX_EXACT_MINUTELY_LIMIT)
    response["X-RateLimit-Minutely-Remaining"] = "0"
    response["X-RateLimit-Minutely-Reset"] = str((epoch - epoch % window + window) * 1000)
    return response


def _not_json(request, plan: dict) -> bool:
    refs = plan.get("not_json_your_refs") or []
    if not refs:
        return False
    try:
        your_ref = str(json.loads(request.body or b"{}").get("YourRef") or "")
    except (ValueError, AttributeError):
        return False
    return your_ref in refs and _plan.once(f"not-json:{your_ref}")


def _expire_tokens() -> None:
    from sandbox.models import ExactToken

    now = clock.now()
    ExactToken.objects.using(DB).filter(access_expires_at__gt=now).update(
        access_expires_at=now - timedelta(seconds=1)
    )
