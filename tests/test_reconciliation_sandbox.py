"""Reconciliation end to end: Coachview's month against what the Exact sandbox really holds."""

import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from coupling.exact.client import ExactClient
from sync.models import ExportState, ReconciliationLine
from sync.services.reconciliation import reconciliation_run
from tests.factories import BareInvoiceFactory, InvoiceExportFactory

Kind = ReconciliationLine.Kind
pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def book(client: ExactClient, *, your_ref: str, day, excl: str, vat_code: str = "2  ") -> str:
    """POST one sales entry straight to Exact, the way a person or another tool would."""
    customer = client.get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'", top=1)[0]["ID"]
    gl = client.get_list("financial/GLAccounts", select=["ID"], filter="Code eq '8000'")[0]["ID"]
    entry = client.post(
        "salesentry/SalesEntries",
        {
            "Journal": "70",
            "Customer": customer,
            "EntryDate": day,
            "YourRef": your_ref,
            "PaymentCondition": "30",
            "SalesEntryLines": [{"GLAccount": gl, "AmountFC": Decimal(excl), "VATCode": vat_code}],
        },
    )
    return entry["EntryID"]


def test_it_shows_an_entry_booked_by_hand_and_an_invoice_changed_after_export(exact_sandbox):
    day = timezone.localdate().replace(day=10)
    # Two invoices the coupling exported (their EntryIDs stored on the export, as the export does).
    same = BareInvoiceFactory(
        number="4001", invoice_date=day, total_excl_vat=Decimal("100.00"), total_vat=Decimal("21.00")
    )
    changed = BareInvoiceFactory(
        number="4002", invoice_date=day, total_excl_vat=Decimal("200.00"), total_vat=Decimal("42.00")
    )
    for invoice in (same, changed):
        entry_id = book(exact_sandbox, your_ref=invoice.number, day=day, excl=str(invoice.total_excl_vat))
        InvoiceExportFactory(invoice=invoice, state=ExportState.EXPORTED, entry_id=uuid.UUID(entry_id))
    # Coachview changed the second invoice after it was exported.
    changed.total_excl_vat, changed.total_vat, changed.total_incl_vat = (
        Decimal("250.00"),
        Decimal("52.50"),
        Decimal("302.50"),
    )
    changed.save()
    # Someone booked an entry in Exact by hand, not through the coupling.
    by_hand = book(exact_sandbox, your_ref="HANDMATIG-1", day=day, excl="75.00")
    # And a sent invoice the coupling has not exported yet.
    BareInvoiceFactory(
        number="4003", invoice_date=day, total_excl_vat=Decimal("10.00"), total_vat=Decimal("2.10")
    )

    r = reconciliation_run(year=day.year, month=day.month)

    findings = {line.kind: line for line in r.lines.all()}
    assert set(findings) == {Kind.AMOUNT_DIFFERS, Kind.ONLY_EXACT, Kind.ONLY_COACHVIEW}
    differs = findings[Kind.AMOUNT_DIFFERS]
    assert differs.invoice_number == "4002" and differs.made_by_coupling
    assert (differs.coachview_incl_vat, differs.exact_incl_vat) == (Decimal("302.50"), Decimal("242.00"))
    hand = findings[Kind.ONLY_EXACT]
    assert str(hand.entry_id) == by_hand and not hand.made_by_coupling
    assert hand.exact_incl_vat == Decimal("90.75") and hand.note
    assert findings[Kind.ONLY_COACHVIEW].invoice_number == "4003"
    assert r.complete and r.journals == "70"
    assert (r.coachview_count, r.coachview_incl_vat) == (3, Decimal("435.60"))
    assert (r.exact_count, r.exact_incl_vat) == (3, Decimal("453.75"))


def test_the_reconcile_command_prints_one_line_and_writes_the_csv(exact_sandbox, tmp_path, capsys):
    day = timezone.localdate().replace(day=3)
    book(exact_sandbox, your_ref="HANDMATIG-2", day=day, excl="10.00")
    target = tmp_path / "r.csv"
    call_command("reconcile", "--year", str(day.year), "--month", str(day.month), "--csv", str(target))
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "1 findings" in out[0]
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
