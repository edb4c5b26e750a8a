"""The sandboxes' fault injection itself: seeded, deterministic, per test (settings) or per request (environment)."""

import pytest
from django.test import Client

from sandbox.coachview import faults as coachview_faults
from sandbox.exact import faults as exact_faults
from sandbox.models import CoachviewStatusWrite
from tests.coachview_data import debtor_record, invoice_record, put_debtor, put_invoice
from tests.sandbox_exact_support import Api, connect, seeded

pytestmark = [pytest.mark.faults, pytest.mark.django_db(databases=["default", "sandbox"])]
SELECT = {"$select": "Code"}
CV = "/sandbox/coachview"


@pytest.fixture
def exact(settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    settings.SANDBOX_FAULTS = {}
    seeded()
    client = Client()
    return Api(client, connect(client)["access_token"])


@pytest.fixture
def coachview(client, settings):
    settings.SANDBOX = True
    settings.SANDBOX_COACHVIEW_FAULTS = {}
    token = client.post(f"{CV}/auth/connect/token", {
        "grant_type": "client_credentials", "client_id": settings.SANDBOX_COACHVIEW_CLIENT_ID,
        "client_secret": settings.SANDBOX_COACHVIEW_CLIENT_SECRET, "scope": settings.SANDBOX_COACHVIEW_SCOPES,
    }).json()["access_token"]  # fmt: skip
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    invoice = put_invoice(
        invoice_record(1, put_debtor(debtor_record(10001), "2026-02-01T08:00:00")), "2026-03-01T10:00:00"
    )

    def put(body):
        path = f"{CV}/api/v1/Facturen/{invoice['id']}/Boekingsstatus"
        return client.put(path, body, content_type="application/json", **headers)

    def get(path="Facturen"):
        return client.get(f"{CV}/api/v1/{path}", **headers)

    return put, get, invoice


def test_the_same_seed_gives_the_same_faults_and_another_seed_others(exact, settings):
    def statuses(seed):
        settings.SANDBOX_FAULTS = {"seed": seed, "server_error_rate": 0.3, "unavailable_rate": 0.2}
        exact_faults.reset()
        return [exact.get("financial/Journals", SELECT).status_code for _ in range(30)]

    first = statuses(5)
    assert first == statuses(5) and first != statuses(6)
    assert {200, 500, 503} <= set(first)


def test_the_environment_is_read_on_every_request_and_wins_over_the_setting(exact, settings, monkeypatch):
    settings.SANDBOX_FAULTS = {"unavailable_rate": 1.0}
    assert exact.get("financial/Journals", SELECT).status_code == 503
    monkeypatch.setenv("SANDBOX_FAULTS", '{"server_error_rate": 1.0}')
    assert exact.get("financial/Journals", SELECT).status_code == 500
    monkeypatch.setenv("SANDBOX_FAULTS", "{}")
    settings.SANDBOX_FAULTS = {}
    assert exact.get("financial/Journals", SELECT).status_code == 200


def test_a_timeout_strikes_before_anything_is_done_and_a_lost_answer_after_the_commit(exact, settings):
    settings.SANDBOX_FAULTS = {"timeout_rate": 1.0}
    timed_out = exact.post("crm/Accounts", {"Code": "50001", "Name": "Niet gedaan", "Status": "C"})
    assert timed_out["X-Sandbox-Fault"] == "timeout"
    settings.SANDBOX_FAULTS = {"lost_response_rate": 1.0}
    lost = exact.post("crm/Accounts", {"Code": "50002", "Name": "Wel gedaan", "Status": "C"})
    assert lost.status_code == 201 and lost["X-Sandbox-Fault"] == "lost-response"
    settings.SANDBOX_FAULTS = {}
    assert exact.one("crm/Accounts", "Code eq '             50002'", "Name")["Name"] == "Wel gedaan"
    assert (
        exact.get("crm/Accounts", {"$filter": "Code eq '             50001'", "$select": "Name"}).json()["d"][
            "results"
        ]
        == []
    )


def test_a_429_burst_says_when_the_minute_window_resets(exact, settings):
    settings.SANDBOX_FAULTS = {"burst_429": {"every": 4, "length": 2}}
    statuses = [exact.get("financial/Journals", SELECT) for _ in range(8)]
    assert [answer.status_code for answer in statuses] == [200, 200, 200, 429, 429, 200, 200, 429]
    assert statuses[3]["X-RateLimit-Minutely-Remaining"] == "0" and statuses[3]["X-RateLimit-Minutely-Reset"]


def test_every_token_issued_so_far_expires_at_the_chosen_request(exact, settings):
    settings.SANDBOX_FAULTS = {"token_expiry_at": 3}
    assert [exact.get("financial/Journals", SELECT).status_code for _ in range(3)] == [200, 200, 401]


def test_an_entry_post_can_be_answered_once_with_an_html_page_and_nothing_booked(exact, settings):
    settings.SANDBOX_FAULTS = {"not_json_your_refs": ["9001"]}
    answer = exact.post("salesentry/SalesEntries", {"Journal": "70", "YourRef": "9001"})
    assert answer.status_code == 500 and answer["Content-Type"].startswith("text/html")
    again = exact.post("salesentry/SalesEntries", {"Journal": "70", "YourRef": "9001"})
    assert not again["Content-Type"].startswith("text/html")  # once: then Exact's own answer


def test_coachview_status_puts_can_fail_without_being_stored_or_be_stored_and_lose_their_answer(
    coachview, settings
):
    put, _get, invoice = coachview
    settings.SANDBOX_COACHVIEW_FAULTS = {"status_put_failure_rate": 1.0}
    assert put({"bevestigd": True}).status_code == 500
    assert not CoachviewStatusWrite.objects.exists()
    settings.SANDBOX_COACHVIEW_FAULTS = {"lost_response_rate": 1.0}
    lost = put({"bevestigd": True})
    assert lost.status_code == 204 and lost["X-Sandbox-Fault"] == "lost-response"
    assert CoachviewStatusWrite.objects.filter(invoice_id=invoice["id"]).count() == 1


def test_coachview_lists_can_come_back_cut_off_and_pdfs_missing(coachview, settings):
    _put, get, invoice = coachview
    settings.SANDBOX_COACHVIEW_FAULTS = {"malformed_json_rate": 1.0}
    cut = get()
    assert cut.status_code == 200
    with pytest.raises(ValueError):
        cut.json()
    settings.SANDBOX_COACHVIEW_FAULTS = {"pdf_missing_ids": [invoice["id"]]}
    assert get(f"Facturen/{invoice['id']}/Pdf").status_code == 404
    coachview_faults.reset()


@pytest.mark.parametrize("empty", ["", "  ", "{}", "null", None, {}])
def test_an_empty_plan_means_no_faults_in_either_sandbox(exact, coachview, settings, monkeypatch, empty):
    _put, get, _invoice = coachview
    monkeypatch.delenv("SANDBOX_FAULTS", raising=False)
    monkeypatch.delenv("SANDBOX_COACHVIEW_FAULTS", raising=False)
    settings.SANDBOX_FAULTS = settings.SANDBOX_COACHVIEW_FAULTS = empty
    assert exact.get("financial/Journals", SELECT).status_code == 200
    assert get().status_code == 200
    if isinstance(empty, str):  # the same text in the environment, read per request
        settings.SANDBOX_FAULTS = {"unavailable_rate": 1.0}
        monkeypatch.setenv("SANDBOX_FAULTS", empty)
        monkeypatch.setenv("SANDBOX_COACHVIEW_FAULTS", empty)
        expected = 503 if not empty.strip() else 200  # blank: the setting's plan; `{}` / `null`: no faults
        assert exact.get("financial/Journals", SELECT).status_code == expected
        assert get().status_code == 200


def test_a_broken_plan_in_the_environment_is_logged_and_injects_nothing(exact, settings, monkeypatch, caplog):
    monkeypatch.setenv("SANDBOX_FAULTS", "not json")
    assert exact.get("financial/Journals", SELECT).status_code == 200
    assert "SANDBOX_FAULTS is not valid JSON" in caplog.text
