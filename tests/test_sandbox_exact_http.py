"""The sandbox as the product reaches it: plain requests through coupling.http.new_session()."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from coupling import http
from sandbox.exact.seed import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from sandbox.models import ExactRecord
from tests.sandbox_exact_support import seeded

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
TIMEOUT = (5, 30)


@pytest.fixture
def base(sandbox_http, settings):
    seeded()
    return f"{settings.SANDBOX_BASE_URL}/sandbox/exact"


def _connect(session: requests.Session, base: str) -> dict:
    redirect = "http://127.0.0.1:8000/exact/callback"
    approve = session.post(f"{base}/api/oauth2/auth", data={
        "client_id": SANDBOX_CLIENT_ID, "redirect_uri": redirect, "response_type": "code", "state": "xyz",
    }, allow_redirects=False, timeout=TIMEOUT)
    code = parse_qs(urlsplit(approve.headers["Location"]).query)["code"][0]
    answer = session.post(f"{base}/api/oauth2/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET,
    }, timeout=TIMEOUT)
    return answer.json()


def test_the_product_session_reaches_the_sandbox_and_reads_current_me(base):
    session = http.new_session()
    tokens = _connect(session, base)
    me = session.get(f"{base}/api/v1/current/Me", params={"$select": "CurrentDivision"},
                     headers={"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"},
                     timeout=TIMEOUT)
    assert me.status_code == 200
    assert me.json()["d"]["results"][0]["CurrentDivision"] == 1234567
    assert me.headers["X-RateLimit-Minutely-Limit"] == "60"


def test_a_lost_response_reaches_the_product_as_a_timeout_after_the_write(base, settings):
    session = http.new_session()
    tokens = _connect(session, base)
    settings.SANDBOX_FAULTS = {"seed": 1, "lost_response_rate": 1.0}
    with pytest.raises(requests.ReadTimeout):
        session.post(f"{base}/api/v1/1234567/crm/Accounts", json={"Code": "60001", "Name": "X", "Status": "C"},
                     headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=TIMEOUT)
    assert any(r.data["Code"].strip() == "60001" for r in ExactRecord.objects.using("sandbox").filter(entity="crm/Accounts"))
