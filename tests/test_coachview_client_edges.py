"""The Coachview client at the edges public evidence shows: no scope by default, OAuth errors, rate headers."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
import responses

from coupling import clock
from coupling.coachview import api
from coupling.coachview.client import CoachviewClient, CoachviewError, moment_from_header
from coupling.models import CoachviewConnection

TOKEN_URL = f"{api.TRAINING_BASE_URL}/auth/connect/token"
LIST_URL = f"{api.TRAINING_BASE_URL}/api/v1/Facturen"


@pytest.fixture
def connection(db):
    connection = CoachviewConnection.load()
    connection.client_id, connection.client_secret = "client", "secret"
    connection.save()
    return connection


def _token_ok():
    responses.post(TOKEN_URL, json={"access_token": "t", "expires_in": 900, "token_type": "Bearer"})


@responses.activate
def test_no_scope_is_asked_by_default(connection):
    _token_ok()
    responses.get(LIST_URL, json=[])

    CoachviewClient().get_list("Facturen")

    form = parse_qs(responses.calls[0].request.body)
    assert form["grant_type"] == ["client_credentials"] and "scope" not in form


@responses.activate
def test_a_tenant_that_needs_scopes_gets_them_asked(connection):
    connection.scopes = "api Facturen.Lezen"
    connection.save()
    _token_ok()
    responses.get(LIST_URL, json=[])

    CoachviewClient().get_list("Facturen")

    assert parse_qs(responses.calls[0].request.body)["scope"] == ["api Facturen.Lezen"]


@responses.activate
def test_a_bad_client_is_a_permanent_configuration_error_with_coachviews_description(connection):
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_client", "error_description": "Client disabled"})

    with pytest.raises(CoachviewError) as caught:
        CoachviewClient().get_list("Facturen")

    error = caught.value
    assert error.code == "coachview.credentials_refused" and error.permanent and error.status == 400
    assert "invalid_client: Client disabled" in error.message


@responses.activate
def test_an_unknown_scope_is_told_apart_from_a_bad_client(connection):
    connection.scopes = "api Facturen.Lezen"
    connection.save()
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_scope"})

    with pytest.raises(CoachviewError) as caught:
        CoachviewClient().get_list("Facturen")

    assert caught.value.code == "coachview.scope_refused"
    assert "'api Facturen.Lezen'" in caught.value.message


@responses.activate
def test_the_rate_limit_library_headers_are_read_one_by_one(connection):
    _token_ok()
    responses.get(
        LIST_URL,
        json=[],
        headers={
            "X-Rate-Limit-Limit": "1d",
            "X-Rate-Limit-Remaining": "4321",
            "X-Rate-Limit-Reset": "2026-12-03T19:18:52.1234567Z",
        },
    )

    CoachviewClient().get_list("Facturen")

    stored = CoachviewConnection.load()
    assert stored.rate_limit_remaining == 4321
    assert stored.rate_limit_limit is None  # a period, not a number: the last known limit stays
    assert stored.rate_limit_reset == datetime(2026, 12, 3, 19, 18, 52, 123456, tzinfo=UTC)


@responses.activate
def test_numeric_rate_headers_are_read_too(connection):
    _token_ok()
    responses.get(
        LIST_URL,
        json=[],
        headers={"X-Rate-Limit-Limit": "5000", "X-Rate-Limit-Remaining": "12", "X-Rate-Limit-Reset": "1796325532"},
    )

    CoachviewClient().get_list("Facturen")

    stored = CoachviewConnection.load()
    assert (stored.rate_limit_limit, stored.rate_limit_remaining) == (5000, 12)
    assert stored.rate_limit_reset == datetime.fromtimestamp(1796325532, tz=UTC)


@responses.activate
def test_unreadable_rate_headers_never_crash_a_call(connection):
    _token_ok()
    responses.get(
        LIST_URL, json=[{"id": "x"}],
        headers={"X-Rate-Limit-Limit": "veel", "X-Rate-Limit-Remaining": "?", "X-Rate-Limit-Reset": "morgen"},
    )  # fmt: skip

    assert CoachviewClient().get_list("Facturen") == [{"id": "x"}]
    assert CoachviewConnection.load().rate_limit_remaining is None


@responses.activate
def test_a_429_with_only_retry_after_and_a_text_body_waits_that_long_and_goes_on(connection):
    _token_ok()
    responses.get(
        LIST_URL,
        status=429,
        body="API calls quota exceeded! maximum admitted 5000 per 1d.",
        content_type="text/plain",
        headers={"Retry-After": "42"},
    )
    responses.get(LIST_URL, json=[{"id": "y"}])
    slept = []

    rows = CoachviewClient(sleeper=slept.append).get_list("Facturen")

    assert rows == [{"id": "y"}]
    assert len(slept) == 1 and 42 <= slept[0] <= 44


@responses.activate
def test_a_429_that_asks_for_too_long_a_wait_stops_with_the_moment_to_retry(connection, settings):
    _token_ok()
    responses.get(LIST_URL, status=429, body="API calls quota exceeded!", headers={"Retry-After": "7200"})

    with pytest.raises(CoachviewError) as caught:
        CoachviewClient(sleeper=pytest.fail).get_list("Facturen")

    assert caught.value.code == "coachview.rate_limited" and not caught.value.permanent
    assert caught.value.retry_at > clock.now() + timedelta(seconds=7000)


@responses.activate
def test_an_empty_list_may_come_as_204_or_an_empty_body(connection):
    _token_ok()
    responses.get(LIST_URL, status=204)
    responses.get(f"{api.TRAINING_BASE_URL}/api/v1/Debiteuren", body="")
    client = CoachviewClient()

    assert client.get_list("Facturen") == [] and client.get_list("Debiteuren") == []


@responses.activate
def test_list_flags_are_sent_as_given(connection):
    _token_ok()
    responses.get(LIST_URL, json=[])

    CoachviewClient().get_list("Facturen", params={"InclusiefDirecteRelaties": "true"})

    assert "InclusiefDirecteRelaties=true" in responses.calls[1].request.url


def test_reset_headers_in_every_known_form():
    assert moment_from_header("2026-12-03T19:18:52.1234567Z") == datetime(2026, 12, 3, 19, 18, 52, 123456, tzinfo=UTC)
    assert moment_from_header("2026-12-03T19:18:52+01:00").utcoffset() == timedelta(hours=1)
    assert moment_from_header("1796325532") == datetime.fromtimestamp(1796325532, tz=UTC)
    assert moment_from_header("") is None and moment_from_header("morgen") is None
    soon = moment_from_header("60")
    assert timedelta(seconds=55) < soon - clock.now() <= timedelta(seconds=60)
