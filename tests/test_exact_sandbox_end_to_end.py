"""The connection and the client against the Exact sandbox, over (in-process) HTTP."""

import random
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection as db
from django.urls import reverse

from coupling.exact.client import ExactClient
from coupling.exact.errors import ExactError, ExactReconnectNeeded
from coupling.http import new_session
from coupling.models import ExactConnection
from devtools.management.commands.sandbox_connect import ConsentFormParser
from sandbox.exact.seed import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, seed_exact
from sandbox.seedcodes import DIVISION

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def sandbox(sandbox_http, settings):
    settings.CLOCK_OFFSET_SECONDS = 0.0
    seed_exact(rng=random.Random(1))
    return sandbox_http


def _later(settings):
    """A sleeper that moves both clocks (product and sandbox) instead of waiting."""

    def sleep(seconds):
        settings.CLOCK_OFFSET_SECONDS += seconds

    return sleep


def _gl_accounts(client):
    return client.get_list("financial/GLAccounts", select=["ID", "Code"], filter="Code ne ''")


def test_the_whole_oauth_flow_against_the_sandbox(client, sandbox, settings, admin_user):
    client.force_login(admin_user)
    ExactConnection.objects.create(
        country="custom", base_url=f"{settings.SANDBOX_BASE_URL}/sandbox/exact",
        client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET,
    )
    # The browser goes to Exact's consent page and approves.
    to_exact = client.post(reverse("admin:coupling_exactconnection_connect"))
    browser = new_session()
    page = browser.get(to_exact["Location"], timeout=5)
    assert page.status_code == 200 and "Approve" in page.text
    form = ConsentFormParser()
    form.feed(page.text)
    back = browser.post(page.url, data=form.fields, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    assert callback.path == reverse("admin:coupling_exactconnection_oauth_callback")
    query = parse_qs(callback.query)

    forged = client.get(callback.path, {"code": query["code"][0], "state": "forged-state"})
    assert forged.status_code == 403
    assert ExactConnection.load().status == ExactConnection.Status.NOT_CONNECTED

    # The forged attempt used up the session's state: start again, and come back properly.
    to_exact = client.post(reverse("admin:coupling_exactconnection_connect"))
    page = browser.get(to_exact["Location"], timeout=5)
    back = browser.post(page.url, data=form.fields | {"state": parse_qs(urlsplit(page.url).query)["state"][0]},
                        allow_redirects=False, timeout=5)
    answer = client.get(urlsplit(back.headers["Location"]).path, parse_qs(urlsplit(back.headers["Location"]).query))
    assert answer.status_code == 302

    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.CONNECTED
    assert connection.division == DIVISION
    assert connection.connected_by == admin_user
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM coupling_exactconnection")
        raw_access, raw_refresh = cursor.fetchone()
    assert connection.access_token.startswith("AAEA")
    assert raw_access != connection.access_token and "AAEA" not in raw_access
    assert raw_refresh != connection.refresh_token
    me = [call for call in sandbox.calls if call[1].endswith("/current/Me")]
    assert me == [("GET", "/sandbox/exact/api/v1/current/Me", 200)]
    assert _gl_accounts(ExactClient())


def test_sandbox_connect_completes_the_connection_without_a_browser(sandbox, capsys):
    call_command("sandbox_connect")
    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.CONNECTED
    assert connection.administration == f"test:{DIVISION}"
    assert "connected" in capsys.readouterr().out
    assert _gl_accounts(ExactClient())


def test_sandbox_connect_exits_2_when_the_sandbox_is_not_reachable(settings):
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match="not reachable") as info:
        call_command("sandbox_connect")
    assert info.value.returncode == 2


def test_the_link_survives_many_token_lifetimes(sandbox, settings):
    call_command("sandbox_connect")
    sleep = _later(settings)
    client = ExactClient(sleeper=sleep)
    for _ in range(30):
        _gl_accounts(client)
        sleep(100)  # 3,000 s: five token lifetimes
    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.CONNECTED
    refreshes = [c for c in sandbox.calls if c[1].endswith("/oauth2/token")]
    assert [c[2] for c in refreshes] == [200] * 5  # the code exchange and four refreshes, none too early


def test_a_reused_refresh_token_kills_the_link_against_the_sandbox(sandbox, settings):
    call_command("sandbox_connect")
    stolen = ExactConnection.load().refresh_token
    settings.CLOCK_OFFSET_SECONDS += 590
    _gl_accounts(ExactClient())  # refreshes: `stolen` is now an old refresh token
    # A worker that lost the refresh's answer writes the old token back and refreshes again.
    ExactConnection.objects.update(refresh_token=stolen)
    settings.CLOCK_OFFSET_SECONDS += 590
    with pytest.raises(ExactReconnectNeeded):
        _gl_accounts(ExactClient())
    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.RECONNECT_NEEDED
    assert "Old refresh token used." in connection.last_error


def test_it_waits_on_the_sandboxs_minute_window_and_never_gets_429(sandbox, settings):
    call_command("sandbox_connect")  # its go-live check spends calls in this minute
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = 5
    _later(settings)(60)  # the smaller limit starts with a new minute
    client = ExactClient(sleeper=_later(settings))
    for _ in range(12):
        _gl_accounts(client)
    statuses = [c[2] for c in sandbox.calls if "/api/v1/" in c[1]]
    assert 429 not in statuses
    assert len(statuses) >= 12


def test_a_lost_response_to_a_post_is_outcome_unknown_against_the_sandbox(sandbox, settings):
    call_command("sandbox_connect")
    settings.SANDBOX_FAULTS = {"lost_response_rate": 1.0}
    with pytest.raises(ExactError) as info:
        ExactClient().post("crm/Accounts", {"Name": "Verloren BV", "Status": "C", "Code": "            990001"})
    assert info.value.outcome_unknown is True
    settings.SANDBOX_FAULTS = {}
    # Exact did create it: the caller must look it up before posting again.
    found = ExactClient().get_list("crm/Accounts", select=["ID", "Name"], filter="Code eq '            990001'")
    assert [row["Name"] for row in found] == ["Verloren BV"]
