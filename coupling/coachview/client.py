"""The Coachview HTTP client: client-credentials token, rate limit, and one classified error type."""

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime

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
        params: dict | None = None,
    ) -> list:
        """One page of a list endpoint: the top-level JSON array (204 or an empty body: none), amounts as Decimal."""
        query = {api.PARAM_SKIP: skip, api.PARAM_TAKE: min(take, api.MAX_TAKE), **(params or {})}
        if where:
            query[api.PARAM_WHERE] = where
        if orderby:
            query[api.PARAM_ORDERBY] = orderby
        response = self._call("GET", resource, params=query)
        if response.status_code == 204 or not response.content.strip():
            return []
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

    def write(self, method: str, path: str, body: dict) -> None:
        """A status write (PUT, PATCH or POST, as the profile says)."""
        self._call(method, path, json_body=body)

    def put(self, path: str, body: dict) -> None:
        self.write("PUT", path, body)

    def get_document(self, url: str):
        """A JSON document outside the API (the tenant's OpenAPI description); None when there is none."""
        try:
            response = self.session.get(
                url, headers={"Accept": "application/json"}, timeout=settings.HTTP_TIMEOUT
            )
        except requests.RequestException as exc:
            raise CoachviewError(
                f"Coachview could not be reached ({type(exc).__name__}).", code="coachview.unreachable"
            ) from exc
        self.calls += 1
        if response.status_code != 200:
            return None
        try:
            return json.loads(response.content)
        except ValueError:
            return None

    # --- token ---

    def token(self) -> str:
        """The cached token, or a new one when it is (nearly) expired."""
        conn = self.connection
        margin = timedelta(seconds=settings.COACHVIEW_TOKEN_MARGIN_SECONDS)
        if conn.access_token and conn.token_expires_at and conn.token_expires_at - margin > clock.now():
            return conn.access_token
        return self._token_request()

    def _token_request(self, scope: str | None = None) -> str:
        """A new token; `scope` overrides the connection's (empty: ask for none)."""
        conn = self.connection
        data = {
            "grant_type": "client_credentials",
            "client_id": conn.client_id,
            "client_secret": conn.client_secret,
        }
        scope = (conn.scopes if scope is None else scope).strip()
        if scope:
            data["scope"] = scope
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
            raise self._token_refused(response, scope)
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

    def token_for_scope(self, scope: str) -> str:
        """A token asked with exactly this scope (the probe checks the profile's scopes this way)."""
        return self._token_request(scope=scope)

    def _token_refused(self, response, scope: str) -> CoachviewError:
        """The OAuth error as the person connecting needs it: which of client or scope, and Coachview's words."""
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        error = str(body.get("error") or "")
        description = str(body.get("error_description") or "")
        said = f" ({error}{': ' + description if description else ''})" if error else ""
        if error == "invalid_scope":
            return CoachviewError(
                f"Coachview refused the requested scope '{scope}'{said}; tick it for the client in Coachview, "
                "or leave the connection's scopes empty.",
                status=response.status_code,
                permanent=True,
                code="coachview.scope_refused",
            )
        return CoachviewError(
            f"Coachview refused the client id or secret{said}; check them and that the client is enabled.",
            status=response.status_code,
            permanent=True,
            code="coachview.credentials_refused",
        )

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
                self._wait_until_reset(self._retry_at(response))
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
            # Scopes are named <Resource>.Lezen / <Resource>.Schrijven (verified for other resources).
            scope = f"{resource}.{'Lezen' if method == 'GET' else 'Schrijven'}"
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
                retry_at=self._retry_at(response),
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
        """Each rate-limit header on its own: a number, a period (`1d`), ISO or Unix time; never a crash."""
        headers = response.headers
        remaining = _integer(headers.get(api.HEADER_REMAINING))
        if remaining is None:
            return
        conn = self.connection
        conn.rate_limit_remaining = remaining
        # ASSUMPTION (inferred): the ASP.NET rate-limit library sends the limit as a period ("1d");
        # then the number is not in the headers and the last known one stays.
        conn.rate_limit_limit = _integer(headers.get(api.HEADER_LIMIT)) or conn.rate_limit_limit
        conn.rate_limit_reset = self._reset_at(response) or conn.rate_limit_reset
        CoachviewConnection.objects.filter(pk=conn.pk).update(
            rate_limit_remaining=conn.rate_limit_remaining,
            rate_limit_limit=conn.rate_limit_limit,
            rate_limit_reset=conn.rate_limit_reset,
        )

    def _reset_at(self, response) -> datetime | None:
        """X-Rate-Limit-Reset as a moment: ISO-8601 (any fraction, Z or offset), Unix seconds, or seconds from now."""
        return moment_from_header(response.headers.get(api.HEADER_RESET))

    def _retry_at(self, response) -> datetime | None:
        """When a 429 may be retried: Retry-After (seconds or an HTTP date) first, then the reset header."""
        value = (response.headers.get(api.HEADER_RETRY_AFTER) or "").strip()
        seconds = _integer(value)
        if seconds is not None:
            return clock.now() + timedelta(seconds=seconds)
        if value:
            try:
                return parsedate_to_datetime(value)
            except (TypeError, ValueError):
                pass
        return self._reset_at(response) or self.connection.rate_limit_reset

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


def _integer(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def moment_from_header(value) -> datetime | None:
    """A reset time as Coachview may send it; None for anything unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return _iso_moment(text)
    if number > 1_000_000_000:
        return datetime.fromtimestamp(number, tz=UTC)
    return clock.now() + timedelta(seconds=number)


def _iso_moment(text: str) -> datetime | None:
    main, _dot, rest = text.replace("Z", "+00:00").partition(".")
    fraction = "".join(ch for ch in rest if ch.isdigit())
    zone = rest[len(fraction):]
    try:
        moment = datetime.fromisoformat(main + (f".{fraction[:6].ljust(6, '0')}" if fraction else "") + zone)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


__all__ = ["CoachviewClient", "CoachviewError", "moment_from_header"]
