"""The Coachview client: token, scopes, rate limit and error classes, against the sandbox."""

from datetime import timedelta

import pytest
import requests
import responses

from coupling import clock
from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError
from coupling.models import CoachviewConnection
from sandbox.models import CoachviewToken
from tests.coachview_data import api_calls, debtor_record, put_debtor

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def _token_calls():
    return len(api_calls("/auth/connect/token"))


def test_it_caches_the_token_until_shortly_before_it_expires(coachview, settings):
    client = CoachviewClient()
    client.get_list("Facturen")
    client.get_list("Debiteuren")
    assert _token_calls() == 1
    assert CoachviewConnection.load().access_token  # kept (encrypted) for the next run

    lifetime = settings.SANDBOX_COACHVIEW_TOKEN_LIFETIME
    settings.CLOCK_OFFSET_SECONDS = lifetime - settings.COACHVIEW_TOKEN_MARGIN_SECONDS + 1
    CoachviewClient().get_list("Facturen")

    assert _token_calls() == 2


def test_the_token_is_encrypted_at_rest(coachview):
    CoachviewClient().get_list("Facturen")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, client_secret FROM coupling_coachviewconnection")
        stored_token, stored_secret = cursor.fetchone()
    assert stored_token and stored_token != CoachviewConnection.load().access_token
    assert stored_secret != "sandbox-secret"


def test_a_401_leads_to_exactly_one_token_refresh(coachview):
    put_debtor(debtor_record(10001), "2026-01-01T08:00:00")
    client = CoachviewClient()
    client.get_list("Debiteuren")
    CoachviewToken.objects.all().delete()  # Coachview forgot the token (revoked, restarted)

    rows = client.get_list("Debiteuren")

    assert len(rows) == 1
    assert _token_calls() == 2
    assert [call.status for call in api_calls("/api/v1/")] == [200, 401, 200]


def test_a_401_after_the_refresh_is_a_permanent_error(coachview, settings):
    client = CoachviewClient()
    client.get_list("Facturen")
    CoachviewToken.objects.all().delete()
    settings.SANDBOX_COACHVIEW_CLIENT_SECRET = "rotated-in-coachview"

    with pytest.raises(CoachviewError) as caught:
        client.get_list("Facturen")

    assert caught.value.permanent and caught.value.code == "coachview.credentials_refused"
    assert _token_calls() == 2


def test_a_403_names_the_missing_scope(coachview):
    coachview.scopes = "api Facturen.Lezen"
    coachview.save()

    with pytest.raises(CoachviewError) as caught:
        CoachviewClient().get_list("Debiteuren")

    error = caught.value
    assert error.status == 403 and error.permanent and error.code == "coachview.scope_missing"
    assert "'Debiteuren.Lezen'" in error.message


def test_a_403_on_a_status_write_names_the_write_scope(coachview):
    coachview.scopes = "api Facturen.Lezen"
    coachview.save()

    with pytest.raises(CoachviewError) as caught:
        CoachviewClient().put("Facturen/x/Boekingsstatus", {"bevestigd": True})

    assert "'Facturen.Schrijven'" in caught.value.message


def test_a_429_waits_for_the_reset_with_the_injected_sleeper(coachview, settings):
    settings.SANDBOX_COACHVIEW_RATE_LIMIT = 2
    settings.SANDBOX_COACHVIEW_RATE_WINDOW_SECONDS = 120
    slept = []

    def sleeper(seconds):
        slept.append(seconds)
        settings.CLOCK_OFFSET_SECONDS += seconds  # time passes for both the product and the sandbox

    client = CoachviewClient(sleeper=sleeper)
    client.get_list("Facturen")
    client.get_list("Facturen")
    assert CoachviewConnection.load().rate_limit_remaining == 0

    client.get_list("Facturen")

    assert len(slept) == 1 and 100 <= slept[0] <= 122
    assert [call.status for call in api_calls("/api/v1/")] == [200, 200, 200]  # it waited instead of a 429


