"""End to end against the sandbox: Coachview → fetch → pre-flight → export → Exact (sandbox_dump's view)."""

import random
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from mappings.models import CouplingOptions
from mappings.services import reference_data_sync
from sandbox.exact.dump import dump_exact
from sandbox.exact.seed import seed_exact
from sync.models import ExportState, Invoice, InvoiceExport
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from tests.coachview_data import debtor_record, invoice_record, line_record, put_debtor, put_invoice, status_writes

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

NEW_DEBTOR = 20001
EXISTING_CUSTOMER = 10001
SUPPLIER = 10006


@pytest.fixture
def flow(coachview, settings):
    """Seeded Exact, both links connected to the sandbox, the mirror read, the options the sandbox needs."""
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")
    result = reference_data_sync()
    administration = result.administration if hasattr(result, "administration") else None
    from coupling.models import ExactConnection

    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(
        administration=administration, defaults={"sales_journal": "70", "default_payment_condition": "30"}
    )
    return administration


def coachview_invoice(number: int, debtor: dict, **fields) -> dict:
    return put_invoice(invoice_record(number, debtor, **fields), "2026-03-01T10:00:00")


def coachview_debtor(number: int, **fields) -> dict:
    return put_debtor(debtor_record(number, **fields), "2026-02-01T08:00:00")


def run():
    invoices_fetch()
    return exports_run()


def export_of(number, administration) -> InvoiceExport:
    return InvoiceExport.objects.get(invoice__number=str(number), administration=administration)


def entries_for(dump, number) -> list[dict]:
    return [entry for entry in dump["sales_entries"] if entry["YourRef"] == str(number)]


def account(dump, number) -> dict:
    return next(a for a in dump["accounts"] if a["Code"] == str(number).rjust(18))


def test_a_new_debtor_is_created_with_bank_account_and_contact_and_its_invoice_booked_with_the_pdf(flow):
    debtor = coachview_debtor(NEW_DEBTOR)
    coachview_invoice(5001, debtor)
    result = run()
    export = export_of(5001, flow)
    assert export.state == ExportState.EXPORTED, export.reasons
    dump = dump_exact()
    customer = account(dump, NEW_DEBTOR)
    assert customer["Status"] == "C" and customer["Name"] == debtor["naam"] and customer["City"] == "Groningen"
    assert [b["Account"] for b in dump["bank_accounts"] if b["Account"] == customer["ID"]]
    contact = next(c for c in dump["contacts"] if c["Account"] == customer["ID"])
    assert contact["LastName"] == "Vries"
    [entry] = entries_for(dump, 5001)
    assert entry["Customer"] == customer["ID"] and entry["Journal"] == "70"
    assert entry["AmountDC"] == D("1553.38")  # 1250.00 + 262.50 + 37.50 + 3.38
    document = next(d for d in dump["documents"] if d["ID"] == entry["Document"])
    assert document["attachments"][0]["FileName"] == "Factuur-5001.pdf"
    assert document["attachments"][0]["sha256"] == Invoice.objects.get(number="5001").pdf_sha256
    assert result.run.exported == 1 and result.run.calls_used >= 6
    writes = status_writes(coachview_invoice.__globals__["invoice_record"](5001, debtor))
    assert writes and writes[-1].body["bevestigd"] is True
