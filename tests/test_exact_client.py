import json
from decimal import Decimal

import pytest
import requests
from django.db import connections

from coupling.exact.client import ExactClient
from coupling.exact.entities import ExactPayloadError
from coupling.exact.errors import ExactError, ExactNotConnected, ExactReconnectNeeded
from coupling.models import ExactApiCall, ExactConnection
from tests.exact_fake import DIVISION, HOST, exact_world

pytestmark = pytest.mark.django_db


def test_it_refuses_to_build_a_client_without_a_connection():
    with pytest.raises(ExactNotConnected) as info:
        ExactClient()
    assert info.value.code == "connection.not_connected"


def test_it_refuses_to_build_a_client_when_the_link_needs_a_reconnect(world):
    ExactConnection.objects.update(status=ExactConnection.Status.RECONNECT_NEEDED, last_error="Old refresh token used.")
    with pytest.raises(ExactReconnectNeeded):
        world.client()


def test_it_knows_the_administration_key(world):
    assert world.client().administration == f"test:{DIVISION}"


def test_it_sends_exacts_headers_and_always_a_select(world):
    world.fake.rows["financial/GLAccounts"] = [{"ID": "x", "Code": "8000"}]
    rows = world.client().get_list("financial/GLAccounts", select=["ID", "Code"], filter="Code eq '8000'")
    assert rows == [{"ID": "x", "Code": "8000"}]
    sent = world.fake.rsps.calls[-1].request
    assert sent.url.startswith(f"{HOST}/api/v1/{DIVISION}/financial/GLAccounts?")
    assert "%24select=ID%2CCode" in sent.url
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["Prefer"] == "return=representation"
    assert sent.headers["Accept-Language"] == "nl"


def test_it_refuses_a_get_without_select_or_with_an_unknown_field(world):
    with pytest.raises(ExactPayloadError):
        world.client().get_list("financial/GLAccounts", select=[])
    with pytest.raises(ExactPayloadError):
        world.client().get_list("financial/GLAccounts", select=["ID", "Kode"])
    assert world.fake.api_calls() == []


def test_it_follows_next_links_across_pages(world):
    world.fake.rows["crm/Accounts"] = [{"ID": str(n), "Status": "C"} for n in range(130)]
    rows = world.client().get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'")
    assert [row["ID"] for row in rows] == [str(n) for n in range(130)]
    assert len(world.fake.api_calls()) == 3


def test_it_stops_paging_at_top(world):
    world.fake.rows["crm/Accounts"] = [{"ID": str(n), "Status": "C"} for n in range(130)]
    rows = world.client().get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'", top=5)
    assert len(rows) == 5
    assert len(world.fake.api_calls()) == 1


def test_a_post_returns_the_created_entity_unwrapped_with_decimals_as_numbers(world):
    created = world.client().post("crm/Accounts", {"Name": "ACME BV", "Status": "C", "Code": "            100100"})
    assert created["Name"] == "ACME BV"
    assert created["ID"]
    line = {"GLAccount": "c2f2e9c5-5f2e-4f61-9d52-1c5b7b1f0a11", "AmountFC": Decimal("100.10"), "VATCode": "2  "}
    world.client().post("salesentry/SalesEntries", {"Journal": "70", "SalesEntryLines": [line]})
    sent = json.loads(world.fake.rsps.calls[-1].request.body)
    assert sent["SalesEntryLines"][0]["AmountFC"] == 100.10


def test_it_never_sends_a_read_only_property(world):
    with pytest.raises(ExactPayloadError, match="read-only"):
        world.client().post("crm/Accounts", {"Name": "ACME BV", "IsSales": True})
    assert world.fake.api_calls() == []


def test_a_put_sends_to_the_entity_and_returns_nothing(world):
    guid = "c2f2e9c5-5f2e-4f61-9d52-1c5b7b1f0a11"
    world.fake.account_add("100100", ID=guid)
    assert world.client().put("crm/Accounts", guid, {"Name": "New name"}) is None
    assert world.fake.api_calls()[-1] == ("PUT", f"/api/v1/{DIVISION}/crm/Accounts(guid'{guid}')", 204)


def test_a_business_error_is_permanent_with_each_message_apart(world):
    body = {"error": {"code": "", "message": {"lang": "", "value": "Verplicht: Dagboek\r\nOngeldig: Klant (Type)"}}}
    world.fake.scripted.append((500, body, {"Reason": "Validation"}))
    with pytest.raises(ExactError) as info:
        world.client().post("salesentry/SalesEntries", {"Journal": "70"})
    error = info.value
    assert (error.status, error.permanent, error.outcome_unknown) == (500, True, False)
    assert error.messages == ["Verplicht: Dagboek", "Ongeldig: Klant (Type)"]
    assert error.reason == "Validation"
    assert error.endpoint == "salesentry/SalesEntries"


def test_a_500_without_a_body_on_a_post_leaves_the_outcome_unknown(world):
    world.fake.scripted.append((500, None, {}))
    with pytest.raises(ExactError) as info:
        world.client().post("salesentry/SalesEntries", {"Journal": "70"})
    assert info.value.outcome_unknown is True
    assert info.value.permanent is False


