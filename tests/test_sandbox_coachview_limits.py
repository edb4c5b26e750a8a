"""The simulated Coachview's token endpoint and daily limit headers (AspNetCoreRateLimit or numeric)."""

import re
from datetime import UTC, datetime

import pytest

from tests.coachview_data import debtor_record, put_debtor
from tests.sandbox_coachview_support import BASE, CoachviewCalls, token_form

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def cv(client, settings):
    settings.SANDBOX = True
    put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    return CoachviewCalls(client, settings)


def test_library_headers_name_the_period_and_an_iso_reset(cv, settings):
    settings.SANDBOX_COACHVIEW_RATE_LIMIT = 3
    first = cv.get("Debiteuren")
    assert first["X-Rate-Limit-Limit"] == "1d" and first["X-Rate-Limit-Remaining"] == "2"
    reset = first["X-Rate-Limit-Reset"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z", reset)
    assert datetime.fromisoformat(reset[:26] + "+00:00") > datetime.now(UTC)
    cv.get("Debiteuren"), cv.get("Debiteuren")

    refused = cv.get("Debiteuren")
    assert refused.status_code == 429
    assert refused.content == b"API calls quota exceeded! maximum admitted 3 per 1d."
    assert refused["Content-Type"].startswith("text/plain")
    assert 86000 < int(refused["Retry-After"]) <= 86400
    assert "X-Rate-Limit-Remaining" not in refused


def test_numeric_headers_as_before(cv, settings):
    settings.SANDBOX_COACHVIEW_RATE_HEADERS = "numeric"
    settings.SANDBOX_COACHVIEW_RATE_LIMIT = 1
    first = cv.get("Debiteuren")
    assert first["X-Rate-Limit-Limit"] == "1" and first["X-Rate-Limit-Remaining"] == "0"
    assert int(first["X-Rate-Limit-Reset"]) > 1_700_000_000
    refused = cv.get("Debiteuren")
    assert refused.status_code == 429 and refused["X-Rate-Limit-Remaining"] == "0"


def test_a_token_without_scope_gets_every_ticked_scope(client, settings):
    settings.SANDBOX = True
    answer = client.post(f"{BASE}/auth/connect/token", token_form(settings))
    assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
    from sandbox.models import CoachviewToken

    row = CoachviewToken.objects.get(token=answer.json()["access_token"])
    assert set(row.scopes.split()) == set(settings.SANDBOX_COACHVIEW_SCOPES.split())


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"client_secret": "fout"}, "invalid_client"),
        ({"client_id": "onbekend"}, "invalid_client"),
        ({"scope": "api Cursussen.Lezen"}, "invalid_scope"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
    ],
)
def test_token_errors_are_oauth2_400s(client, settings, extra, error):
    settings.SANDBOX = True
    answer = client.post(f"{BASE}/auth/connect/token", token_form(settings, **extra))
    assert answer.status_code == 400 and answer.json()["error"] == error
    if error == "invalid_scope":
        assert "Cursussen.Lezen" in answer.json()["error_description"]


def test_a_token_without_a_resources_scope_is_forbidden_there(client, settings, cv):
    token = client.post(f"{BASE}/auth/connect/token", token_form(settings, scope="api Facturen.Lezen")).json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token['access_token']}"}
    assert client.get(f"{BASE}/api/v1/Facturen", **auth).status_code == 200
    assert client.get(f"{BASE}/api/v1/Debiteuren", **auth).status_code == 403
    assert client.get(f"{BASE}/api/v1/Debiteuren").status_code == 401
