"""Reconciliation findings and totals, with Exact's side given as rows (no HTTP)."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from sync.models import ExportState, ReconciliationLine
from sync.services.reconciliation import entries_filter, reconciliation_run
from sync.services.reconciliation_csv import reconciliation_csv
from tests.factories import ADMINISTRATION, BareInvoiceFactory, InvoiceExportFactory

Kind = ReconciliationLine.Kind
DAY = date(2026, 10, 15)


class FakeClient:
    administration = ADMINISTRATION

    def __init__(self, rows, error=None):
        self.rows, self.error, self.calls = rows, error, []

    def get_list(self, resource, *, select, filter=None, top=None, orderby=None):  # noqa: A002
        self.calls.append((resource, select, filter))
        if self.error:
            raise self.error
        return self.rows


def entry(number, amount, vat, *, entry_id=None, entry_number=None):
    return {
        "EntryID": str(entry_id or uuid.uuid4()),
        "EntryNumber": entry_number or int(number),
        "YourRef": number,
        "Journal": "70",
        "AmountFC": float(amount),
        "VATAmountFC": float(vat),
    }


def exported(number, excl="100.00", vat="21.00"):
    inv = BareInvoiceFactory(
        number=number, invoice_date=DAY, total_excl_vat=Decimal(excl), total_vat=Decimal(vat)
    )
    export = InvoiceExportFactory(invoice=inv, state=ExportState.EXPORTED, entry_id=uuid.uuid4())
    return inv, export


@pytest.mark.django_db
def test_it_finds_each_kind_of_difference_and_totals_both_sides():
    _, ok = exported("1001")
    changed, changed_export = exported("1002", excl="200.00", vat="42.00")
    _, missing_export = exported("1003")
    by_hand_invoice = BareInvoiceFactory(
        number="1004", invoice_date=DAY, total_excl_vat=Decimal("50.00"), total_vat=Decimal("10.50")
    )
    only_cv = BareInvoiceFactory(number="1005", invoice_date=DAY)
    BareInvoiceFactory(number="1006", invoice_date=DAY, status="Concept")  # not sent: not counted
    BareInvoiceFactory(number="1007", invoice_date=date(2026, 11, 2))  # another month
    rows = [
        entry("1001", "121.00", "21.00", entry_id=ok.entry_id),
        entry("1002", "121.00", "21.00", entry_id=changed_export.entry_id),  # Coachview changed after export
        entry("1004", "60.50", "10.50"),  # booked by hand under the invoice's number
        entry("9999", "30.25", "5.25", entry_number=5000),  # booked by hand, no such invoice
    ]

    r = reconciliation_run(year=2026, month=10, client=FakeClient(rows))

    found = {(line.kind, line.invoice_number, line.made_by_coupling) for line in r.lines.all()}
    assert found == {
        (Kind.AMOUNT_DIFFERS, "1002", True),
        (Kind.ONLY_COACHVIEW, "1003", False),
        (Kind.BY_HAND, "1004", False),
        (Kind.ONLY_COACHVIEW, "1005", False),
        (Kind.ONLY_EXACT, "9999", False),
    }
    differs = r.lines.get(kind=Kind.AMOUNT_DIFFERS)
    assert (differs.coachview_incl_vat, differs.exact_incl_vat) == (Decimal("242.00"), Decimal("121.00"))
    assert r.lines.get(invoice_number="1003").note  # exported, yet not among the month's entries
    assert (r.coachview_count, r.coachview_excl_vat, r.coachview_vat, r.coachview_incl_vat) == (
        5,
        Decimal("550.00"),
        Decimal("115.50"),
        Decimal("665.50"),
    )
    assert (r.exact_count, r.exact_excl_vat, r.exact_vat, r.exact_incl_vat) == (
        4,
        Decimal("275.00"),
        Decimal("57.75"),
        Decimal("332.75"),
    )
    assert r.complete
    assert {changed.pk, by_hand_invoice.pk, only_cv.pk} <= set(r.lines.values_list("invoice_id", flat=True))
    assert missing_export.entry_id


def test_the_filter_reads_one_month_of_the_chosen_journals():
    assert entries_filter(year=2026, month=12, journals=["70", "71"]) == (
        "EntryDate ge datetime'2026-12-01T00:00:00' and EntryDate lt datetime'2027-01-01T00:00:00'"
        " and (Journal eq '70' or Journal eq '71')"
    )


@pytest.mark.django_db
def test_a_spent_budget_stores_an_incomplete_reconciliation_with_the_reason():
    from coupling.exact.errors import ExactBudgetExhausted

    BareInvoiceFactory(number="2001", invoice_date=DAY)
    client = FakeClient([], error=ExactBudgetExhausted("Daily budget spent", retry_at=None, scope="daily"))
    r = reconciliation_run(year=2026, month=10, client=client)
    assert not r.complete and "Daily budget spent" in r.note
    assert r.coachview_count == 1 and r.lines.count() == 0


@pytest.mark.django_db
def test_the_csv_opens_in_dutch_excel():
    exported("3001", excl="1234.50", vat="259.25")
    r = reconciliation_run(year=2026, month=10, client=FakeClient([]))
    data = reconciliation_csv(reconciliation=r)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "Coachview;1;1234,50;259,25;1493,75" in text
    assert "3001" in text.split("\r\n")[-2]
