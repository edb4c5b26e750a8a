"""The simulated Coachview's gate: the token endpoint, token and scope checks, and the daily limit.

The limit's headers are those of AspNetCoreRateLimit, the ASP.NET library that uses these names
(coachview-api.md): `X-Rate-Limit-Limit` is the period ("1d"), `X-Rate-Limit-Remaining` a number,
`X-Rate-Limit-Reset` the end of the window in ISO-8601 (UTC, seven fraction digits); a refused call
answers 429 with only `Retry-After` (seconds) and a text body. SANDBOX_COACHVIEW_RATE_HEADERS=numeric
sends numbers and a Unix reset time instead, also on the 429.
"""

import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.http import HttpResponse, JsonResponse

from sandbox import clock
from sandbox.models import CoachviewRateWindow, CoachviewToken


def problem(status: int, message: str, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"status": status, "title": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def token_issue(form) -> JsonResponse:
    """OAuth2 client credentials: no scope asked = every scope ticked for the client."""
    if form.get("grant_type") != "client_credentials":
        return JsonResponse({"error": "unsupported_grant_type"}, status=400)
    if form.get("client_id") != settings.SANDBOX_COACHVIEW_CLIENT_ID or not secrets.compare_digest(
        form.get("client_secret", ""), settings.SANDBOX_COACHVIEW_CLIENT_SECRET
    ):
        return JsonResponse({"error": "invalid_client"}, status=400)
    allowed = set(settings.SANDBOX_COACHVIEW_SCOPES.split())
    requested = set(form.get("scope", "").split()) or allowed
    unknown = sorted(requested - allowed)
    if unknown:
        return JsonResponse(
            {"error": "invalid_scope", "error_description": f"Invalid scope: {' '.join(unknown)}"}, status=400
        )
    lifetime = settings.SANDBOX_COACHVIEW_TOKEN_LIFETIME
    row = CoachviewToken.objects.create(
        token=secrets.token_hex(24),
        scopes=" ".join(sorted(requested)),
        expires_at=clock.now() + timedelta(seconds=lifetime),
    )
    return JsonResponse({"access_token": row.token, "expires_in": lifetime, "token_type": "Bearer"})


def token_check(request, scope: str) -> HttpResponse | None:
    """401 without a valid token; 403 when the token lacks `api` or the resource's scope.

    A resource scope the client is not ticked for at all (a recorded tenant's other resources) only needs `api`.
    """
    auth = request.headers.get("Authorization", "")
    row = CoachviewToken.objects.filter(token=auth.removeprefix("Bearer ").strip()).first() if auth else None
    if row is None or row.expires_at <= clock.now():
        return problem(401, "Unauthorized")
    granted = set(row.scopes.split())
    needed = {"api"} | ({scope} if scope in settings.SANDBOX_COACHVIEW_SCOPES.split() else set())
    if not needed <= granted:
        return problem(403, f"Forbidden: scope {scope} required")
    return None


def period(seconds: int) -> str:
    """A window as AspNetCoreRateLimit writes a rule's period: 1d, 12h, 15m or 30s."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def iso_reset(moment: datetime) -> str:
    """.NET's DateTime.ToString("o") of a UTC time: seven fraction digits and Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0Z"


def quota_exceeded(reset_at: datetime, *, limit: int, window_seconds: int) -> HttpResponse:
    """The 429 of the configured header style."""
    seconds = max(int((reset_at - clock.now()).total_seconds() + 0.999), 0)
    if settings.SANDBOX_COACHVIEW_RATE_HEADERS == "numeric":
        return problem(429, "API limit reached", _numeric(limit, 0, reset_at))
    text = f"API calls quota exceeded! maximum admitted {limit} per {period(window_seconds)}."
    response = HttpResponse(text, status=429, content_type="text/plain")
    response["Retry-After"] = str(seconds)
    return response


def _numeric(limit: int, remaining: int, reset_at: datetime) -> dict:
    return {
        "X-Rate-Limit-Limit": str(limit),
        "X-Rate-Limit-Remaining": str(remaining),
        "X-Rate-Limit-Reset": str(int(reset_at.timestamp())),
    }


def spend() -> tuple[HttpResponse | None, dict]:
    """Count one call against the daily limit: (a 429 or None, the headers for the answer)."""
    now = clock.now()
    window_seconds = settings.SANDBOX_COACHVIEW_RATE_WINDOW_SECONDS
    window = timedelta(seconds=window_seconds)
    limit = settings.SANDBOX_COACHVIEW_RATE_LIMIT
    row = CoachviewRateWindow.objects.order_by("id").first()
    if row is None or row.started_at + window <= now:
        CoachviewRateWindow.objects.all().delete()
        row = CoachviewRateWindow.objects.create(started_at=now, used=0)
    reset_at = row.started_at + window
    if row.used >= limit:
        return quota_exceeded(reset_at, limit=limit, window_seconds=window_seconds), {}
    CoachviewRateWindow.objects.filter(pk=row.pk).update(used=F("used") + 1)
    remaining = limit - row.used - 1
    if settings.SANDBOX_COACHVIEW_RATE_HEADERS == "numeric":
        return None, _numeric(limit, remaining, reset_at)
    return None, {
        "X-Rate-Limit-Limit": period(window_seconds),
        "X-Rate-Limit-Remaining": str(remaining),
        "X-Rate-Limit-Reset": iso_reset(reset_at),
    }


def with_headers(response: HttpResponse, headers: dict) -> HttpResponse:
    for name, value in headers.items():
        response[name] = value
    return response
