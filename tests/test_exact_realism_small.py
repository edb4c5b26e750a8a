"""Issue 18, item 5: the smaller differences between Exact and the sandbox, each as Exact does it."""

import pytest
from django.test import Client

from sync.models import Debtor
from sync.services.exact_payloads import account_update_payload
from tests.sandbox_exact_support import Api, connect, seeded

SANDBOX = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def api(db, settings):
    settings.SANDBOX = True
    seeded()
    client = Client()
    return Api(client, connect(client)["access_token"])


def _customer(api) -> dict:
    answer = api.get("crm/Accounts", {"$select": "ID,Code", "$filter": "Status eq 'C'", "$top": "1"})
    return answer.json()["d"]["results"][0]


# -- a PUT on an account with Code ---------------------------------------------------------------


@SANDBOX
def test_a_put_on_an_account_that_includes_its_unchanged_code_is_refused(api):
    customer = _customer(api)
    refused = api.put(f"crm/Accounts(guid'{customer['ID']}')", {"Code": customer["Code"], "City": "Assen"})
    assert refused.status_code == 500
    assert refused.json()["error"]["message"]["value"] == "Gegeven bestaat reeds."
    assert api.put(f"crm/Accounts(guid'{customer['ID']}')", {"City": "Assen"}).status_code == 204


@pytest.mark.django_db
def test_the_products_account_update_never_sends_code():
    debtor = Debtor.objects.create(coachview_id="d1", number="42", name="Noord B.V.", city="Groningen", country="nl")
    exact = {"Code": "                99", "Name": "Oud B.V.", "City": "Assen"}
    update = account_update_payload(debtor=debtor, exact_account=exact)
    assert update == {"Name": "Noord B.V.", "City": "Groningen", "Country": "NL"}


# -- a JSON number for a text field --------------------------------------------------------------


def _entry(api, **overrides) -> dict:
    customer = api.one("crm/Accounts", "Code eq '             10001'")["ID"]
    gl = api.one("financial/GLAccounts", "Code eq '8000'")["ID"]
    lines = [{"GLAccount": gl, "AmountFC": 100.00, "VATCode": "2  ", "Description": "Training"}]
    return {"Journal": "70", "Customer": customer, "EntryDate": "2026-05-01T00:00:00", "YourRef": "F2026-001",
            "SalesEntryLines": lines, **overrides}


@SANDBOX
def test_a_json_number_for_a_text_field_is_taken_as_its_text(api):
    answer = api.post("salesentry/SalesEntries", _entry(api, Journal=70))
    assert answer.status_code == 201, answer.content
    assert answer.json()["d"]["Journal"] == "70"
    refused = api.post("salesentry/SalesEntries", _entry(api, Journal=True, YourRef="F2026-002"))
    assert refused.status_code == 400
