"""Exact's OAuth2: the Approve page, the token endpoint (code and refresh grants), bearer checks.

A refresh token stays valid until the pair issued for it is first used (its access token on the API,
or its refresh token); two refreshes with one token may both get a pair, and the first pair used wins
(the other is superseded). Reusing a refresh token after its successor was used answers 401 "Old
refresh token used."; the chain itself lives on with the newest pair (so a worker holding a newer
token recovers). Refreshing while the access token still has more than the margin left answers
TooEarlyToRefreshTokens. A new consent for the same user and app invalidates the older chains.
"""

import json
import secrets
from datetime import timedelta
from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt

from sandbox import clock
from sandbox.exact.errors import ExactHttpError
from sandbox.exact.seed import SANDBOX_USER_ID, default_division
from sandbox.models import ExactAuthCode, ExactOAuthClient, ExactToken, ExactTokenChain
from sandbox.requestlog import logged

DB = "sandbox"


def _json_error(status: int, error: str, description: str | None = None, *, reason: str = "") -> ExactHttpError:
    payload = {"error": error} if description is None else {"error": error, "error_description": description}
    return ExactHttpError(status, [description or error], reason=reason, body=json.dumps(payload))


def old_refresh_token_used() -> ExactHttpError:
    return _json_error(401, "unauthorized_client", "Old refresh token used.")


def too_early() -> ExactHttpError:
    return _json_error(
        400, "access_denied", "Rate limit exceeded: access_token not expired",
        reason="TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired",
    )


def broken_chain() -> ExactHttpError:
    text = "Token is not allowed, because of invalid or empty chainId"
    return _json_error(400, "invalid_grant", text, reason=f"Unknown: {text}")


def _exact_time(moment) -> str:
    # Exact's US-style timestamps, e.g. 10/11/2022 9:18:20 PM
    hour = moment.hour % 12 or 12
    return f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment:%M:%S} {'PM' if moment.hour >= 12 else 'AM'}"


def refresh_expired(expired_at, now) -> ExactHttpError:
    description = f"The refresh token expired at {_exact_time(expired_at)} and it is now {_exact_time(now)}."
    # Exact escapes the slashes in this answer (websmurf #23): 10\/11\/2022.
    body = json.dumps({"error": "invalid_request", "error_description": description}).replace("/", "\\/")
    return ExactHttpError(400, [description], body=body)


def _token_response(token: ExactToken) -> HttpResponse:
    lifetime = int(round((token.access_expires_at - token.issued_at).total_seconds()))
    payload = {
        "access_token": token.access_token,
        "token_type": "bearer",
        "expires_in": str(lifetime),  # a string, as Exact sends it
        "refresh_token": token.refresh_token,
    }
    response = HttpResponse(json.dumps(payload), content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def issue_token(*, chain: ExactTokenChain, parent: ExactToken | None = None) -> ExactToken:
    """A new access/refresh pair in a chain (caller holds the transaction)."""
    now = clock.now()
    return ExactToken.objects.using(DB).create(
        chain=chain,
        parent=parent,
        access_token="AAEA" + secrets.token_urlsafe(48),
        access_expires_at=now + timedelta(seconds=settings.SANDBOX_EXACT_ACCESS_TOKEN_SECONDS),
        refresh_token="Gcp7!IAAA" + secrets.token_urlsafe(48),
        refresh_expires_at=now + timedelta(days=settings.SANDBOX_EXACT_REFRESH_TOKEN_DAYS),
        issued_at=now,
    )


def _client(client_id: str) -> ExactOAuthClient | None:
    return ExactOAuthClient.objects.using(DB).filter(client_id=client_id).first()


def _default_user():
    return SANDBOX_USER_ID, default_division()


@csrf_exempt
@logged("exact")
def authorize(request):
    """GET: the consent page with an Approve button; POST: hand out a code and redirect back."""
    params = request.POST if request.method == "POST" else request.GET
    client = _client(params.get("client_id", ""))
    redirect_uri = params.get("redirect_uri", "")
    if client is None or not redirect_uri or (client.redirect_uri and client.redirect_uri != redirect_uri):
        return HttpResponse("<h1>Invalid client_id or redirect_uri</h1>", status=400)
    if params.get("response_type", "code") != "code":
        return HttpResponse("<h1>Unsupported response_type</h1>", status=400)
    if request.method == "POST":
        user_id, division = _default_user()
        code = ExactAuthCode.objects.using(DB).create(
            code="stampNL001." + secrets.token_urlsafe(32),
            client=client,
            redirect_uri=redirect_uri,
            user_id=user_id,
            division=division,
            expires_at=clock.now() + timedelta(seconds=settings.SANDBOX_EXACT_AUTH_CODE_SECONDS),
        )
        parts = urlsplit(redirect_uri)
        query = parse_qsl(parts.query) + [("code", code.code)]
        if params.get("state"):
            query.append(("state", params["state"]))
        return HttpResponseRedirect(urlunsplit(parts._replace(query=urlencode(query))))
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(params.get(name, ""))}">'
        for name in ("client_id", "redirect_uri", "response_type", "state", "force_login")
    )
    page = (
        "<!doctype html><html><head><title>Exact Online (sandbox) - toestemming</title></head><body>"
        f"<h1>Exact Online (sandbox)</h1><p>De app <b>{escape(client.name or client.client_id)}</b> vraagt "
        "toegang tot uw administratie.</p>"
        f'<form method="post">{hidden}<button type="submit" name="approve" value="1">Approve</button></form>'
        "</body></html>"
    )
    return HttpResponse(page)


