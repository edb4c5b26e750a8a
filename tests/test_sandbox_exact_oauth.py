from datetime import timedelta

import pytest
from django.test import Client

from sandbox.models import ExactTokenChain
from tests.sandbox_exact_support import BASE, REDIRECT, Api, authorization_code, connect, seeded, token_call

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def client():
    seeded()
    return Client()


def _later(settings, seconds):
    settings.CLOCK_OFFSET_SECONDS = settings.CLOCK_OFFSET_SECONDS + seconds


def test_the_code_flow_gives_tokens_shaped_like_exacts(client):
    tokens = connect(client)
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == "600"
    me = Api(client, tokens["access_token"]).client.get(
        f"{BASE}/api/v1/current/Me", {"$select": "CurrentDivision"},
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert me.status_code == 200
    assert me.json()["d"]["results"][0]["CurrentDivision"] == 1234567


def test_an_authorization_code_works_once(client):
    code = authorization_code(client)
    first = token_call(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    second = token_call(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert first.status_code == 200
    assert second.status_code == 400


def test_an_authorization_code_expires(client, settings):
    code = authorization_code(client)
    _later(settings, settings.SANDBOX_EXACT_AUTH_CODE_SECONDS + 1)
    answer = token_call(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert answer.status_code == 400


def test_an_unknown_client_gets_no_approve_page(client):
    page = client.get(f"{BASE}/api/oauth2/auth", {"client_id": "nope", "redirect_uri": REDIRECT})
    assert page.status_code == 400


def test_a_wrong_client_secret_is_an_invalid_request(client):
    answer = token_call(client, grant_type="refresh_token", refresh_token="x", client_secret="wrong")
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_request"}


def test_refreshing_too_early_is_refused_with_exacts_reason(client, settings):
    tokens = connect(client)
    answer = token_call(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert answer.status_code == 400
    assert answer.json() == {"error": "access_denied", "error_description": "Rate limit exceeded: access_token not expired"}
    assert answer["Reason"] == "TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired"
    # the refused attempt did not use up the refresh token
    _later(settings, 600 - 29)
    assert token_call(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]).status_code == 200


def test_refresh_rotates_and_the_old_access_token_lives_until_it_expires(client, settings):
    tokens = connect(client)
    _later(settings, 575)
    renewed = token_call(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert renewed["refresh_token"] != tokens["refresh_token"]
    assert Api(client, tokens["access_token"]).get("vat/VATCodes", {"$select": "Code"}).status_code == 200
    _later(settings, 30)
    assert Api(client, tokens["access_token"]).get("vat/VATCodes", {"$select": "Code"}).status_code == 401
    assert Api(client, renewed["access_token"]).get("vat/VATCodes", {"$select": "Code"}).status_code == 200


def test_reusing_a_refresh_token_after_its_successor_was_used_is_refused_and_the_chain_lives_on(client, settings):
    tokens = connect(client)
    _later(settings, 575)
    renewed = token_call(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert Api(client, renewed["access_token"]).get("vat/VATCodes", {"$select": "Code"}).status_code == 200
    reuse = token_call(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert reuse.status_code == 401
    assert reuse.json() == {"error": "unauthorized_client", "error_description": "Old refresh token used."}
    # Exact keeps the newest pair working (a worker holding it recovers).
    assert Api(client, renewed["access_token"]).get("vat/VATCodes", {"$select": "Code"}).status_code == 200
    _later(settings, 600)
    assert token_call(client, grant_type="refresh_token", refresh_token=renewed["refresh_token"]).status_code == 200
    assert ExactTokenChain.objects.using("sandbox").get().alive


def test_a_refresh_token_unused_for_thirty_days_expires(client, settings):
    tokens = connect(client)
    _later(settings, int(timedelta(days=31).total_seconds()))
    answer = token_call(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert answer.json()["error_description"].startswith("The refresh token expired at ")
    assert b"\\/" in answer.content


def test_a_new_consent_invalidates_the_older_chain(client):
    first = connect(client)
    second = connect(client)
    assert Api(client, first["access_token"]).get("vat/VATCodes", {"$select": "Code"}).status_code == 401
    assert Api(client, second["access_token"]).get("vat/VATCodes", {"$select": "Code"}).status_code == 200


def test_the_api_wants_a_bearer_token(client):
    assert client.get(f"{BASE}/api/v1/1234567/vat/VATCodes", {"$select": "Code"}).status_code == 401