def test_a_lost_response_to_a_post_is_reported_as_outcome_unknown(world):
    world.fake.scripted.append((0, requests.ReadTimeout("read timed out"), {}))
    with pytest.raises(ExactError) as info:
        world.client().post("salesentry/SalesEntries", {"Journal": "70"})
    assert info.value.outcome_unknown is True
    assert info.value.permanent is False
    # Never re-posted by the client: the caller must look it up first.
    assert [c for c in world.fake.api_calls() if c[0] == "POST"] == [("POST", f"/api/v1/{DIVISION}/salesentry/SalesEntries", 0)]
    assert ExactApiCall.objects.filter(method="POST", status__isnull=True, error="ReadTimeout").count() == 1


def test_a_connection_error_on_a_get_is_transient_and_not_unknown(world):
    world.fake.scripted.append((0, requests.ConnectionError("reset"), {}))
    with pytest.raises(ExactError) as info:
        world.client().get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'")
    assert (info.value.permanent, info.value.outcome_unknown) == (False, False)


def test_a_401_reloads_the_token_from_the_database_and_retries_once(world, monkeypatch):
    # Another process refreshed: our token is gone, the database holds the new one.
    fresh = world.fake.issue()
    old = world.connection.access_token
    world.fake.access.pop(old)
    client = world.client()
    original = ExactConnection.load

    def stale_then_fresh():
        connection = original()
        if not getattr(stale_then_fresh, "served", False):
            stale_then_fresh.served = True
            return connection  # the old token, as a worker that read it before the refresh
        ExactConnection.objects.filter(pk=connection.pk).update(access_token=fresh["access_token"])
        return original()

    monkeypatch.setattr(ExactConnection, "load", stale_then_fresh)
    rows = client.get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'")
    assert rows == []
    assert [c[2] for c in world.fake.api_calls()] == [401, 200]


def test_a_token_exact_refuses_before_its_expiry_is_refreshed_at_once_and_the_call_retried(world):
    world.fake.access.clear()  # Exact no longer takes our token (expired early)
    rows = world.client().get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'")
    assert rows == []
    assert [c[2] for c in world.fake.api_calls()] == [401, 200]
    assert world.fake.refresh_used  # refreshed between the two calls


def test_a_revoked_link_says_reconnect_needed_at_the_first_refused_call(world):
    world.fake.access.clear()
    world.fake.refresh_valid.clear()  # the user revoked the app: the refresh token is dead too
    with pytest.raises(ExactReconnectNeeded):
        world.client().get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'")
    assert [c[2] for c in world.fake.api_calls()] == [401]
    assert ExactConnection.load().status == ExactConnection.Status.RECONNECT_NEEDED


def test_a_second_401_with_a_fresh_token_is_raised_and_not_retried_again(world, monkeypatch):
    from tests import exact_fake

    world.fake.access.clear()
    monkeypatch.setattr(exact_fake.FakeExact, "issue", lambda self: {  # tokens Exact never accepts
        "access_token": "acc-dead", "token_type": "bearer", "expires_in": "600", "refresh_token": "ref-x"
    })
    with pytest.raises(ExactError) as info:
        world.client().get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'")
    assert info.value.status == 401
    assert [c[2] for c in world.fake.api_calls()] == [401, 401]


def test_every_call_is_logged_without_query_or_secrets(world):
    world.client().get_list("crm/Accounts", select=["ID"], filter="Code eq '            100100'")
    call = ExactApiCall.objects.get()
    assert (call.method, call.status, call.endpoint) == ("GET", 200, "crm/Accounts")
    assert call.path == f"/api/v1/{DIVISION}/crm/Accounts"
    assert world.connection.access_token not in call.path


@pytest.mark.django_db(transaction=True)
def test_no_database_transaction_is_open_during_an_outbound_call(monkeypatch):
    seen = []
    with exact_world(monkeypatch, lifetime=600) as w:
        # Make the token need a refresh, so the refresh call is checked as well.
        ExactConnection.objects.update(access_token_expires_at=w.clock.now())
        w.fake.access = {k: w.clock.now() for k in w.fake.access}
        original_send = w.fake.rsps._on_request

        def watching(adapter, request, **kwargs):
            seen.append((request.method, connections["default"].in_atomic_block))
            return original_send(adapter, request, **kwargs)

        monkeypatch.setattr(w.fake.rsps, "_on_request", watching)
        w.client().post("crm/Accounts", {"Name": "ACME BV"})
        w.client().get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'")
    assert len(seen) == 3  # token refresh, POST, GET
    assert all(in_atomic is False for _, in_atomic in seen)


@pytest.mark.parametrize("elsewhere", [".evil.example", ":8443", "@evil.example"])
def test_a_next_page_link_to_any_other_host_is_refused(world, monkeypatch, elsewhere):
    """Exact's next-page link must be on exactly the same host: a prefix match would follow it elsewhere."""
    world.fake.rows["crm/Accounts"] = [{"ID": str(n), "Status": "C"} for n in range(130)]
    monkeypatch.setattr(world.fake, "host", HOST + elsewhere)  # the fake builds its __next from its host
    with pytest.raises(ExactError) as info:
        world.client().get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'")
    assert "next-page link leaves" in str(info.value)
    assert len(world.fake.api_calls()) == 1