@csrf_exempt
@logged("exact")
def token(request):
    """POST /api/oauth2/token: authorization_code and refresh_token grants, client id+secret in the form."""
    if request.method != "POST":
        return HttpResponse(status=405)
    form = request.POST
    client = _client(form.get("client_id", ""))
    if client is None or not secrets.compare_digest(client.client_secret, form.get("client_secret", "")):
        # A wrong client id or secret: `{"error":"invalid_request"}` (picqer #553), or with the setting
        # SANDBOX_EXACT_INVALID_CLIENT_ERROR the standard OAuth `invalid_client`.
        return _json_error(400, settings.SANDBOX_EXACT_INVALID_CLIENT_ERROR).response()
    try:
        grant = form.get("grant_type")
        if grant == "authorization_code":
            issued = _exchange_code(client=client, code=form.get("code", ""), redirect_uri=form.get("redirect_uri", ""))
        elif grant == "refresh_token":
            issued = _refresh(client=client, refresh_token=form.get("refresh_token", ""))
        else:
            raise _json_error(400, "unsupported_grant_type")
    except ExactHttpError as error:
        return error.response()
    return _token_response(issued)


def _exchange_code(*, client: ExactOAuthClient, code: str, redirect_uri: str) -> ExactToken:
    now = clock.now()
    with transaction.atomic(using=DB):
        # Single use: only the request that flips `used` gets tokens.
        claimed = ExactAuthCode.objects.using(DB).filter(
            code=code, client=client, used=False, expires_at__gt=now
        ).update(used=True)
        found = ExactAuthCode.objects.using(DB).filter(code=code).first()
        if not claimed or (redirect_uri and found.redirect_uri != redirect_uri):
            # ASSUMPTION: Exact answers a reused or expired code with a plain 400 (picqer README:
            # "Bad Request"); the invalid_grant body is the sandbox's.
            raise _json_error(400, "invalid_grant", "The authorization code is invalid or expired.")
        # A new consent for the same user and app invalidates the older chains.
        ExactTokenChain.objects.using(DB).filter(client=client, user_id=found.user_id, alive=True).update(
            alive=False, killed_reason="new consent"
        )
        chain = ExactTokenChain.objects.using(DB).create(
            client=client, user_id=found.user_id, division=found.division, created_at=now
        )
        return issue_token(chain=chain)


def _refresh(*, client: ExactOAuthClient, refresh_token: str) -> ExactToken:
    now = clock.now()
    with transaction.atomic(using=DB):
        current = (
            ExactToken.objects.using(DB).select_related("chain")
            .filter(refresh_token=refresh_token, chain__client=client).first()
        )
        if current is None:
            raise broken_chain()
        chain = current.chain
        successor_used = current.children.filter(first_used_at__isnull=False).exists()
        if not chain.alive:
            error = broken_chain()
        elif current.superseded or successor_used:
            error = old_refresh_token_used()
        elif now >= current.refresh_expires_at:
            error = refresh_expired(current.refresh_expires_at, now)
        elif current.access_expires_at - now > timedelta(seconds=settings.SANDBOX_EXACT_REFRESH_MARGIN_SECONDS):
            error = too_early()
        else:
            ExactToken.objects.using(DB).filter(pk=current.pk).update(refresh_used=True)
            token_used(current, at=now)
            return issue_token(chain=chain, parent=current)
    raise error


def token_used(token: ExactToken, *, at=None) -> None:
    """The first use of a pair (its access token, or its refresh token): its siblings are superseded."""
    if token.first_used_at is not None:
        return
    at = at or clock.now()
    if ExactToken.objects.using(DB).filter(pk=token.pk, first_used_at__isnull=True).update(first_used_at=at):
        token.first_used_at = at
        if token.parent_id is not None:
            ExactToken.objects.using(DB).filter(parent_id=token.parent_id, first_used_at__isnull=True).exclude(
                pk=token.pk
            ).update(superseded=True)


def bearer_token(request) -> ExactToken | None:
    """The valid (known, unexpired, chain alive) access token of the request, or None."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    found = (
        ExactToken.objects.using(DB).select_related("chain__client")
        .filter(access_token=header[7:].strip()).first()
    )
    return found


def token_is_valid(found: ExactToken | None) -> bool:
    return (
        found is not None and found.chain.alive and not found.superseded and clock.now() < found.access_expires_at
    )
