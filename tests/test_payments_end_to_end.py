"""End to end through the sandbox: sandbox_pay in Exact, poll_payments, our models and Coachview agree."""

from datetime import date
from decimal import Decimal as D

import pytest

from coupling.models import ExactConnection
from mappings.models import CouplingOptions
from mappings.services import reference_data_sync
from sandbox import clock as sandbox_clock
from sync.models import InvoiceExport, PaymentObservation
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from sync.services.payments import payment_status_poll
from tests.coachview_data import debtor_record, invoice_record, put_debtor, put_invoice, status_writes
from tests.payments_support import Books, exact_connect, pay, payment_writes

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def books(coachview):
    exact_connect()
    return Books()


def poll():
    result = payment_status_poll()
    assert not result.could_not_run, result.summary()
    return result


def reload(export):
    export.refresh_from_db()
    return export


def today() -> date:
    return sandbox_clock.now().date()


def test_a_fully_paid_invoice_is_paid_in_our_models_and_in_coachview(books):
    export = books.invoice(7001, "121.00")
    poll()  # first run: learns the invoice is open (nothing to tell Coachview yet)
    assert reload(export).payment_status == "open"
    assert payment_writes(export) == []

    pay("7001")
    poll()

    export = reload(export)
    assert (export.payment_status, export.amount_outstanding, export.paid_date) == ("paid", D("0.00"), today())
    assert payment_writes(export) == [
        {"betaald": True, "betaaldOmschrijving": f"Betaald op {today():%d-%m-%Y}", "betaaldDatum": today().isoformat()}
    ]
    poll()
    assert len(payment_writes(export)) == 1  # nothing changed: nothing written


def test_a_partial_payment_then_the_rest_goes_partial_then_paid_with_one_write_each(books):
    export = books.invoice(7002, "1000.00")
    poll()

    pay("7002", "--amount", "250")
    poll()
    export = reload(export)
    assert (export.payment_status, export.amount_outstanding) == ("partial", D("750.00"))

    pay("7002")
    poll()
    export = reload(export)
    assert (export.payment_status, export.amount_outstanding) == ("paid", D("0.00"))
    writes = payment_writes(export)
    assert [w["betaaldOmschrijving"] for w in writes] == [
        "Deels betaald: € 750,00 openstaand",
        f"Betaald op {today():%d-%m-%Y}",
    ]
    assert [w["betaald"] for w in writes] == [False, True]
    history = list(export.payment_observations.order_by("id").values_list("status", "outstanding"))
    assert history == [("open", D("1000.00")), ("partial", D("750.00")), ("paid", D("0.00"))]


def test_one_bank_payment_for_three_invoices_pays_all_three(books):
    exports = [books.invoice(7010 + n, amount) for n, amount in enumerate(["100.00", "200.00", "300.50"])]
    poll()

    pay("7010", "7011", "7012")
    result = poll()

    assert result.changed == 3
    for export in exports:
        assert reload(export).payment_status == "paid"
        assert len(payment_writes(export)) == 1


def test_a_difference_written_off_as_payment_difference_counts_as_paid(books):
    export = books.invoice(7020, "121.00")
    poll()

    pay("7020", "--amount", "120.98", "--write-off", "payment")
    poll()

    export = reload(export)
    assert export.payment_status == "paid"
    assert payment_writes(export) == [{
        "betaald": True, "betaaldOmschrijving": "Verschil € 0,02 afgeboekt als betalingsverschil",
        "betaaldDatum": today().isoformat(),
    }]
    observation = export.payment_observations.first()
    assert (observation.written_off, observation.write_off_kind) == (D("0.02"), "payment")


def test_a_difference_written_off_as_exchange_rate_difference_counts_as_paid(books):
    export = books.invoice(7021, "500.00")
    poll()

    pay("7021", "--amount", "498.63")
    poll()
    assert reload(export).payment_status == "partial"
    pay("7021", "--write-off", "exchange")
    poll()

    export = reload(export)
    assert export.payment_status == "paid"
    assert [w["betaaldOmschrijving"] for w in payment_writes(export)] == [
        "Deels betaald: € 1,37 openstaand",
        "Verschil € 1,37 afgeboekt als koersverschil",
    ]


def test_an_undone_match_makes_a_paid_invoice_open_again(books):
    export = books.invoice(7030, "242.00")
    poll()
    pay("7030")
    poll()
    assert reload(export).payment_status == "paid"

    pay("7030", "--undo")
    poll()

    export = reload(export)
    assert (export.payment_status, export.amount_outstanding, export.paid_date) == ("open", D("242.00"), None)
    writes = payment_writes(export)
    assert [w["betaald"] for w in writes] == [True, False]
    assert writes[-1] == {"betaald": False, "betaaldOmschrijving": "Openstaand", "betaaldDatum": None}


def test_a_credit_invoice_settled_against_its_invoice_settles_both(books):
    invoice = books.invoice(7040, "300.00")
    credit = books.invoice(7041, "-100.00", credit=True)
    poll()

    pay("7041", "--against", "7040")
    poll()

    credit, invoice = reload(credit), reload(invoice)
    assert (credit.payment_status, credit.amount_outstanding) == ("paid", D("0.00"))
    assert (invoice.payment_status, invoice.amount_outstanding) == ("partial", D("200.00"))
    assert len(payment_writes(credit)) == 1 and len(payment_writes(invoice)) == 1

    pay("7040")
    poll()
    assert reload(invoice).payment_status == "paid"
    assert len(payment_writes(invoice)) == 2
    assert PaymentObservation.objects.filter(export=invoice).count() == 3  # open, partial, paid


def test_an_invoice_exported_by_the_export_engine_is_found_paid_by_its_stored_entry_id(coachview):
    exact_connect()
    reference_data_sync()
    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(
        administration=administration, defaults={"sales_journal": "70", "default_payment_condition": "30"}
    )
    record = put_invoice(
        invoice_record(5101, put_debtor(debtor_record(10001), "2026-02-01T08:00:00")), "2026-03-01T10:00:00"
    )
    invoices_fetch()
    exports_run()
    export = InvoiceExport.objects.get(invoice__number="5101", administration=administration)
    assert export.entry_id is not None
    poll()

    pay("5101")
    poll()

    export = reload(export)
    assert export.payment_status == "paid"
    told = [write.body["betaald"] for write in status_writes(record) if write.kind == "Betaalstatus"]
    assert told == [True]


def test_a_partial_payment_reduced_in_place_is_partly_paid_too_and_undone_open_again(books, settings):
    settings.SANDBOX_EXACT_PARTIAL_IN_PLACE = True
    export = books.invoice(7003, "1000.00")
    poll()

    pay("7003", "--amount", "250")
    poll()
    export = reload(export)
    assert (export.payment_status, export.amount_outstanding) == ("partial", D("750.00"))
    assert export.entry_id and len(list(export.payment_observations.all())) == 2

    pay("7003", "--undo")
    poll()
    assert (reload(export).payment_status, reload(export).amount_outstanding) == ("open", D("1000.00"))
