"""Exact Online OAuth2: the consent flow, and token refresh serialised across processes by a lease.

Exact's refresh tokens are single use: two workers refreshing with the same one kill the link
(reference §1.4). A refresh therefore takes a lease on the connection row with a conditional
UPDATE committed *before* the token call, re-reads the row, refreshes only if still needed and
commits the new tokens right after the response. No transaction is open during the call.
"""

import logging
import secrets
import uuid
from datetime import timedelta

import requests
from django.conf import settings
from django.db.models import Q
from oauthlib.oauth2 import WebApplicationClient
from requests_oauthlib import OAuth2Session

from coupling import clock
from coupling.exact.budget import Sleeper, real_sleep
from coupling.exact.current import fetch_me
from coupling.exact.errors import (
    ExactClientRefused,
    ExactError,
    ExactNotConnected,
    ExactReconnectNeeded,
    error_texts,
)
from coupling.exact.transport import request_logged
from coupling.http import new_session
from coupling.models import ExactConnection

logger = logging.getLogger(__name__)

TOKEN_ENDPOINT = "oauth2/token"
# Answers of the token endpoint after which only a new consent helps (reference §1.3): a reused or
# expired refresh token, a broken chain, an inactive user. One kind ("reconnect needed"), one person.
DEAD_CHAIN_ERRORS = {"invalid_grant", "invalid_request", "unauthorized_client"}
# The app's client id or secret is refused: `invalid_client`, or a bare `invalid_request` without a
# description (picqer #553). Reconnecting with the same configuration cannot help.
CLIENT_ERRORS = {"invalid_client"}
# How long a caller waits for another process's refresh before giving up for this call.
LEASE_WAIT_SECONDS = 0.25
LEASE_MAX_WAITS = 120


def new_state() -> str:
    """A random `state` for one authorization request (kept in the user's session)."""
    return secrets.token_urlsafe(32)


def authorization_url(*, connection: ExactConnection, redirect_uri: str, state: str) -> str:
    """Exact's consent page for this connection's host, carrying our `state` (checked on the way back)."""
    session = OAuth2Session(connection.client_id, redirect_uri=redirect_uri, state=state)
    url, _state = session.authorization_url(f"{connection.host}/api/oauth2/auth", force_login="0")
    return url


def _token_call(*, connection: ExactConnection, body: str) -> requests.Response:
    """POST the token endpoint with a form body from oauthlib (client id and secret in it, as Exact expects)."""
    try:
        return request_logged(
            new_session(),
            "POST",
            f"{connection.host}/api/oauth2/token",
            division=connection.division,
            endpoint=TOKEN_ENDPOINT,
            write=False,
            data=body,
            headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
            timeout=settings.HTTP_TIMEOUT,
        )
    except ExactError as exc:
        cause = type(exc.__cause__).__name__ if exc.__cause__ else "no answer"
        raise ExactError(f"Exact's token endpoint could not be reached ({cause}).", endpoint=TOKEN_ENDPOINT) from exc


def _code_body(*, connection: ExactConnection, code: str, redirect_uri: str) -> str:
    """The authorization-code grant's form body."""
    return WebApplicationClient(connection.client_id).prepare_request_body(
        code=code, redirect_uri=redirect_uri, include_client_id=True, client_secret=connection.client_secret
    )


def _refresh_body(*, connection: ExactConnection) -> str:
    """The refresh grant's form body."""
    return WebApplicationClient(connection.client_id).prepare_refresh_body(
        refresh_token=connection.refresh_token,
        client_id=connection.client_id,
        client_secret=connection.client_secret,
    )


