"""The Coachview HTTP client: client-credentials token, rate limit, and one classified error type."""

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import requests
from django.conf import settings

from coupling import clock
from coupling.coachview import api
from coupling.coachview.errors import CoachviewError
from coupling.http import new_session
from coupling.models import CoachviewConnection

logger = logging.getLogger(__name__)


class CoachviewClient:
    """Calls Coachview's REST API with the one connection's credentials (`deadline`: stop waiting then)."""

    def __init__(
        self,
        *,
        connection: CoachviewConnection | None = None,
        deadline: datetime | None = None,
        sleeper: Callable[[float], None] = time.sleep,
    ):
        self.connection = connection or CoachviewConnection.load()
        if not self.connection.is_configured():
            raise CoachviewError(
                "The Coachview connection is not configured (base URL, client id and client secret).",
                permanent=True,
                code="coachview.not_configured",
            )
        self.deadline = deadline
        self.sleeper = sleeper
        self.session = new_session()
        self.calls = 0

    # --- public calls ---

    def get_list(
        self,
        resource: str,
        *,
        where: str | None = None,
        orderby: str | None = None,
        skip: int = 0,
        take: int = 100,
    ) -> list:
        """One page of a list endpoint: the top-level JSON array, amounts as Decimal."""
        params = {api.PARAM_SKIP: skip, api.PARAM_TAKE: min(take, api.MAX_TAKE)}
        if where:
            params[api.PARAM_WHERE] = where
        if orderby:
            params[api.PARAM_ORDERBY] = orderby
        response = self._call("GET", resource, params=params)
        body = self._json(response, resource)
        if not isinstance(body, list):
            raise CoachviewError(
                f"Coachview answered {resource} with {type(body).__name__}, expected a list.",
                status=response.status_code,
                permanent=True,
                code="coachview.bad_response",
            )
        return body

    def get_bytes(self, path: str) -> bytes:
        return self._call("GET", path, accept="application/pdf").content

    def put(self, path: str, body: dict) -> None:
        self._call("PUT", path, json_body=body)

    # --- token ---

    def token(self) -> str:
        """The cached token, or a new one when it is (nearly) expired."""
        conn = self.connection
        margin = timedelta(seconds=settings.COACHVIEW_TOKEN_MARGIN_SECONDS)
        if conn.access_token and conn.token_expires_at and conn.token_expires_at - margin > clock.now():
            return conn.access_token
        return self._token_request()

    def _token_request(self) -> str:
        conn = self.connection
        data = {
            "grant_type": "client_credentials",
            "client_id": conn.client_id,
            "client_secret": conn.client_secret,
        }
        if conn.scopes.strip():
            data["scope"] = conn.scopes.strip()
        url = conn.base_url + api.TOKEN_PATH
        try:
            response = self.session.post(url, data=data, timeout=settings.HTTP_TIMEOUT)
        except requests.RequestException as exc:
            raise CoachviewError(
                f"Coachview's token endpoint could not be reached: {type(exc).__name__}",
                code="coachview.unreachable",
            ) from exc
        self.calls += 1
        if response.status_code in (400, 401, 403):
            raise CoachviewError(
                "Coachview refused the client id or secret (or a requested scope); check the connection.",
                status=response.status_code,
                permanent=True,
                code="coachview.credentials_refused",
            )
        if response.status_code >= 300:
            raise CoachviewError(
                f"Coachview's token endpoint answered {response.status_code}.",
                status=response.status_code,
                permanent=response.status_code < 500,
                code="coachview.token_failed",
            )
        try:
            body = response.json()
            token, lifetime = body["access_token"], int(body["expires_in"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CoachviewError(
                "Coachview's token answer has no access_token/expires_in.",
                permanent=True,
                code="coachview.bad_response",
            ) from exc
        conn.access_token = token
        conn.token_expires_at = clock.now() + timedelta(seconds=lifetime)
        # Commit right after the answer; other workers may use it. No lease needed: with client
        # credentials a second concurrent token request is harmless.
        conn.save(update_fields=["access_token", "token_expires_at", "updated_at"])
        return token

    # --- the one request path ---

    def _call(self, method: str, path: str, *, params=None, json_body=None, accept="application/json"):
        url = self.connection.base_url + api.API_PREFIX + path
        refreshed = False
        waited = False
        while True:
            self._wait_for_budget()
            headers = {"Authorization": f"Bearer {self.token()}", "Accept": accept}
            try:
                response = self.session.request(
                    method, url, params=params, json=json_body, headers=headers, timeout=settings.HTTP_TIMEOUT
                )
            except requests.Timeout as exc:
                raise CoachviewError(
                    f"Coachview did not answer {method} {path} in time.",
                    permanent=False,
                    outcome_unknown=method != "GET",
                    code="coachview.timeout",
                ) from exc
            except requests.RequestException as exc:
                raise CoachviewError(
                    f"Coachview could not be reached ({type(exc).__name__}).",
                    permanent=False,
                    outcome_unknown=method != "GET",
                    code="coachview.unreachable",
                ) from exc
            self.calls += 1
            self._track_limit(response)
            status = response.status_code
            if status == 401 and not refreshed:
                refreshed = True
                self._token_request()
                continue
            if status == 429 and not waited:
                waited = True
                self._wait_until_reset(self._reset_at(response))
                continue
            if status < 300:
                return response
            raise self._error(method, path, response)

    def _error(self, method: str, path: str, response) -> CoachviewError:
        status = response.status_code
        resource = path.split("/", 1)[0]
        if status == 401:
            return CoachviewError(
                "Coachview refused the access token twice; check the client id, secret and that the client is enabled.",
                status=status,
                permanent=True,
                code="coachview.unauthorized",
            )
        if status == 403:
            scopes = api.READ_SCOPES if method == "GET" else api.WRITE_SCOPES
            scope = scopes.get(resource, f"{resource}.{'Lezen' if method == 'GET' else 'Schrijven'}")
            return CoachviewError(
                f"Coachview refused {method} {resource}: the client lacks the scope '{scope}'. "
                f"Add it to the client in Coachview and to the connection's scopes.",
                status=status,
                permanent=True,
                code="coachview.scope_missing",
            )
        if status == 429:
            return CoachviewError(
                "Coachview's daily limit of API calls is spent.",
                status=status,
                permanent=False,
                code="coachview.rate_limited",
                retry_at=self.connection.rate_limit_reset,
            )
        text = response.text[:300]
        if status >= 500:
            # 500 often means a too-deep skip or a timeout on Coachview's side (best practices).
            return CoachviewError(
                f"Coachview answered {status} to {method} {path}: {text}",
                status=status,
                permanent=False,
                outcome_unknown=method != "GET",
                code="coachview.server_error",
            )
        return CoachviewError(
            f"Coachview answered {status} to {method} {path}: {text}",
            status=status,
            permanent=True,
            code="coachview.refused",
        )

    def _json(self, response, what: str):
        try:
            return json.loads(response.content, parse_float=Decimal)
        except ValueError as exc:
            raise CoachviewError(
                f"Coachview's answer to {what} is not valid JSON.",
                status=response.status_code,
                permanent=True,
                code="coachview.bad_response",
            ) from exc

    # --- rate limit ---

    def _track_limit(self, response) -> None:
        headers = response.headers
        if api.HEADER_REMAINING not in headers:
            return
        conn = self.connection
        try:
            conn.rate_limit_remaining = int(headers[api.HEADER_REMAINING])
            conn.rate_limit_limit = int(headers.get(api.HEADER_LIMIT) or 0) or conn.rate_limit_limit
        except ValueError:
            return
        conn.rate_limit_reset = self._reset_at(response) or conn.rate_limit_reset
        CoachviewConnection.objects.filter(pk=conn.pk).update(
            rate_limit_remaining=conn.rate_limit_remaining,
            rate_limit_limit=conn.rate_limit_limit,
            rate_limit_reset=conn.rate_limit_reset,
        )

    def _reset_at(self, response) -> datetime | None:
        """X-Rate-Limit-Reset as a moment (ASSUMPTION: Unix seconds; small numbers are seconds from now)."""
        value = (response.headers.get(api.HEADER_RESET) or "").strip()
        if not value:
            return self.connection.rate_limit_reset
        try:
            number = float(value)
        except ValueError:
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return None
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if number > 1_000_000_000:
            return datetime.fromtimestamp(number, tz=UTC)
        return clock.now() + timedelta(seconds=number)

    def _wait_for_budget(self) -> None:
        conn = self.connection
        if conn.rate_limit_remaining is not None and conn.rate_limit_remaining <= 0 and conn.rate_limit_reset:
            if conn.rate_limit_reset > clock.now():
                self._wait_until_reset(conn.rate_limit_reset)
            conn.rate_limit_remaining = None

    def _wait_until_reset(self, reset_at: datetime | None) -> None:
        """Sleep until the limit resets, when that is soon enough and before the deadline; else stop."""
        now = clock.now()
        reset_at = reset_at or now + timedelta(seconds=60)
        seconds = max((reset_at - now).total_seconds(), 0) + 1
        too_late = self.deadline is not None and now + timedelta(seconds=seconds) > self.deadline
        if too_late or seconds > settings.COACHVIEW_MAX_WAIT_SECONDS:
            raise CoachviewError(
                f"Coachview's API limit is spent until {reset_at:%Y-%m-%d %H:%M:%S %Z}.",
                status=429,
                permanent=False,
                code="coachview.rate_limited",
                retry_at=reset_at,
            )
        logger.info("Coachview's API limit is spent; waiting %.0f s for the reset.", seconds)
        self.sleeper(seconds)


__all__ = ["CoachviewClient", "CoachviewError"]
