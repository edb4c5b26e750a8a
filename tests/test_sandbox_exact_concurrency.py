"""Several server processes share one budget and one token chain (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connections
from django.test import Client

from sandbox.exact import limits
from sandbox.models import ExactRecord, ExactTokenChain
from tests.sandbox_exact_support import Api, connect, seeded, token_call

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(databases=["default", "sandbox"], transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connections["sandbox"].vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL")


def _in_threads(count: int, work) -> list:
    results: list = []
    barrier = threading.Barrier(count)

    def run():
        try:
            barrier.wait()
            results.append(work())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_calls_never_exceed_the_minute_limit(settings):
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = 25

    def calls():
        return sum(not limits.consume(scope="app:1234567").refused for _ in range(10))

    allowed = sum(_in_threads(6, calls))
    assert allowed == 25
    assert limits.peek(scope="app:1234567").minute.remaining == 0


def test_two_workers_refreshing_at_once_both_get_a_pair_and_the_first_used_wins(settings):
    # Exact keeps a refresh token valid until its successor is first used (Invantive forum; picqer #544).
    seeded()
    client = Client()
    tokens = connect(client)
    settings.CLOCK_OFFSET_SECONDS = 590

    answers = _in_threads(2, lambda: token_call(
        Client(), grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    ))
    assert sorted(answer.status_code for answer in answers) == [200, 200]
    first, second = (answer.json() for answer in answers)
    assert Api(Client(), first["access_token"]).get("vat/VATCodes", {"$select": "Code"}).status_code == 200
    assert Api(Client(), second["access_token"]).get("vat/VATCodes", {"$select": "Code"}).status_code == 401
    assert ExactTokenChain.objects.using("sandbox").get().alive


def test_concurrent_creates_of_one_account_code_make_one_account(settings):
    # Two workers exporting invoices of one new debtor both find no account and both POST it;
    # Exact keeps codes unique, so one of them must get "Gegeven bestaat reeds".
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = 1000
    seeded()
    token = connect(Client())["access_token"]
    body = {"Code": "70001", "Name": "Opleider BV", "Status": "C"}

    answers = _in_threads(4, lambda: Api(Client(), token).post("crm/Accounts", body))

    assert sorted(answer.status_code for answer in answers) == [201, 500, 500, 500]  # business errors: 500
    refused = [answer.json()["error"]["message"]["value"] for answer in answers if answer.status_code == 500]
    assert refused == ["Gegeven bestaat reeds."] * 3
    codes = [r.data["Code"].strip() for r in ExactRecord.objects.using("sandbox").filter(entity="crm/Accounts")]
    assert codes.count("70001") == 1
    seqs = list(ExactRecord.objects.using("sandbox").values_list("seq", flat=True))
    assert len(seqs) == len(set(seqs)), "every row version (sync Timestamp) is unique"
