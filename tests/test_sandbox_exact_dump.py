import base64
import hashlib
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from sandbox.models import ExactOAuthClient, ExactRecord, SandboxRequest
from tests.sandbox_exact_support import Api, connect

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def _dump() -> tuple[str, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("sandbox_dump", stdout=out, stderr=err)
    return out.getvalue(), json.loads(out.getvalue()), err.getvalue()


def _assert_sorted(pairs):
    keys = [key for key, _ in pairs]
    assert keys == sorted(keys)
    return dict(pairs)


def _seed(seed: int = 1) -> str:
    out = io.StringIO()
    call_command("sandbox_seed", "--seed", str(seed), stdout=out)
    return out.getvalue()


def test_seed_wipes_and_seeds_the_division_deterministically(settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    summary = _seed()
    assert summary.startswith("sandbox_seed: ") and summary.count("\n") == 1
    client = Client()
    api = Api(client, connect(client)["access_token"])
    api.post("crm/Accounts", {"Code": "77777", "Name": "Weg na de seed", "Status": "C"})
    first_text, first, _ = _dump()
    _seed()
    second_text, second, _ = _dump()
    assert first_text != second_text  # the extra account is gone
    assert [a["Code"] for a in second["exact"]["accounts"]] == [
        "             10001", "             10002", "             10003", "             10004",
        "             10005", "             10006",
    ]
    assert _dump()[0] == second_text
    assert ExactOAuthClient.objects.using("sandbox").count() == 1
    assert not SandboxRequest.objects.using("sandbox").exists()
    periods = ExactRecord.objects.using("sandbox").filter(entity="financial/FinancialPeriods").count()
    assert periods == 36


def test_the_supplier_is_not_a_customer_and_the_gaps_exist(settings):
    _seed()
    _, dump, _ = _dump()
    supplier = next(a for a in dump["exact"]["accounts"] if a["Code"].strip() == "10006")
    assert supplier["IsSupplier"] is True and supplier["Status"] != "C"
    vat = {r.data["Code"]: r.data for r in ExactRecord.objects.using("sandbox").filter(entity="vat/VATCodes")}
    assert vat["5  "]["Type"] == "I"
    gl = {r.data["Code"]: r.data for r in ExactRecord.objects.using("sandbox").filter(entity="financial/GLAccounts")}
    assert gl["8900"]["IsBlocked"] and gl["1300"]["Type"] == 20


def test_the_dump_holds_entries_with_two_decimal_amounts_iso_dates_and_sorted_keys(settings):
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    _seed()
    client = Client()
    api = Api(client, connect(client)["access_token"])
    customer = api.one("crm/Accounts", "Code eq '             10001'")["ID"]
    gl = api.one("financial/GLAccounts", "Code eq '8000'")["ID"]
    pdf = b"%PDF-1.4 dump"
    document = api.post("documents/Documents", {"Subject": "Factuur 1", "Type": 10, "Account": customer}).json()["d"]
    api.post("documents/DocumentAttachments", {
        "Document": document["ID"], "FileName": "1.pdf", "Attachment": base64.b64encode(pdf).decode(),
    })
    api.post("salesentry/SalesEntries", {
        "Journal": "70", "Customer": customer, "EntryDate": "2026-05-01", "YourRef": "1", "Document": document["ID"],
        "SalesEntryLines": [{"GLAccount": gl, "AmountFC": -100, "VATCode": "2  ", "CostCenter": "100"}],
    })
    text, dump, summary = _dump()
    assert "1 sales entries" in summary
    assert text.count("\n") == 1  # exactly one JSON document
    json.loads(text, object_pairs_hook=_assert_sorted)
    assert re.search(r'"AmountDC": -121\.00', text) and re.search(r'"AmountFC": -100\.00', text)
    entry = dump["exact"]["sales_entries"][0]
    assert entry["EntryDate"] == "2026-05-01" and entry["DueDate"] == "2026-05-31"
    assert entry["SalesEntryLines"] == [{
        "AmountFC": -100.0, "CostCenter": "100", "Description": None, "GLAccountCode": "8000",
        "VATAmountFC": -21.0, "VATCode": "2  ",
    }]
    assert dump["exact"]["documents"][0]["attachments"] == [
        {"FileName": "1.pdf", "FileSize": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest()}
    ]
    assert dump["coachview"] == {} or "facturen" in dump["coachview"]
