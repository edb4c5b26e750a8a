"""An invoice is identified by where it came from: the Coachview environment and host, and its
id there. Another environment's invoices are never exported for, nor written back to, the connected one."""


import pytest
from django.urls import reverse

from coupling.models import CoachviewConnection
from sync.models import Debtor, ExportState, FetchWatermark, Invoice, InvoiceExport, StatusWriteback
from sync.services.export_run import exports_run
from sync.services.fetch import OTHER_SOURCE, invoices_fetch
from tests.coachview_data import debtor_record, invoice_record, put_debtor, put_invoice, status_writes
from tests.conftest import coachview_profile_as_probed
from tests.console_support import role_client

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def _put(number: int, second: int) -> dict:
    debtor = put_debtor(debtor_record(20300 + number % 100), "2026-02-01T08:00:00")
    return put_invoice(invoice_record(number, debtor), f"2026-03-01T10:00:{second:02d}")


def connect(environment: str, settings) -> str:
    connection = CoachviewConnection.load()
    connection.environment = environment
    connection.save()
    coachview_profile_as_probed(settings)
    return connection.source


def test_every_invoice_and_debtor_records_the_environment_it_came_from(sandbox_flow):
    _put(7801, 1)
    invoices_fetch()
    invoice = Invoice.objects.get()
    source = CoachviewConnection.load().source
    assert source.startswith("custom:") and "/sandbox/coachview" in source
    assert invoice.coachview_source == source and invoice.debtor.coachview_source == source


def test_the_same_id_from_another_environment_is_another_invoice(sandbox_flow):
    record = _put(7802, 1)
    invoices_fetch()
    Invoice.objects.update(coachview_source="training:training.coachview.net")
    Debtor.objects.update(coachview_source="training:training.coachview.net")
    FetchWatermark.objects.all().delete()
    invoices_fetch()  # the same id read from the connected environment: its own row, the other untouched
    rows = Invoice.objects.filter(coachview_id=record["id"])
    assert sorted(rows.values_list("coachview_source", flat=True)) == sorted(
        [CoachviewConnection.load().source, "training:training.coachview.net"]
    )
    assert rows.get(coachview_source=CoachviewConnection.load().source).debtor.coachview_source != "training:training.coachview.net"


def test_waiting_exports_of_another_environment_step_aside_and_come_back(sandbox_flow, settings):
    sandbox = CoachviewConnection.load()
    _put(7811, 1)
    _put(7812, 2)
    invoices_fetch()
    exports_run(limit=1)
    waiting = InvoiceExport.objects.exclude(state=ExportState.EXPORTED).get()

    connect(CoachviewConnection.Environment.LIVE, settings)
    result = exports_run()
    waiting.refresh_from_db()
    assert result.run.exported == 0
    assert waiting.state == ExportState.EXCLUDED and waiting.reasons[0]["code"] == OTHER_SOURCE
    assert InvoiceExport.objects.filter(state=ExportState.EXPORTED).count() == 1  # booked stays booked

    connection = CoachviewConnection.load()
    connection.environment, connection.custom_base_url = sandbox.environment, sandbox.custom_base_url
    connection.save()
    coachview_profile_as_probed(settings)
    exports_run()
    waiting.refresh_from_db()
    assert waiting.state == ExportState.EXPORTED


def test_nothing_is_written_back_to_another_environment(sandbox_flow, settings):
    record = _put(7821, 1)
    invoices_fetch()
    exports_run()
    writes = len(status_writes(record))
    StatusWriteback.objects.update(pending={"bevestigd": True, "bevestigdOmschrijving": "x"}, delivered=None)
    connect(CoachviewConnection.Environment.LIVE, settings)
    from sync.services.writeback import writebacks_flush

    result = writebacks_flush()
    assert result.delivered == 0 and result.pending == 0
    assert len(status_writes(record)) == writes


def test_the_console_shows_training_data_as_training(sandbox_flow, settings):
    _put(7831, 1)
    invoices_fetch()
    exports_run()
    Invoice.objects.update(coachview_source="training:training.coachview.net")
    page = role_client("support", language="nl").get(reverse("admin:sync_invoiceexport_changelist")).content.decode()
    assert "training" in page
