from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from sandbox import clock
from sandbox.exact import faults
from sandbox.models import SandboxRequest
from tests.sandbox_exact_support import Api, connect, seeded

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
SELECT = {"$select": "Code"}


@pytest.fixture(autouse=True)
def _clock_at_the_start_of_a_minute(monkeypatch, settings):
    """The windows are fixed: on the wall clock a test could straddle a minute's end and flake."""
    start = datetime(2026, 11, 30, 10, 0, 1, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=settings.CLOCK_OFFSET_SECONDS))


@pytest.fixture
def limits_api(settings):
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = 5
    settings.SANDBOX_EXACT_DAILY_LIMIT = 8
    settings.SANDBOX_EXACT_ACCESS_TOKEN_SECONDS = 10 * 86400  # these tests move the clock by days
    seeded()
    client = Client()
    return Api(client, connect(client)["access_token"])


def _window_end_ms(seconds: int) -> int:
    epoch = int(clock.now().timestamp())
    return (epoch - epoch % seconds + seconds) * 1000


def test_every_answer_carries_the_daily_and_minutely_headers(limits_api):
    ok = limits_api.get("vat/VATCodes", SELECT)
    assert ok["X-RateLimit-Limit"] == "8" and ok["X-RateLimit-Remaining"] == "7"
    assert ok["X-RateLimit-Minutely-Limit"] == "5" and ok["X-RateLimit-Minutely-Remaining"] == "4"
    assert ok["X-RateLimit-Minutely-Reset"] == str(_window_end_ms(60))
    assert ok["X-RateLimit-Reset"] == str(_window_end_ms(86400))
    error = limits_api.get("vat/VATCodes")  # no $select: a 400, still counted and still with headers
    assert error.status_code == 400
    assert error["X-RateLimit-Remaining"] == "6" and error["X-RateLimit-Minutely-Remaining"] == "3"


def test_the_minute_limit_answers_429_with_only_the_minutely_headers(limits_api, settings):
    for _ in range(5):
        assert limits_api.get("vat/VATCodes", SELECT).status_code == 200
    refused = limits_api.get("vat/VATCodes", SELECT)
    assert refused.status_code == 429
    assert refused["X-RateLimit-Minutely-Remaining"] == "0"
    assert "X-RateLimit-Remaining" not in refused
    settings.CLOCK_OFFSET_SECONDS = 60
    again = limits_api.get("vat/VATCodes", SELECT)
    assert again.status_code == 200 and again["X-RateLimit-Remaining"] == "2"


def test_the_daily_limit_answers_429_until_the_day_resets(limits_api, settings):
    for minute in range(2):
        settings.CLOCK_OFFSET_SECONDS = 60 * minute
        for _ in range(4):
            assert limits_api.get("vat/VATCodes", SELECT).status_code == 200
    settings.CLOCK_OFFSET_SECONDS = 120
    refused = limits_api.get("vat/VATCodes", SELECT)
    assert refused.status_code == 429
    assert refused["X-RateLimit-Remaining"] == "0"
    assert refused["X-RateLimit-Reset"] == str(_window_end_ms(86400))
    settings.CLOCK_OFFSET_SECONDS = (int(refused["X-RateLimit-Reset"]) / 1000) - clock.now().timestamp() + 120 + 1
    assert limits_api.get("vat/VATCodes", SELECT).status_code == 200


