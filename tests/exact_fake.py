"""A small Exact Online stand-in on `responses`, for precise edge cases (the sandbox does the rest).

It keeps Exact's rules that the client must respect: single-use refresh tokens, refresh only in
the token's last 30 s, fixed minute windows and a daily budget with X-RateLimit-* headers, 60-row
pages with `__next`, and the `{"d": ...}` wrapper. Time is `coupling.clock.now`, frozen by tests.
"""

import json
import re
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
import responses

from coupling import clock
from coupling.exact import entities

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
    """Exact at `host`: its tokens, budget and REST resources (rows kept per resource, answered as Exact would).

    `faults[resource]` lists what happens to the next writes of a resource, one each ("GET resource" for
    reads): "lose" (done, the answer lost), "timeout-before" (lost on the way, not done), "transient" (refused
    at connect, nothing sent), "permanent" (400 with Exact's error text), "budget" (the day's budget spent:
    429), "503" (a read fails for a moment), None (answered normally).
    """

    def __init__(
        self, rsps: responses.RequestsMock, *, host=HOST, minutely_limit=60, daily_limit=5000, lifetime=600,
        honour_entry_id=True,
    ):  # fmt: skip
        self.rsps = rsps
        self.host = host
        # A sales entry POSTed with an EntryID keeps it (Exact's documented behaviour; off to test the other).
        self.honour_entry_id = honour_entry_id
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
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.faults: dict[str, list[str | None]] = {}
        # Called with (method, resource, row) after a write is stored and before it is answered.
        self.on_write: Callable[[str, str, dict], None] | None = None
        self.entry_number = 0
        self.lock = threading.Lock()  # two workers' threads may call at once
        self.scripted: list[tuple[int, object, dict]] = []
        self.rate_limit_429 = 0
        self.max_in_minute = 0
        rsps.add_callback(responses.POST, f"{host}/api/oauth2/token", callback=self._token)
        for method in (responses.GET, responses.POST, responses.PUT, responses.DELETE):
            rsps.add_callback(method, re.compile(rf"{re.escape(host)}/api/v1/.*"), callback=self._api)

    # -- tokens ------------------------------------------------------------------------------

    def issue(self) -> dict:
        access, refresh = f"acc-{uuid.uuid4().hex}", f"ref-{uuid.uuid4().hex}"
        self.access[access] = clock.now() + timedelta(seconds=self.lifetime)
        self.refresh_valid.add(refresh)
        return {"access_token": access, "token_type": "bearer", "expires_in": str(self.lifetime), "refresh_token": refresh}

    def _token(self, request):
        with self.lock:
            return self._token_answer(request)

    def _token_answer(self, request):
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

    def _day_spent(self) -> None:
        now = clock.now()
        self.day_counts[datetime(now.year, now.month, now.day, tzinfo=UTC)] = self.daily_limit

    def _api(self, request):
        with self.lock:
            return self._answer(request)

    def _answer(self, request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expiry = self.access.get(token)
        if expiry is None or expiry <= clock.now():
            return self._log(request, 401, {"error": {"code": "", "message": {"lang": "", "value": "Unauthorized"}}}, {})
        resource, key = _resource(request.url)
        fault = self._fault(request.method, resource)
        if fault in ("transient", "timeout-before"):
            # Never reached Exact: refused at connect (nothing sent) or timed out on the way there.
            self._log(request, 0, None, {})
            raise requests.ConnectTimeout("connect timeout") if fault == "transient" else requests.ReadTimeout("read timeout")
        if fault == "budget":
            self._day_spent()
        allowed, headers = self._limits()
        if not allowed:
            self.rate_limit_429 += 1
            return self._log(request, 429, {"error": {"message": {"value": "Too many requests"}}}, headers)
        if fault == "permanent":
            return self._log(request, 400, _error(PERMANENT_TEXT), headers)
        if fault == "503":
            return self._log(request, 503, None, headers)
        if self.scripted:
            status, body, extra = self.scripted.pop(0)
            if isinstance(body, Exception):
                self._log(request, 0, None, {})
                raise body
            # extra={"replace": {...}} answers with exactly those headers (e.g. a 429 without any).
            return self._log(request, status, body, extra["replace"] if "replace" in extra else {**headers, **extra})
        status, body = self._rest(request, resource, key)
        if fault == "lose":
            # Exact did it; its answer never reached the client.
            self._log(request, 0, None, {})
            raise requests.ReadTimeout("read timeout")
        return self._log(request, status, body, headers)

    def _fault(self, method: str, resource: str) -> str | None:
        waiting = self.faults.get(resource if method != "GET" else f"GET {resource}")
        return waiting.pop(0) if waiting else None

    def _rest(self, request, resource: str, key: str | None) -> tuple[int, dict | None]:
        if request.method == "GET":
            return 200, self._page(request, resource)
        if request.method == "POST":
            row = self._created(resource, json.loads(request.body))
            self.rows[resource].append(row)
            if self.on_write:
                self.on_write("POST", resource, row)
            return 201, {"d": row}
        row = self._row(resource, key)
        if row is None:
            return 404, _error("Not found")
        if request.method == "PUT":
            row.update(json.loads(request.body))
            if self.on_write:
                self.on_write("PUT", resource, row)
        else:
            self.rows[resource].remove(row)
        return 204, None

    def _page(self, request, resource: str) -> dict:
        query = {name: values[0] for name, values in parse_qs(urlsplit(request.url).query).items()}
        groups = _filter_groups(query.get("$filter", ""))
        rows = [row for row in self.rows[resource] if not groups or any(_matches(row, group) for group in groups)]
        select = query["$select"].split(",")
        skip = int(query.get("$skip", "0"))
        body = {"d": {"results": [{name: row.get(name) for name in select} for row in rows[skip : skip + 60]]}}
        if skip + 60 < len(rows):
            body["d"]["__next"] = f"{self.host}{urlsplit(request.url).path}?{urlencode({**query, '$skip': skip + 60})}"
        return body

    def _created(self, resource: str, payload: dict) -> dict:
        """The entity as Exact stores and returns it: its key filled in, a sales entry numbered and totalled."""
        key = key_of(resource)
        row = dict(payload)
        if resource == "salesentry/SalesEntries":
            if not (self.honour_entry_id and row.get(key)):
                row[key] = str(uuid.uuid4())
            self.entry_number += 1
            total = sum(line["AmountFC"] + line.get("VATAmountFC", round(line["AmountFC"] * 0.21, 2))
                        for line in row["SalesEntryLines"])  # fmt: skip
            row.update(EntryNumber=row.get("EntryNumber", self.entry_number), AmountFC=round(total, 2))
            return row
        return {key: str(uuid.uuid4()), **row}

    def _row(self, resource: str, key: str | None) -> dict | None:
        name = key_of(resource)
        return next((row for row in self.rows[resource] if str(row.get(name)).lower() == str(key).lower()), None)

    def _log(self, request, status, body, headers):
        self.calls.append((request.method, urlsplit(request.url).path, status))
        return status, headers, json.dumps(body) if body is not None else ""

    def api_calls(self) -> list[tuple[str, str, int]]:
        return [call for call in self.calls if call[1].startswith("/api/v1/")]

    def sent(self) -> list[tuple[str, str]]:
        """(method, resource) of every REST call the client sent, in order."""
        return [(method, _resource(path)[0]) for method, path, _status in self.api_calls()]

    # -- what a person set up in Exact -------------------------------------------------------

    def account_add(self, code: str, status: str = "C", **fields) -> dict:
        """A relation in crm/Accounts, its Code padded as Exact stores it."""
        account = {"ID": str(uuid.uuid4()), "Code": code.rjust(18), "Status": status, "Name": "X", **fields}
        self.rows["crm/Accounts"].append(account)
        return account

    def entry_add(self, your_ref: str, **fields) -> dict:
        """A sales entry booked in Exact (by hand, or by an earlier POST)."""
        entry = {"EntryID": str(uuid.uuid4()), "YourRef": your_ref, "EntryNumber": 1, "Journal": "70",
                 "AmountFC": 121.0, **fields}  # fmt: skip
        self.rows["salesentry/SalesEntries"].append(entry)
        return entry


PERMANENT_TEXT = "Ongeldig: Klant (Type)"
# "Name eq 'text'" or "Name eq guid'…'", joined by "and" / "or" (what the coupling sends).
_TERM = re.compile(r"(\w+) eq (?:guid)?'((?:[^']|'')*)'|\b(and|or)\b|(\S)")


def _error(text: str) -> dict:
    return {"error": {"code": "", "message": {"lang": "", "value": text}}}


def key_of(resource: str) -> str:
    """The key property of a resource (EntryID for a sales entry, ID for most)."""
    properties = entities.definition(resource)["properties"]
    return next(name for name, prop in properties.items() if prop.get("key"))


def _resource(url: str) -> tuple[str, str | None]:
    """The resource of a REST URL or path, and the key in `(guid'…')` if any."""
    path = urlsplit(url).path
    resource = re.sub(r"^/api/v1/(\d+/)?", "", path)
    match = re.search(r"\(guid'(.*)'\)$", resource)
    return (resource[: match.start()], match.group(1)) if match else (resource, None)


def _filter_groups(text: str) -> list[list[tuple[str, str]]]:
    """A $filter as "or" of "and" groups of (name, value) equalities; anything else fails the test."""
    groups: list[list[tuple[str, str]]] = [[]] if text else []
    for name, value, joiner, other in _TERM.findall(text):
        if other:
            raise AssertionError(f"the fake Exact does not understand the filter {text!r}")
        if joiner == "or":
            groups.append([])
        elif name:
            groups[-1].append((name, value.replace("''", "'")))
    return groups


def _matches(row: dict, group: list[tuple[str, str]]) -> bool:
    return all(str(row.get(name)).lower() == value.lower() for name, value in group)


class ExactWorld:
    """A frozen clock, the fake Exact and the connection row, wired together for one test."""

    def __init__(self, fake: FakeExact, frozen: FrozenClock, connection):
        self.fake, self.clock, self.connection = fake, frozen, connection

    def client(self, **kwargs):
        from coupling.exact.client import ExactClient

        return ExactClient(sleeper=self.clock.sleep, **kwargs)

    def connect(self, fake: FakeExact, *, environment: str | None = None) -> FakeExact:
        """Connect to `fake` (another Exact, or this one again) with fresh tokens, in `environment`."""
        tokens = fake.issue()
        connection = self.connection
        connection.base_url = fake.host
        connection.access_token = tokens["access_token"]
        connection.refresh_token = tokens["refresh_token"]
        connection.access_token_expires_at = self.clock.now() + timedelta(seconds=fake.lifetime)
        connection.division = DIVISION
        connection.environment = environment or connection.environment
        connection.status = connection.Status.CONNECTED
        connection.save()
        self.fake = fake
        return fake


START = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)


@contextmanager
def exact_world(monkeypatch, *, connected: bool = True, at: datetime = START, **options):
    """Set up the fake Exact (`options` go to FakeExact) and, optionally, a connected ExactConnection to it."""
    from coupling.models import ExactConnection

    frozen = FrozenClock(at)
    monkeypatch.setattr(clock, "now", frozen.now)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeExact(rsps, **options)
        connection = ExactConnection.objects.create(
            country=ExactConnection.Country.CUSTOM, base_url=HOST, client_id="cid", client_secret="secret"
        )
        world = ExactWorld(fake, frozen, connection)
        if connected:
            world.connect(fake)
        yield world
