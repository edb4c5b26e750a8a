"""A small Exact Online stand-in on `responses`, for precise edge cases (the sandbox does the rest).

It keeps Exact's rules that the client must respect: single-use refresh tokens, refresh only in
the token's last 30 s, fixed minute windows and a daily budget with X-RateLimit-* headers, 60-row
pages with `__next`, and the `{"d": ...}` wrapper. Time is `coupling.clock.now`, frozen by tests.
"""

import json
import re
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import responses

from coupling import clock

HOST = "https://exact.test"
DIVISION = 1234567


class FrozenClock:
    """A clock that only moves when told to (or when the client sleeps)."""

    def __init__(self, start: datetime):
        self.at = start

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept = getattr(self, "slept", 0.0) + seconds
        self.at += timedelta(seconds=seconds)

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def _ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


class FakeExact:
    def __init__(self, rsps: responses.RequestsMock, *, minutely_limit=60, daily_limit=5000, lifetime=600):
        self.rsps = rsps
        self.minutely_limit = minutely_limit
        self.daily_limit = daily_limit
        self.lifetime = lifetime
        self.access: dict[str, datetime] = {}
        self.refresh_valid: set[str] = set()
        self.refresh_used: set[str] = set()
        self.codes = {"good-code"}
        self.calls: list[tuple[str, str, int]] = []
        self.minute_counts: dict[datetime, int] = {}
        self.day_counts: dict[datetime, int] = {}
        self.rows: dict[str, list[dict]] = {}
        self.scripted: list[tuple[int, object, dict]] = []
        self.rate_limit_429 = 0
        self.max_in_minute = 0
        rsps.add_callback(responses.POST, f"{HOST}/api/oauth2/token", callback=self._token)
        for method in (responses.GET, responses.POST, responses.PUT, responses.DELETE):
            rsps.add_callback(method, re.compile(rf"{re.escape(HOST)}/api/v1/.*"), callback=self._api)

    # -- tokens ------------------------------------------------------------------------------

    def issue(self) -> dict:
        access, refresh = f"acc-{uuid.uuid4().hex}", f"ref-{uuid.uuid4().hex}"
        self.access[access] = clock.now() + timedelta(seconds=self.lifetime)
        self.refresh_valid.add(refresh)
        return {"access_token": access, "token_type": "bearer", "expires_in": str(self.lifetime), "refresh_token": refresh}

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        if form.get("client_id") != "cid" or form.get("client_secret") != "secret":
            return self._log(request, 400, {"error": "invalid_request"}, {})
        if form["grant_type"] == "authorization_code":
            if form.get("code") not in self.codes:
                return self._log(request, 400, {"error": "invalid_grant", "error_description": "bad code"}, {})
            self.codes.discard(form["code"])
            return self._log(request, 200, self.issue(), {})
        token = form.get("refresh_token")
        if token in self.refresh_used or token not in self.refresh_valid:
            # Reuse kills the chain: every token issued from it is dead too.
            self.refresh_valid.clear()
            self.access.clear()
            body = {"error": "unauthorized_client", "error_description": "Old refresh token used."}
            return self._log(request, 401, body, {})
        live = [exp for exp in self.access.values() if exp - clock.now() > timedelta(seconds=30)]
        if live:
            body = {"error": "access_denied", "error_description": "Rate limit exceeded: access_token not expired"}
            reason = {"Reason": "TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired"}
            return self._log(request, 400, body, reason)
        self.refresh_valid.discard(token)
        self.refresh_used.add(token)
        self.access.clear()
        return self._log(request, 200, self.issue(), {})

    # -- REST ---------------------------------------------------------------------------------

    def _limits(self) -> tuple[bool, dict]:
        now = clock.now()
        minute = now.replace(second=0, microsecond=0)
        day = datetime(now.year, now.month, now.day, tzinfo=UTC)
        used_minute = self.minute_counts.get(minute, 0)
        used_day = self.day_counts.get(day, 0)
        allowed = used_minute < self.minutely_limit and used_day < self.daily_limit
        if allowed:
            used_minute = self.minute_counts[minute] = used_minute + 1
            used_day = self.day_counts[day] = used_day + 1
            self.max_in_minute = max(self.max_in_minute, used_minute)
        headers = {
            "X-RateLimit-Minutely-Limit": str(self.minutely_limit),
            "X-RateLimit-Minutely-Remaining": str(max(self.minutely_limit - used_minute, 0)),
            "X-RateLimit-Minutely-Reset": _ms(minute + timedelta(minutes=1)),
            "X-RateLimit-Limit": str(self.daily_limit),
            "X-RateLimit-Remaining": str(max(self.daily_limit - used_day, 0)),
            "X-RateLimit-Reset": _ms(day + timedelta(days=1)),
        }
        return allowed, headers

    def _api(self, request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expiry = self.access.get(token)
        if expiry is None or expiry <= clock.now():
            return self._log(request, 401, {"error": {"code": "", "message": {"lang": "", "value": "Unauthorized"}}}, {})
        allowed, headers = self._limits()
        if not allowed:
            self.rate_limit_429 += 1
            return self._log(request, 429, {"error": {"message": {"value": "Too many requests"}}}, headers)
        if self.scripted:
            status, body, extra = self.scripted.pop(0)
            if isinstance(body, Exception):
                self._log(request, 0, None, {})
                raise body
            # extra={"replace": {...}} answers with exactly those headers (e.g. a 429 without any).
            return self._log(request, status, body, extra["replace"] if "replace" in extra else {**headers, **extra})
        path = urlsplit(request.url).path
        resource = re.sub(r"^/api/v1/(\d+/)?", "", path)
        resource = re.sub(r"\(guid'.*'\)$", "", resource)
        if request.method == "GET":
            rows = self.rows.get(resource, [])
            query = parse_qs(urlsplit(request.url).query)
            skip = int(query.get("$skip", ["0"])[0])
            page = rows[skip : skip + 60]
            body = {"d": {"results": page}}
            if skip + 60 < len(rows):
                body["d"]["__next"] = f"{HOST}{path}?$select={query['$select'][0]}&$skip={skip + 60}"
            return self._log(request, 200, body, headers)
        if request.method == "POST":
            created = {"ID": str(uuid.uuid4()), **json.loads(request.body)}
            self.rows.setdefault(resource, []).append(created)
            return self._log(request, 201, {"d": created}, headers)
        return self._log(request, 204, None, headers)

    def _log(self, request, status, body, headers):
        self.calls.append((request.method, urlsplit(request.url).path, status))
        return status, headers, json.dumps(body) if body is not None else ""

    def api_calls(self) -> list[tuple[str, str, int]]:
        return [call for call in self.calls if call[1].startswith("/api/v1/")]


class ExactWorld:
    """A frozen clock, the fake Exact and the connection row, wired together for one test."""

    def __init__(self, fake: FakeExact, frozen: FrozenClock, connection):
        self.fake, self.clock, self.connection = fake, frozen, connection

    def client(self, **kwargs):
        from coupling.exact.client import ExactClient

        return ExactClient(sleeper=self.clock.sleep, **kwargs)


@contextmanager
def exact_world(monkeypatch, *, connected: bool = True, **limits):
    """Set up the fake Exact and (optionally) a connected ExactConnection pointing at it."""
    from coupling.models import ExactConnection

    frozen = FrozenClock(datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", frozen.now)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeExact(rsps, **limits)
        connection = ExactConnection.objects.create(
            country=ExactConnection.Country.CUSTOM, base_url=HOST, client_id="cid", client_secret="secret"
        )
        if connected:
            tokens = fake.issue()
            connection.access_token = tokens["access_token"]
            connection.refresh_token = tokens["refresh_token"]
            connection.access_token_expires_at = frozen.now() + timedelta(seconds=fake.lifetime)
            connection.division = DIVISION
            connection.status = ExactConnection.Status.CONNECTED
            connection.save()
        yield ExactWorld(fake, frozen, connection)
