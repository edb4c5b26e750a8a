"""The same number is not the same invoice: an entry Exact has with the invoice's number is
linked only when it is for the same relation and amount, and one Exact entry never belongs to two exports."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from sandbox.exact.dump import dump_exact
from sync.models import ExportState, InvoiceExport
from sync.services.export_actions import ActionRefused, export_number_decided, export_retry
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from tests.coachview_data import (
    debtor_record,
    invoice_record,
    line_record,
    put_debtor,
    put_invoice,
    status_writes,
)

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
TAKEN = "exact.entry_number_taken"


def put(number: str, *, debtor: int, amount: str, coachview_number: int, second: int) -> dict:
    record = invoice_record(
        coachview_number,
        put_debtor(debtor_record(debtor), "2026-02-01T08:00:00"),
        lines=[line_record(1, amount)],
    )
    record["factuurnummer"] = number
    return put_invoice(record, f"2026-03-01T10:00:{second:02d}")


def run():
    invoices_fetch()
    return exports_run()


def entries(number: str) -> list[dict]:
    return [entry for entry in dump_exact()["sales_entries"] if entry["YourRef"] == number]


def test_a_second_invoice_with_a_booked_number_is_held_never_linked_and_coachview_is_told(sandbox_flow):
    first = put("7700", debtor=20101, amount="100.00", coachview_number=7700, second=1)
    run()
    second = put("7700", debtor=20102, amount="250.00", coachview_number=7701, second=2)
    run()
    run()  # the hold stays, without a lookup every run

    exports = {e.invoice.coachview_id: e for e in InvoiceExport.objects.select_related("invoice")}
    booked, held = exports[first["id"]], exports[second["id"]]
    assert booked.state == ExportState.EXPORTED
    assert held.state == ExportState.HELD and held.entry_id is None
    [reason] = [r for r in held.reasons if r["code"] == TAKEN]
    assert reason["values"]["differs"] in {"amount", "relation", "another_invoice"}
    assert len(entries("7700")) == 1
    assert status_writes(second)[-1].body["bevestigd"] is False  # Coachview is told it is not booked

    # A person retries without deciding: the same comparison holds it again.
    export_retry(export=held)
    run()
    held.refresh_from_db()
    assert held.state == ExportState.HELD and len(entries("7700")) == 1


def test_book_under_a_new_number_books_it_as_its_own_entry(sandbox_flow):
    put("7710", debtor=20111, amount="100.00", coachview_number=7710, second=1)
    run()
    second = put("7710", debtor=20112, amount="250.00", coachview_number=7711, second=2)
    run()
    held = InvoiceExport.objects.get(invoice__coachview_id=second["id"])
    export_number_decided(export=held, decision=InvoiceExport.Decision.NEW_NUMBER)
    run()
    held.refresh_from_db()
    assert held.state == ExportState.EXPORTED and not held.linked_existing
    booked = entries("7710")
    assert len(booked) == 2 and len({entry["EntryID"] for entry in booked}) == 2


def test_an_entry_booked_by_hand_for_another_amount_links_only_after_a_person_says_it_is_this_invoice(
    sandbox_flow,
):
    record = put("7720", debtor=20121, amount="100.00", coachview_number=7720, second=1)
    run()
    [booked] = entries("7720")
    # A fresh coupling finds the entry; then Coachview's amount is corrected (a hand-booked entry may differ).
    InvoiceExport.objects.all().delete()
    record["factuurregels"] = [line_record(1, "110.00")]
    record["totaalExclBtw"], record["totaalBtw"], record["totaalInclBtw"] = 110.0, 23.1, 133.1
    put_invoice(record, "2026-03-01T10:00:05")
    run()
    export = InvoiceExport.objects.get()
    assert export.state == ExportState.HELD and export.reasons[0]["values"]["differs"] == "amount"

    export_number_decided(export=export, decision=InvoiceExport.Decision.SAME_INVOICE)
    run()
    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and export.linked_existing
    assert str(export.entry_id) == booked["EntryID"] and len(entries("7720")) == 1


def test_one_exact_entry_never_belongs_to_two_exports(sandbox_flow):
    put("7730", debtor=20131, amount="100.00", coachview_number=7730, second=1)
    put("7731", debtor=20132, amount="100.00", coachview_number=7731, second=2)
    run()
    first, second = InvoiceExport.objects.order_by("invoice__number")
    with pytest.raises(IntegrityError):
        InvoiceExport.objects.filter(pk=second.pk).update(entry_id=first.entry_id)


def test_deciding_needs_the_reason_and_a_held_export(sandbox_flow):
    put("7740", debtor=20141, amount="100.00", coachview_number=7740, second=1)
    run()
    export = InvoiceExport.objects.get()
    with pytest.raises(ActionRefused):
        export_number_decided(export=export, decision=InvoiceExport.Decision.SAME_INVOICE)


def test_invoice_status_shows_both_invoices_with_one_number(sandbox_flow):
    first = put("7750", debtor=20151, amount="100.00", coachview_number=7750, second=1)
    run()
    second = put("7750", debtor=20152, amount="250.00", coachview_number=7751, second=2)
    run()
    out = StringIO()
    call_command("invoice_status", "7750", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {row["coachview_id"] for row in rows} == {first["id"], second["id"]}
    by_id = {row["coachview_id"]: row for row in rows}
    assert by_id[first["id"]]["state"] == "exported" and by_id[first["id"]]["exact_entry_number"]
    assert by_id[second["id"]]["state"] == "held" and TAKEN in by_id[second["id"]]["reason_codes"]
    assert all(row["coachview_source"] and row["administration"] == sandbox_flow for row in rows)
    text = StringIO()
    call_command("invoice_status", "7750", stdout=text)
    assert "2 invoice(s) found" in text.getvalue()
    empty = StringIO()
    call_command("invoice_status", "nothing", "--json", stdout=empty)
    assert json.loads(empty.getvalue()) == []