def test_a_429_is_answered_by_waiting_when_the_budget_was_not_known(coachview, settings):
    settings.SANDBOX_COACHVIEW_RATE_LIMIT = 1
    settings.SANDBOX_COACHVIEW_RATE_WINDOW_SECONDS = 60
    CoachviewClient().get_list("Facturen")  # another worker spent the budget
    slept = []

    def sleeper(seconds):
        slept.append(seconds)
        settings.CLOCK_OFFSET_SECONDS += seconds

    client = CoachviewClient(sleeper=sleeper)
    client.connection.rate_limit_remaining = None
    client.get_list("Facturen")

    assert len(slept) == 1
    assert [call.status for call in api_calls("/api/v1/")] == [200, 429, 200]


def test_a_429_past_the_deadline_stops_without_sleeping(coachview, settings):
    settings.SANDBOX_COACHVIEW_RATE_LIMIT = 1
    client = CoachviewClient(deadline=clock.now() + timedelta(seconds=30), sleeper=pytest.fail)
    client.get_list("Facturen")

    with pytest.raises(CoachviewError) as caught:
        client.get_list("Facturen")

    assert caught.value.code == "coachview.rate_limited" and not caught.value.permanent
    assert caught.value.retry_at is not None


def test_server_errors_are_transient(coachview, settings):
    settings.SANDBOX_COACHVIEW_FAIL_PATHS = ["/Facturen"]

    with pytest.raises(CoachviewError) as caught:
        CoachviewClient().get_list("Facturen")

    assert caught.value.status == 503 and not caught.value.permanent


def test_a_too_deep_skip_is_a_transient_server_error(coachview, settings):
    settings.SANDBOX_COACHVIEW_MAX_SKIP = 100

    with pytest.raises(CoachviewError) as caught:
        CoachviewClient().get_list("Facturen", skip=200)

    assert caught.value.status == 500 and not caught.value.permanent


@responses.activate
def test_a_timeout_is_transient_and_a_write_timeout_has_an_unknown_outcome(db, settings):
    connection = CoachviewConnection.load()
    connection.client_id, connection.client_secret = "client", "secret"
    connection.save()
    responses.post(
        f"{api.TRAINING_BASE_URL}/auth/connect/token", json={"access_token": "t", "expires_in": 900}
    )
    url = f"{api.TRAINING_BASE_URL}/api/v1/Facturen/abc/Boekingsstatus"
    responses.put(url, body=requests.ReadTimeout("read timed out"))
    responses.get(f"{api.TRAINING_BASE_URL}/api/v1/Facturen", body=requests.ConnectTimeout("no route"))
    client = CoachviewClient()

    with pytest.raises(CoachviewError) as write:
        client.put("Facturen/abc/Boekingsstatus", {"bevestigd": True})
    with pytest.raises(CoachviewError) as read:
        client.get_list("Facturen")

    assert not write.value.permanent and write.value.outcome_unknown
    assert not read.value.permanent and not read.value.outcome_unknown


@responses.activate
def test_amounts_are_read_as_decimals_and_a_non_list_answer_is_refused(db):
    connection = CoachviewConnection.load()
    connection.client_id, connection.client_secret = "client", "secret"
    connection.save()
    responses.post(
        f"{api.TRAINING_BASE_URL}/auth/connect/token", json={"access_token": "t", "expires_in": 900}
    )
    responses.get(f"{api.TRAINING_BASE_URL}/api/v1/Facturen", body='[{"totaalBtw": 0.1}]')
    responses.get(f"{api.TRAINING_BASE_URL}/api/v1/Debiteuren", json={"error": "x"})
    client = CoachviewClient()

    assert str(client.get_list("Facturen")[0]["totaalBtw"]) == "0.1"
    with pytest.raises(CoachviewError) as caught:
        client.get_list("Debiteuren")
    assert caught.value.code == "coachview.bad_response"
