"""Fault injection for the simulated Coachview: the plan in SANDBOX_COACHVIEW_FAULTS (setting, or environment).

Keys (all optional; an empty dict means no faults):
- "seed": int, deterministic sequence per server process (default 1);
- "unavailable_rate" / "server_error_rate": fraction of API requests answered 503 / 500 before anything runs;
- "timeout_rate": fraction that time out before anything runs (see sandbox/faults.py for how);
- "lost_response_rate": fraction of status PUTs that are stored and whose answer is then lost;
- "status_put_failure_rate": fraction of status PUTs answered 500 without storing anything;
- "malformed_json_rate": fraction of list answers (Facturen, Debiteuren) cut off halfway: not valid JSON;
- "pdf_missing_ids": the PDF of these invoices (Coachview ids) is answered 404, as for an invoice without one;
- "burst_429": {"every": N, "length": L}: L requests in every N answered 429, retry after one second;
- "latency_ms": every API answer waits this long;
- "token_expiry_at": at this request number every access token issued so far expires;
- "hang_seconds": over a real socket, how long a timeout or lost answer is held (default 2).
"""

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from sandbox import clock
from sandbox.coachview.limits import quota_exceeded
from sandbox.faults import FaultPlan, delay, in_burst, lost

_plan = FaultPlan("SANDBOX_COACHVIEW_FAULTS")


def reset() -> None:
    """Restart the deterministic sequence."""
    _plan.reset()


def _problem(status: int, title: str) -> JsonResponse:
    return JsonResponse({"status": status, "title": title}, status=status)


def before(request) -> HttpResponse | None:
    """The faults that strike before an API request is handled: an answer instead of Coachview's, or None."""
    plan = _plan.config()
    if not plan:
        return None
    number = _plan.tick()
    delay(plan)
    if plan.get("token_expiry_at") and number == int(plan["token_expiry_at"]):
        _expire_tokens()
    if _plan.roll(plan, "unavailable_rate"):
        return _problem(503, "Service unavailable")
    if _plan.roll(plan, "server_error_rate"):
        return _problem(500, "Internal server error")
    if _plan.roll(plan, "timeout_rate"):
        return lost(request, _problem(504, "Gateway timeout"), plan, "timeout")
    if in_burst(plan, number):
        return quota_exceeded(
            clock.now() + timedelta(seconds=1),
            limit=settings.SANDBOX_COACHVIEW_RATE_LIMIT,
            window_seconds=settings.SANDBOX_COACHVIEW_RATE_WINDOW_SECONDS,
        )
    if request.method == "PUT" and _plan.roll(plan, "status_put_failure_rate"):
        return _problem(500, "Internal server error")
    return None


def pdf_missing(invoice_id: str) -> bool:
    """Whether this invoice's PDF is to be missing."""
    plan = _plan.config()
    return bool(plan) and str(invoice_id) in [str(i) for i in plan.get("pdf_missing_ids") or []]


def after_list(response: HttpResponse) -> HttpResponse:
    """A list answer cut off halfway (a proxy dropped the rest): status 200, body not valid JSON."""
    plan = _plan.config()
    if plan and response.status_code == 200 and _plan.roll(plan, "malformed_json_rate"):
        content = response.content
        response.content = content[: max(len(content) // 2, 1)]
    return response


def after_put(request, response: HttpResponse) -> HttpResponse:
    """A status PUT that was stored but whose answer is lost."""
    plan = _plan.config()
    if plan and response.status_code < 300 and _plan.roll(plan, "lost_response_rate"):
        return lost(request, response, plan, "lost-response")
    return response


def _expire_tokens() -> None:
    from sandbox.models import CoachviewToken

    now = clock.now()
    CoachviewToken.objects.filter(expires_at__gt=now).update(expires_at=now - timedelta(seconds=1))
