"""The smaller differences between Exact and the sandbox, each as Exact does it."""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command

from coupling.exact.client import ExactClient
from coupling.exact.errors import ExactBudgetExhausted, ExactError
from coupling.models import ExactApiCall, ExactBudget
from sandbox import clock as sandbox_clock
from sandbox.exact.salesentries import close_period
from sandbox.exact.seed import seed_exact
from sandbox.models import ExactEndpointBlock, ExactRateCounter
from sandbox.seedcodes import DIVISION
from sync.catalogue import catalogue_entry, catalogue_match
from sync.models import Debtor
from sync.services.exact_payloads import account_update_payload

SANDBOX = pytest.mark.django_db(databases=["default", "sandbox"])


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


# -- a 429 with an empty body, and a daily 429 without the minutely headers -----------------------


@pytest.fixture
def linked(sandbox_http, settings):
    settings.CLOCK_OFFSET_SECONDS = 0.0
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")  # its go-live check spends calls in this minute
    settings.CLOCK_OFFSET_SECONDS += 60

    def later(seconds):
        settings.CLOCK_OFFSET_SECONDS += seconds

    return later


def _gl_accounts(client):
    return client.get_list("financial/GLAccounts", select=["ID", "Code"], filter="Code ne ''")


@SANDBOX
def test_a_daily_429_without_minutely_headers_is_the_day_spent(linked, settings):
    settings.SANDBOX_EXACT_DAILY_LIMIT = 0
    before = ExactApiCall.objects.count()
    with pytest.raises(ExactBudgetExhausted) as info:
        _gl_accounts(ExactClient(sleeper=linked))
    assert info.value.scope == "daily"
    assert list(ExactApiCall.objects.order_by("id").values_list("status", flat=True)[before:]) == [429]
    assert ExactBudget.objects.get().daily_remaining == 0


@SANDBOX
def test_a_429_with_an_empty_body_waits_for_the_next_minute_and_retries(linked, settings):
    settings.SANDBOX_EXACT_429_EMPTY_BODY = True
    # Another worker spent this minute's calls at Exact: the product's own count does not know.
    epoch = int(sandbox_clock.now().timestamp())
    scope = ExactRateCounter.objects.using("sandbox").values_list("scope", flat=True).first()
    ExactRateCounter.objects.using("sandbox").update_or_create(
        scope=scope, kind="minute", window_start=epoch - epoch % 60, defaults={"count": 60})
    before = ExactApiCall.objects.count()
    assert _gl_accounts(ExactClient(sleeper=linked))
    assert list(ExactApiCall.objects.order_by("id").values_list("status", flat=True)[before:]) == [429, 200]


# -- a taken entry number and a closed period, in REST wording -----------------------------------


@SANDBOX
@pytest.mark.parametrize("wording, code", [("rest", "exact.entry_number_in_use"), ("xml", "exact.entry_already_exists")])
def test_the_catalogue_explains_a_taken_entry_number_in_either_wording(api, settings, wording, code):
    settings.SANDBOX_EXACT_WORDING = wording
    assert api.post("salesentry/SalesEntries", _entry(api, EntryNumber=2026001)).status_code == 201
    refused = api.post("salesentry/SalesEntries", _entry(api, EntryNumber=2026001, YourRef="F2026-002"))
    text = refused.json()["error"]["message"]["value"]
    assert [m.code for m in catalogue_match(text)] == [code]
    assert catalogue_entry(code).permanent


@SANDBOX
@pytest.mark.parametrize("wording", ["rest", "xml"])
def test_the_catalogue_explains_a_closed_period_in_either_wording(api, settings, wording):
    settings.SANDBOX_EXACT_WORDING = wording
    close_period(division=DIVISION, year=2026, period=5)
    refused = api.post("salesentry/SalesEntries", _entry(api))
    assert [m.code for m in catalogue_match(refused.json()["error"]["message"]["value"])] == ["exact.period_closed"]


# -- deleting an entry's lines -------------------------------------------------------------------


@SANDBOX
def test_deleting_a_line_recomputes_the_entry_and_deleting_the_last_deletes_the_entry(api):
    body = _entry(api)
    body["SalesEntryLines"].append({**body["SalesEntryLines"][0], "AmountFC": 50.00})
    entry = api.post("salesentry/SalesEntries", body).json()["d"]
    assert entry["AmountFC"] == 181.5  # 100 + 21 + 50 + 10.50
    path = f"salesentry/SalesEntries(guid'{entry['EntryID']}')"
    lines = api.get(f"{path}/SalesEntryLines").json()["d"]["results"]
    second = next(line for line in lines if line["AmountFC"] == 50.0)
    assert api.delete(f"salesentry/SalesEntryLines(guid'{second['ID']}')").status_code == 204
    header = api.get(path, {"$select": "AmountFC,AmountDC,VATAmountFC"}).json()["d"]
    assert (header["AmountFC"], header["AmountDC"], header["VATAmountFC"]) == (121.0, 121.0, 21.0)
    first = next(line for line in lines if line["AmountFC"] == 100.0)
    assert api.delete(f"salesentry/SalesEntryLines(guid'{first['ID']}')").status_code == 204
    assert api.get(path, {"$select": "EntryID"}).status_code == 404


# -- a duplicate InvoiceNumber suggestion --------------------------------------------------------


@SANDBOX
def test_a_duplicate_invoice_number_suggestion_is_ignored_for_exacts_own_number(api):
    first = api.post("salesentry/SalesEntries", _entry(api, InvoiceNumber=2026500)).json()["d"]
    assert first["InvoiceNumber"] == 2026500
    second = api.post("salesentry/SalesEntries", _entry(api, InvoiceNumber=2026500, YourRef="F2026-002"))
    assert second.status_code == 201
    entry = second.json()["d"]
    assert entry["InvoiceNumber"] == entry["EntryNumber"] != 2026500



# -- the growing error block ---------------------------------------------------------------------


@SANDBOX
def test_an_endpoint_exact_blocks_is_a_transient_error_for_the_product(linked, settings):
    scope = ExactRateCounter.objects.using("sandbox").values_list("scope", flat=True).first()
    ExactEndpointBlock.objects.using("sandbox").create(
        scope=scope, endpoint="financial/GLAccounts", blocked_until=sandbox_clock.now() + timedelta(hours=2), strikes=2)
    before = ExactApiCall.objects.count()
    with pytest.raises(ExactError) as info:
        _gl_accounts(ExactClient(sleeper=linked))
    assert (info.value.status, info.value.permanent, info.value.outcome_unknown) == (429, False, False)
    assert list(ExactApiCall.objects.order_by("id").values_list("status", flat=True)[before:]) == [429, 429]


# -- __metadata as Exact writes it ---------------------------------------------------------------


@SANDBOX
def test_metadata_uri_and_type_are_exacts_for_me_and_namespaced_for_entities(api):
    me = api.get("http://testserver/sandbox/exact/api/v1/current/Me").json()["d"]["results"][0]
    assert me["__metadata"] == {
        "uri": f"http://testserver/sandbox/exact/api/v1/current/Me(guid'{me['UserID']}')",
        "type": "Exact.Web.Api.System.Me",
    }
    account = api.one("crm/Accounts", "Code eq '             10001'")
    assert account["__metadata"]["type"] == "Exact.Web.Api.Models.Account"
    assert account["__metadata"]["uri"].endswith(f"/api/v1/{DIVISION}/crm/Accounts(guid'{account['ID']}')")