def test_lifted_limits_never_refuse(limits_api, settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    for _ in range(12):
        assert limits_api.get("vat/VATCodes", SELECT).status_code == 200


def test_more_than_ten_errors_in_an_hour_block_the_endpoint(limits_api, settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    for _ in range(11):
        assert limits_api.get("vat/VATCodes", {"$filter": "Nope eq 1", "$select": "Code"}).status_code == 400
    blocked = limits_api.get("vat/VATCodes", SELECT)
    assert blocked.status_code == 429
    assert "blocked until" in blocked.json()["error"]["message"]["value"]
    # only that endpoint
    assert limits_api.get("financial/Journals", SELECT).status_code == 200
    settings.CLOCK_OFFSET_SECONDS = 3601
    assert limits_api.get("vat/VATCodes", SELECT).status_code == 200


def test_ten_errors_do_not_block_and_500s_do_not_count(limits_api, settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    for _ in range(10):
        limits_api.get("vat/VATCodes", {"$filter": "Nope eq 1", "$select": "Code"})
    for _ in range(3):
        assert limits_api.post("salesentry/SalesEntries", {"Journal": "70"}).status_code == 500
    assert limits_api.get("vat/VATCodes", SELECT).status_code == 200


def test_the_counted_statuses_are_a_setting(limits_api, settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    settings.SANDBOX_EXACT_ERROR_STATUSES = [500]
    settings.SANDBOX_EXACT_ERROR_LIMIT = 2
    for _ in range(3):
        assert limits_api.post("salesentry/SalesEntries", {"Journal": "70"}).status_code == 500
    assert limits_api.post("salesentry/SalesEntries", {"Journal": "70"}).status_code == 429


def test_unavailable_fault_answers_503_without_a_body(limits_api, settings):
    settings.SANDBOX_FAULTS = {"seed": 3, "unavailable_rate": 1.0}
    answer = limits_api.get("vat/VATCodes", SELECT)
    assert answer.status_code == 503 and answer.content == b""


def test_a_lost_response_is_committed_and_flagged(limits_api, settings):
    settings.SANDBOX_FAULTS = {"seed": 3, "lost_response_rate": 1.0}
    answer = limits_api.post("crm/Accounts", {"Code": "50001", "Name": "Verloren antwoord", "Status": "C"})
    assert answer.status_code == 201 and answer["X-Sandbox-Fault"] == "lost-response"
    settings.SANDBOX_FAULTS = {}
    assert limits_api.one("crm/Accounts", "Code eq '             50001'", "Name")["Name"] == "Verloren antwoord"


def test_fault_sequences_are_deterministic(limits_api, settings):
    def run():
        faults.reset()
        return [limits_api.get("financial/Journals", SELECT).status_code == 503 for _ in range(6)]

    settings.SANDBOX_EXACT_RATE_LIMITS = False
    settings.SANDBOX_FAULTS = {"seed": 7, "unavailable_rate": 0.5}
    first = run()
    assert first == run()
    assert True in first and False in first


def test_every_request_is_logged(limits_api):
    limits_api.get("vat/VATCodes", SELECT)
    logged = SandboxRequest.objects.using("sandbox").filter(system="exact").values_list("method", "path", "status")
    assert ("GET", "/sandbox/exact/api/v1/1234567/vat/VATCodes", 200) in list(logged)
    assert ("POST", "/sandbox/exact/api/oauth2/token", 200) in list(logged)


def test_the_daily_limit_answers_429_without_the_minutely_headers(limits_api, settings):
    settings.SANDBOX_EXACT_DAILY_LIMIT = 0
    refused = limits_api.get("vat/VATCodes", SELECT)
    assert refused.status_code == 429
    assert refused["X-RateLimit-Remaining"] == "0" and "X-RateLimit-Reset" in refused
    assert not [name for name in refused.headers if name.startswith("X-RateLimit-Minutely")]


def test_a_429_can_come_without_a_body(limits_api, settings):
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = 0
    assert limits_api.get("vat/VATCodes", SELECT).content == b"Too Many Requests"
    settings.SANDBOX_EXACT_429_EMPTY_BODY = True
    refused = limits_api.get("vat/VATCodes", SELECT)
    assert refused.status_code == 429 and refused.content == b""


def test_the_block_grows_when_errors_go_on_after_it_and_shrinks_after_a_quiet_hour(limits_api, settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False

    def errors_until_blocked():
        for _ in range(11):
            assert limits_api.get("vat/VATCodes", {"$filter": "Nope eq 1", "$select": "Code"}).status_code == 400
        assert limits_api.get("vat/VATCodes", SELECT).status_code == 429

    errors_until_blocked()  # first block: an hour
    settings.CLOCK_OFFSET_SECONDS = 3601
    errors_until_blocked()  # again right after it: two hours
    settings.CLOCK_OFFSET_SECONDS = 3601 + 3601
    assert limits_api.get("vat/VATCodes", SELECT).status_code == 429
    settings.CLOCK_OFFSET_SECONDS = 3601 + 7201
    assert limits_api.get("vat/VATCodes", SELECT).status_code == 200
    settings.CLOCK_OFFSET_SECONDS = 3601 + 7201 + 3601 + 60  # a quiet hour after the block: back to one hour
    errors_until_blocked()
    settings.CLOCK_OFFSET_SECONDS += 3601
    assert limits_api.get("vat/VATCodes", SELECT).status_code == 200
