"""Writing the booking and payment status back to Coachview: once per change, retried until delivered."""

from datetime import date
from decimal import Decimal

import pytest

from sync.models import ExportState, InvoiceExport, PaymentStatus, StatusWriteback
from sync.services.fetch import invoices_fetch
from sync.services.writeback import booking_status_write, payment_status_write, writebacks_flush
from tests.coachview_data import (
    api_calls,
    debtor_record,
    invoice_record,
    put_debtor,
    put_invoice,
    status_writes,
)

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def exported(coachview):
    """One fetched invoice whose export is booked in Exact as entry 20240017."""
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    record = put_invoice(invoice_record(20240017, debtor), "2026-03-01T10:00:00")
    invoices_fetch()
    export = InvoiceExport.objects.get()
    export.state, export.entry_number = ExportState.EXPORTED, 20240017
    export.save()
    return export, record


def test_an_exported_invoice_is_confirmed_with_its_entry_number_once(exported):
    export, record = exported

    assert booking_status_write(export=export) is True
    assert booking_status_write(export=export) is True  # nothing changed: no second call

    writes = status_writes(record)
    assert [(w.kind, w.body) for w in writes] == [
        (
            "Boekingsstatus",
            {"bevestigd": True, "bevestigdOmschrijving": "Geboekt in Exact Online, boekstuk 20240017"},
        )
    ]
    assert len(api_calls("/Boekingsstatus")) == 1


def test_a_held_invoice_is_reported_unconfirmed_with_the_catalogue_title(exported):
    export, record = exported
    export.state = ExportState.HELD

    booking_status_write(export=export, title="Btw-code is inclusief")
    booking_status_write(export=export, title="Btw-code is inclusief")
    booking_status_write(export=export, title="Grootboekrekening geblokkeerd")

    assert [w.body for w in status_writes(record)] == [
        {"bevestigd": False, "bevestigdOmschrijving": "Btw-code is inclusief"},
        {"bevestigd": False, "bevestigdOmschrijving": "Grootboekrekening geblokkeerd"},
    ]


def test_states_without_news_write_nothing(exported):
    export, record = exported
    export.state = ExportState.READY

    assert booking_status_write(export=export) is True
    assert status_writes(record) == []


def test_a_failed_put_is_recorded_never_raised_and_retried_until_delivered(exported, settings):
    export, record = exported
    settings.SANDBOX_COACHVIEW_FAIL_PATHS = ["/Boekingsstatus"]

    assert booking_status_write(export=export) is False

    pending = StatusWriteback.objects.get(kind=StatusWriteback.Kind.BOOKING)
    assert pending.pending is not None and pending.attempts == 1 and "503" in pending.last_error
    assert writebacks_flush().pending == 1  # still failing: kept for the next run

    settings.SANDBOX_COACHVIEW_FAIL_PATHS = []
    result = writebacks_flush()

    assert (result.delivered, result.pending) == (1, 0)
    assert len(status_writes(record)) == 1
    assert writebacks_flush().delivered == 0  # nothing left to deliver
    delivered = StatusWriteback.objects.get(kind=StatusWriteback.Kind.BOOKING)
    assert delivered.delivered["bevestigd"] is True and delivered.attempts == 0


def test_a_refused_write_waits_before_it_is_tried_again(exported, settings):
    export, record = exported
    export.invoice.coachview_id = "weg-uit-coachview"
    export.invoice.save()

    assert booking_status_write(export=export) is False

    record_row = StatusWriteback.objects.get()
    assert record_row.retry_after is not None
    assert writebacks_flush().delivered == 0 and len(api_calls("/Boekingsstatus")) == 1


def test_payment_status_paid_and_partial_are_written_in_dutch(exported):
    export, record = exported
    export.payment_status, export.amount_outstanding = PaymentStatus.OPEN, Decimal("1553.38")
    assert payment_status_write(export=export) is True  # open from the start: nothing to tell
    export.payment_status, export.amount_outstanding = PaymentStatus.PARTIAL, Decimal("1234.56")
    payment_status_write(export=export)
    export.payment_status, export.amount_outstanding, export.paid_date = (
        PaymentStatus.PAID,
        Decimal("0"),
        date(2026, 4, 2),
    )
    payment_status_write(export=export)
    payment_status_write(export=export)
    export.payment_status, export.paid_date = PaymentStatus.OPEN, None  # the match was undone in Exact
    payment_status_write(export=export)

    assert [w.body for w in status_writes(record)] == [
        {
            "betaald": False,
            "betaaldOmschrijving": "Deels betaald, openstaand € 1.234,56 (Exact Online)",
            "betaaldDatum": None,
        },
        {
            "betaald": True,
            "betaaldOmschrijving": "Betaald op 02-04-2026 (Exact Online)",
            "betaaldDatum": "2026-04-02",
        },
        {"betaald": False, "betaaldOmschrijving": "Openstaand in Exact Online", "betaaldDatum": None},
    ]


def test_a_status_write_back_does_not_make_the_invoice_changed(exported):
    export, record = exported
    booking_status_write(export=export)

    result = invoices_fetch()

    assert result.invoices_changed_after_export == 0 and result.invoices_updated == 0
    assert InvoiceExport.objects.get().state == ExportState.EXPORTED
