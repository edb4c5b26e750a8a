"""The one place requests to Exact's REST API are built, sent, budgeted, logged and classified."""

import json
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlsplit
from uuid import UUID

import requests
from django.conf import settings

from coupling import clock
from coupling.exact import entities, odata
from coupling.exact.budget import (
    Sleeper,
    budget_acquire,
    budget_record_429,
    budget_record_headers,
    endpoint_record_error,
    real_sleep,
)
from coupling.exact.errors import ExactError, error_from_response
from coupling.exact.oauth import access_token_current, access_token_refused, usable_connection
from coupling.exact.transport import api_headers, request_logged, unwrapped
from coupling.http import new_session
from coupling.models import ExactConnection

# Resources that live outside a division (reference §1.5).
WITHOUT_DIVISION = {"current/Me"}


def _json_default(value):
    if isinstance(value, Decimal):
        # ASSUMPTION: Exact takes Edm.Double amounts as JSON numbers. float() of a decimal with a
        # few places prints back the same digits (shortest repr), so cents survive.
        return float(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%dT00:00:00")
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be sent to Exact")


def same_origin(url: str, base: str) -> bool:
    """The same scheme, host and port as `base`."""
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme.lower(), a.netloc.lower()) == (b.scheme.lower(), b.netloc.lower())


class ExactClient:
    """Calls Exact for the one connected administration, within the shared budget and `deadline`."""

    def __init__(self, *, deadline: datetime | None = None, sleeper: Sleeper = real_sleep):
        connection = usable_connection(ExactConnection.load())
        self.host = connection.host
        self.division = connection.division
        self.administration = connection.administration
        self.deadline = deadline
        self.sleeper = sleeper
        # Seconds slept for the budget's next window or another process's token refresh (the bench's
        # measure of workers waiting on each other; a run keeps it as ExportRun.waited_seconds).
        self.waited_s = 0.0
        self.session = new_session()

    # -- public interface (docs/architecture.md) -------------------------------------------

    def get_list(
        self,
        resource: str,
        *,
        select: list[str],
        filter: str | None = None,  # noqa: A002 (the OData name)
        top: int | None = None,
        orderby: str | None = None,
    ) -> list[dict]:
        """All rows matching `filter` (following `__next`), or the first `top`."""
        params = {"$select": self._select(resource, select)}
        if filter:
            params["$filter"] = filter
        if top is not None:
            params["$top"] = str(top)
        if orderby:
            params["$orderby"] = orderby
        rows: list[dict] = []
        url: str | None = self._url(resource)
        while url:
            body = self._call("GET", url, resource=resource, params=params).json()
            page, url = unwrapped(body)
            rows.extend(page if isinstance(page, list) else [page])
            params = None  # __next already holds the whole query
            if top is not None and len(rows) >= top:
                return rows[:top]
            if url and not same_origin(url, self.host):
                # Exactly the same scheme and host (a prefix test would pass "…exactonline.nl.evil.com").
                raise ExactError(f"Exact's next-page link leaves {self.host}.", endpoint=resource)
        return rows

    def get(self, resource: str, guid: str | UUID, *, select: list[str]) -> dict | None:
        """One entity by its key, or None when Exact does not have it."""
        try:
            response = self._call(
                "GET", self._url(resource, guid), resource=resource, params={"$select": self._select(resource, select)}
            )
        except ExactError as exc:
            if exc.status == 404:
                return None
            raise
        data, _ = unwrapped(response.json())
        if isinstance(data, list):
            return data[0] if data else None
        return data

    def post(self, resource: str, payload: dict) -> dict:
        """Create an entity; Exact returns it filled in (Prefer: return=representation)."""
        entities.check_payload(resource, "POST", payload)
        response = self._call("POST", self._url(resource), resource=resource, body=payload)
        data, _ = unwrapped(response.json())
        return data

    def put(self, resource: str, guid: str | UUID, payload: dict) -> None:
        """Update an entity; Exact answers without a body."""
        entities.check_payload(resource, "PUT", payload)
        self._call("PUT", self._url(resource, guid), resource=resource, body=payload)

    def delete(self, resource: str, guid: str | UUID) -> None:
        """Delete an entity."""
        self._call("DELETE", self._url(resource, guid), resource=resource)

    # -- internals --------------------------------------------------------------------------

    def _select(self, resource: str, select: list[str]) -> str:
        if not select:
            raise entities.ExactPayloadError(f"A GET on {resource} needs $select (Exact refuses or slows without).")
        unknown = set(select) - entities.properties(resource)
        if unknown:
            raise entities.ExactPayloadError(f"{resource} has no properties {sorted(unknown)}.")
        return ",".join(select)

    def _url(self, resource: str, guid: str | UUID | None = None) -> str:
        if resource in WITHOUT_DIVISION:
            url = f"{self.host}/api/v1/{resource}"
        else:
            url = f"{self.host}/api/v1/{self.division}/{resource}"
        return url if guid is None else f"{url}({odata.guid(guid)})"

    def _timeout(self) -> tuple[float, float]:
        connect, read = settings.HTTP_TIMEOUT
        if self.deadline is None:
            return connect, read
        # Never wait for an answer past the caller's deadline (a task would be killed there).
        left = max((self.deadline - clock.now()).total_seconds(), 1.0)
        return min(connect, left), min(read, left)

    def _wait(self, seconds: float) -> None:
        self.waited_s += seconds
        self.sleeper(seconds)

    def _call(self, method: str, url: str, *, resource: str, params=None, body=None) -> requests.Response:
        """One logical call: budget first, then the request; one retry after a 401 and after a 429."""
        write = method != "GET"
        data = json.dumps(body, default=_json_default) if body is not None else None
        retried_401 = retried_429 = False
        while True:
            budget_acquire(division=self.division, endpoint=resource, deadline=self.deadline, sleeper=self._wait)
            # Read from the database on every call: another process may have refreshed it.
            token = access_token_current(sleeper=self._wait)
            response = request_logged(
                self.session,
                method,
                url,
                division=self.division,
                endpoint=resource,
                write=write,
                params=params,
                data=data,
                headers=api_headers(token),
                timeout=self._timeout(),
            )
            budget_record_headers(division=self.division, headers=response.headers)
            if response.status_code < 400:
                return response
            endpoint_record_error(division=self.division, endpoint=resource, status=response.status_code)
            if response.status_code == 401 and not retried_401:
                # ASSUMPTION: a 401 means Exact did nothing, so even a POST may be sent again once.
                # The token in the database may be newer than ours (another process refreshed);
                # if it is still ours, Exact no longer takes it: the retry refreshes it first.
                access_token_refused(token=token)
                retried_401 = True
                continue
            if response.status_code == 429:
                budget_record_429(division=self.division, headers=response.headers)
                if not retried_429:
                    # Never retried at once: the budget now says when the window resets, and
                    # budget_acquire waits for it (or stops when that does not fit the deadline).
                    retried_429 = True
                    continue
            raise error_from_response(response, endpoint=resource, write=write)