def _token_fields(response: requests.Response) -> dict:
    """The tokens and absolute expiry from a successful token response (`expires_in` is a string)."""
    try:
        body = response.json()
        access, refresh, expires_in = body["access_token"], body["refresh_token"], int(body["expires_in"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ExactError("Exact's token endpoint answered without usable tokens.", endpoint=TOKEN_ENDPOINT) from exc
    now = clock.now()
    return {
        "access_token": access,
        "refresh_token": refresh,
        "access_token_expires_at": now + timedelta(seconds=expires_in),
        "refresh_token_expires_at": now + timedelta(days=settings.EXACT_REFRESH_TOKEN_DAYS),
    }


def _token_error(response: requests.Response) -> tuple[str, str]:
    """(OAuth error code, readable text) of a failed token call; never includes a token."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = body.get("error", "") if isinstance(body, dict) and isinstance(body.get("error"), str) else ""
    text = "; ".join(error_texts(body)) or response.headers.get("Reason", "") or f"HTTP {response.status_code}"
    return code, text


def client_refused(*, code: str, text: str) -> bool:
    """The token endpoint refuses the app itself (client id or secret), not the token chain."""
    return code in CLIENT_ERRORS or (code == "invalid_request" and text == "invalid_request")


def _mark_client_refused(*, connection: ExactConnection, reason: str) -> ExactClientRefused:
    ExactConnection.objects.filter(pk=connection.pk).update(
        status=ExactConnection.Status.CLIENT_REFUSED, last_error=reason[:1000], lease_until=None, lease_owner=""
    )
    logger.error("Exact refuses the coupling's client id or secret: %s", reason)
    return ExactClientRefused(
        f"Exact refuses the coupling's client id or secret ({reason}): correct them on the connection page.",
        endpoint=TOKEN_ENDPOINT,
    )


def _mark_reconnect_needed(*, connection: ExactConnection, reason: str) -> ExactReconnectNeeded:
    ExactConnection.objects.filter(pk=connection.pk).update(
        status=ExactConnection.Status.RECONNECT_NEEDED, last_error=reason[:1000], lease_until=None, lease_owner=""
    )
    logger.error("Exact Online link needs a new consent: %s", reason)
    return ExactReconnectNeeded(f"Exact Online needs to be connected again: {reason}", endpoint=TOKEN_ENDPOINT)


def authorization_complete(*, code: str, redirect_uri: str, user) -> ExactConnection:
    """Exchange the authorization code, read current/Me, and store the tokens and the division."""
    connection = ExactConnection.load()
    if connection is None:
        raise ExactNotConnected("Set up the Exact Online connection (client ID and secret) first.")
    response = _token_call(connection=connection, body=_code_body(connection=connection, code=code, redirect_uri=redirect_uri))
    if response.status_code != 200:
        code_, text = _token_error(response)
        # Both the OAuth error and its description: the description is what tells a person what to fix.
        shown = f"{code_}: {text}" if code_ and text != code_ else text
        if client_refused(code=code_, text=text):
            raise _mark_client_refused(connection=connection, reason=shown)
        ExactConnection.objects.filter(pk=connection.pk).update(last_error=f"Connecting failed: {shown}"[:1000])
        raise ExactError(f"Exact refused the authorization code: {shown}", status=response.status_code, endpoint=TOKEN_ENDPOINT)
    fields = _token_fields(response)
    # The code is spent: store the tokens at once, before anything else can fail.
    # update() encrypts through EncryptedTextField.get_prep_value like save() does.
    ExactConnection.objects.filter(pk=connection.pk).update(**fields, lease_until=None, lease_owner="")
    try:
        me = fetch_me(connection=connection, access_token=fields["access_token"])
    except ExactError as exc:
        ExactConnection.objects.filter(pk=connection.pk).update(last_error=f"Reading current/Me failed: {exc}"[:1000])
        raise
    ExactConnection.objects.filter(pk=connection.pk).update(
        division=me["CurrentDivision"],
        status=ExactConnection.Status.CONNECTED,
        connected_by=user,
        connected_at=clock.now(),
        last_error="",
    )
    connection.refresh_from_db()
    return connection


def connection_disconnect() -> None:
    """Forget the tokens; the connection is 'not connected' until someone connects again."""
    ExactConnection.objects.update(
        status=ExactConnection.Status.NOT_CONNECTED,
        access_token="",
        refresh_token="",
        access_token_expires_at=None,
        refresh_token_expires_at=None,
        lease_until=None,
        lease_owner="",
    )


def token_needs_refresh(*, connection: ExactConnection) -> bool:
    """True only in the access token's last seconds: Exact refuses an earlier refresh."""
    if connection.access_token_expires_at is None:
        return True
    margin = timedelta(seconds=settings.EXACT_REFRESH_MARGIN_SECONDS)
    return connection.access_token_expires_at - clock.now() <= margin


def usable_connection(connection: ExactConnection | None) -> ExactConnection:
    """The connection when it can be used; ExactNotConnected or ExactReconnectNeeded otherwise."""
    if connection is None or connection.status == ExactConnection.Status.NOT_CONNECTED:
        raise ExactNotConnected("Exact Online is not connected.")
    if connection.status == ExactConnection.Status.RECONNECT_NEEDED:
        raise ExactReconnectNeeded(f"Exact Online needs to be connected again: {connection.last_error}")
    if connection.status == ExactConnection.Status.CLIENT_REFUSED:
        # No call at all until a person corrected the client id or secret: one failing call per run at most.
        raise ExactClientRefused(f"Exact refuses the coupling's client id or secret: {connection.last_error}")
    return connection


def access_token_current(*, sleeper: Sleeper = real_sleep) -> str:
    """A valid access token read from the database, refreshed under the lease when it is about to expire."""
    connection = usable_connection(ExactConnection.load())
    if not token_needs_refresh(connection=connection):
        return connection.access_token
    if not settings.EXACT_REFRESH_LEASE:
        return _refresh(connection=connection)
    owner = uuid.uuid4().hex
    for _ in range(LEASE_MAX_WAITS):
        now = clock.now()
        taken = (
            ExactConnection.objects.filter(pk=connection.pk)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(lease_until=now + timedelta(seconds=settings.EXACT_REFRESH_LEASE_SECONDS), lease_owner=owner)
        )
        if taken:
            break
        # Another process is refreshing: wait, then use its token when it is done.
        sleeper(LEASE_WAIT_SECONDS)
        connection = usable_connection(ExactConnection.load())
        if not token_needs_refresh(connection=connection):
            return connection.access_token
    else:
        raise ExactError("Another process has held the token refresh too long.", endpoint=TOKEN_ENDPOINT)
    try:
        # Re-read under the lease: another process may have refreshed while we waited.
        connection = usable_connection(ExactConnection.load())
        if not token_needs_refresh(connection=connection):
            return connection.access_token
        return _refresh(connection=connection)
    finally:
        ExactConnection.objects.filter(pk=connection.pk, lease_owner=owner).update(lease_until=None, lease_owner="")


def access_token_refused(*, token: str) -> None:
    """Exact answered 401 to a token we hold valid (expired early, revoked): refresh it at the next call.

    Without this the token was sent until its stored expiry, each 401 counting toward Exact's error
    block; now a revoked link shows as "reconnect needed" at once. A token another process has
    replaced meanwhile is left alone: the next call simply reads the new one.
    """
    connection = ExactConnection.load()
    if connection is None or connection.access_token != token:
        return
    ExactConnection.objects.filter(
        pk=connection.pk, access_token_expires_at=connection.access_token_expires_at
    ).update(access_token_expires_at=clock.now())


# Texts (without an OAuth error code, e.g. only a Reason header) that mean the token chain is dead.
CHAIN_TEXTS = ("old refresh token used", "refresh token expired", "invalid or empty chainid", "user is not active")


def _chain_broken(text: str) -> bool:
    lowered = text.lower()
    return any(words in lowered for words in CHAIN_TEXTS)


def _refresh(*, connection: ExactConnection) -> str:
    # ASSUMPTION: when a refresh gets no answer we cannot know whether Exact rotated the token; we
    # keep the old one and the next refresh tells (a dead chain then says "Old refresh token used").
    response = _token_call(connection=connection, body=_refresh_body(connection=connection))
    if response.status_code == 200:
        fields = _token_fields(response)
        # Commit the new tokens at once: the old refresh token is dead from now on.
        ExactConnection.objects.filter(pk=connection.pk).update(**fields, last_error="")
        return fields["access_token"]
    code, text = _token_error(response)
    too_early = "TooEarlyToRefreshTokens" in response.headers.get("Reason", "") or "not expired" in text
    if too_early and connection.access_token_expires_at and connection.access_token_expires_at > clock.now():
        # Our clock is ahead of Exact's: the current token still works.
        logger.warning("Exact refused an early token refresh; the current token is used until it expires.")
        return connection.access_token
    if "old refresh token used" in text.lower():
        # Exact keeps a refresh token valid until its successor is first used; reusing it after that is
        # refused. When another process stored a newer pair meanwhile, that one is ours: use it.
        stored = ExactConnection.objects.filter(pk=connection.pk).first()
        if stored is not None and stored.refresh_token != connection.refresh_token and stored.access_token:
            logger.warning("Exact refused a refresh token another process had replaced; its new token is used.")
            return stored.access_token
    if client_refused(code=code, text=text):
        raise _mark_client_refused(connection=connection, reason=f"{code}: {text}" if text != code else code)
    if code in DEAD_CHAIN_ERRORS or _chain_broken(text):
        raise _mark_reconnect_needed(connection=connection, reason=text)
    ExactConnection.objects.filter(pk=connection.pk).update(last_error=f"Token refresh failed: {text}"[:1000])
    raise ExactError(f"Exact's token refresh failed: {text}", status=response.status_code, endpoint=TOKEN_ENDPOINT)
