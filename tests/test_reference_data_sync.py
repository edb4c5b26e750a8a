"""Refreshing the mirror of Exact's lists (with a fake client; end to end against the sandbox elsewhere)."""

from io import StringIO
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from coupling.exact.errors import ExactError
from mappings.models import (
    ExactCostCenter,
    ExactFinancialPeriod,
    ExactGLAccount,
    ExactJournal,
    ExactPaymentCondition,
    ExactVatCode,
    ReferenceSync,
)
from mappings.services import reference_data_sync

pytestmark = pytest.mark.django_db

ROWS = {
    "vat/VATCodes": [
        {
            "ID": str(uuid4()),
            "Code": "2  ",
            "Description": "BTW hoog",
            "Percentage": 0.21,
            "Type": "E",
            "VATTransactionType": "S",
            "IsBlocked": False,
        },
        {
            "ID": str(uuid4()),
            "Code": "5  ",
            "Description": "Inclusief",
            "Percentage": 0.21,
            "Type": "I",
            "VATTransactionType": "S",
            "IsBlocked": False,
        },
    ],
    "sync/Financial/GLAccounts": [
        {
            "ID": str(uuid4()),
            "Code": "8000",
            "Description": "Omzet",
            "Type": 110,
            "IsBlocked": False,
            "UseCostcenter": 0,
        },
        {
            "ID": str(uuid4()),
            "Code": "8900",
            "Description": "Oud",
            "Type": 110,
            "IsBlocked": True,
            "UseCostcenter": 1,
        },
    ],
    "hrm/Costcenters": [
        {"ID": str(uuid4()), "Code": "100", "Description": "Open", "EndDate": None},
        {"ID": str(uuid4()), "Code": "900", "Description": "Weg", "EndDate": "/Date(1609372800000)/"},
    ],
    "financial/Journals": [
        {
            "ID": str(uuid4()),
            "Code": "70",
            "Description": "Verkoopboek",
            "Type": 20,
            "IsBlocked": False,
            "Currency": "EUR",
            "AllowVariableCurrency": False,
        },
    ],
    "cashflow/PaymentConditions": [
        {"ID": str(uuid4()), "Code": "30", "Description": "30 dagen", "PaymentDays": 30}
    ],
    "financial/FinancialPeriods": [
        {
            "ID": str(uuid4()),
            "FinYear": 2026,
            "FinPeriod": 1,
            "StartDate": "/Date(1767225600000)/",
            "EndDate": "/Date(1769817600000)/",
        },
    ],
}


class FakeClient:
    administration = "test:1234567"

    def __init__(self, rows=ROWS, fail_on=None):
        self.rows, self.fail_on, self.requests = rows, fail_on, []

    def get_list(self, endpoint, select=None, filter=None, top=None):
        self.requests.append((endpoint, select))
        if endpoint == self.fail_on:
            raise ExactError("Exact is down", status=503)
        return self.rows[endpoint]


def test_it_fills_the_mirror_with_each_list_in_one_call():
    client = FakeClient()
    result = reference_data_sync(client=client)
    assert len(client.requests) == 6
    assert all(
        select for _, select in client.requests
    )  # Exact requires $select (bulk endpoints refuse without)
    assert ExactVatCode.objects.get(code="5  ").vat_type == "I"
    assert ExactGLAccount.objects.get(code="8900").is_blocked
    assert ExactGLAccount.objects.get(code="8900").use_cost_center == 1
    assert str(ExactCostCenter.objects.get(code="900").end_date) == "2020-12-31"
    assert ExactJournal.objects.get(code="70").currency == "EUR"
    assert ExactPaymentCondition.objects.get(code="30").payment_days == 30
    period = ExactFinancialPeriod.objects.get()
    assert (str(period.start_date), str(period.end_date)) == ("2026-01-01", "2026-01-31")
    assert ReferenceSync.objects.get(administration="test:1234567").counts == result.counts
    with translation.override("en"):
        assert "2 Exact VAT codes" in result.summary()
    with translation.override("nl"):
        assert "2 btw-codes in Exact" in result.summary()


def test_a_refresh_replaces_the_mirror_of_that_administration_only():
    ExactVatCode.objects.create(administration="test:1234567", code="OLD")
    ExactVatCode.objects.create(administration="live:999", code="KEEP")
    reference_data_sync(client=FakeClient())
    assert set(ExactVatCode.objects.values_list("code", flat=True)) == {"2  ", "5  ", "KEEP"}


def test_a_failing_read_leaves_the_previous_mirror_untouched():
    ExactVatCode.objects.create(administration="test:1234567", code="OLD")
    with pytest.raises(ExactError):
        reference_data_sync(client=FakeClient(fail_on="financial/FinancialPeriods"))
    assert list(ExactVatCode.objects.values_list("code", flat=True)) == ["OLD"]
    assert not ReferenceSync.objects.exists()


def test_no_http_happens_inside_the_transaction():
    from django.db import connection

    client = FakeClient()
    original = client.get_list
    outside = list(connection.savepoint_ids)  # the test's own transaction

    def get_list(*args, **kwargs):
        assert connection.savepoint_ids == outside, "HTTP inside a transaction"
        return original(*args, **kwargs)

    client.get_list = get_list
    reference_data_sync(client=client)


def test_the_command_prints_a_one_line_summary(monkeypatch):
    monkeypatch.setattr(
        "mappings.services.reference.ExactClient", lambda deadline=None: FakeClient(), raising=False
    )
    monkeypatch.setattr("mappings.services.reference.ExactClient", lambda deadline=None: FakeClient())
    out = StringIO()
    with translation.override("en"):
        call_command("sync_reference_data", stdout=out)
    assert out.getvalue().count("\n") == 1
    assert "refreshed" in out.getvalue()


def test_the_command_exits_2_when_exact_is_not_connected():
    with pytest.raises(CommandError) as raised:
        call_command("sync_reference_data")
    assert raised.value.returncode == 2
    assert "not refreshed" in str(raised.value)


def test_the_command_exits_2_when_the_budget_is_spent(monkeypatch):
    from coupling.exact.errors import ExactBudgetExhausted

    def spent(deadline=None):
        raise ExactBudgetExhausted("daily budget spent", retry_at=None, scope="daily")

    monkeypatch.setattr("mappings.services.reference.ExactClient", spent)
    with pytest.raises(CommandError) as raised:
        call_command("sync_reference_data")
    assert raised.value.returncode == 2
