"""End to end against the sandbox: Coachview → fetch → pre-flight → export → Exact (sandbox_dump's view)."""

import random
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from coupling.models import CoachviewConnection, ExactConnection
from mappings.models import CostCenterMapping, CouplingOptions
from mappings.services import reference_data_sync
from sandbox.exact.dump import dump_exact
from sandbox.exact.seed import seed_exact
from sync.models import ExportState, Invoice, InvoiceExport
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
from tests.conftest import coachview_profile_as_probed

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

NEW_DEBTOR = 20001
EXISTING_CUSTOMER = 10001
SUPPLIER = 10006


@pytest.fixture
def flow(coachview, settings):
    """Seeded Exact, both links connected to the sandbox, the mirror read, the options the sandbox needs."""
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect")
    reference_data_sync()
    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(
        administration=administration, defaults={"sales_journal": "70", "default_payment_condition": "30"}
    )
    return administration


def coachview_invoice(number: int, debtor: dict, **fields) -> dict:
    # Each invoice changes in its own second, so a later one is new to the incremental fetch.
    return put_invoice(invoice_record(number, debtor, **fields), f"2026-03-01T10:{number // 60 % 60:02d}:{number % 60:02d}")


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
    record = coachview_invoice(5001, debtor)
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
    writes = status_writes(record)
    assert writes and writes[-1].body["bevestigd"] is True


def test_an_existing_customer_is_updated_only_when_the_option_allows_and_only_what_changed(flow):
    before = account(dump_exact(), EXISTING_CUSTOMER)
    debtor = coachview_debtor(EXISTING_CUSTOMER, naam=before["Name"], factuurAdres={
        "adres1": "Nieuwe Weg 9", "adres2": None, "adres3": None, "postcode": "1234 AB", "plaats": "Zwolle",
        "landCode": "NL"})
    coachview_invoice(5002, debtor)
    run()
    dump = dump_exact()
    assert account(dump, EXISTING_CUSTOMER) == before  # not allowed: untouched
    [entry] = entries_for(dump, 5002)
    assert entry["Customer"] == before["ID"]

    CouplingOptions.objects.filter(administration=flow).update(update_existing_customers=True)
    coachview_invoice(5003, debtor)
    run()
    after = account(dump_exact(), EXISTING_CUSTOMER)
    assert after["City"] == "Zwolle" and after["AddressLine1"] == "Nieuwe Weg 9" and after["Name"] == before["Name"]
    update = export_of(5003, flow).attempts.get(action="account_update")
    assert "Name" not in update.sent and update.sent["City"] == "Zwolle"


def test_a_code_that_belongs_to_a_supplier_is_held_and_the_supplier_never_changed(flow):
    before = account(dump_exact(), SUPPLIER)
    coachview_invoice(5004, coachview_debtor(SUPPLIER))
    result = run()
    export = export_of(5004, flow)
    assert export.state == ExportState.HELD
    assert [r["code"] for r in export.reasons] == ["preflight.debtor_not_customer"]
    dump = dump_exact()
    assert account(dump, SUPPLIER) == before and not entries_for(dump, 5004)
    assert result.run.held == 1


def test_a_multi_line_invoice_with_several_vat_rates_is_booked_with_the_right_gl_vat_cost_centre_and_totals(flow):
    CostCenterMapping.objects.create(administration=flow, coachview_code="Intern", exact_code="")
    lines = [
        line_record(1, "1250.00", grootboekrekeningNummer="8000", kostenplaatsCode="100"),
        line_record(2, "37.50", rate="0.09", vat_code="1", grootboekrekeningNummer="8010", kostenplaatsCode="200"),
        line_record(3, "80.00", rate="0", vat_code="0", grootboekrekeningNummer="8100", kostenplaatsCode="Intern"),
    ]
    record = coachview_invoice(5005, coachview_debtor(NEW_DEBTOR + 1), lines=lines)
    run()
    assert export_of(5005, flow).state == ExportState.EXPORTED, export_of(5005, flow).reasons
    [entry] = entries_for(dump_exact(), 5005)
    got = [
        (line["GLAccountCode"].strip(), line["VATCode"], line.get("CostCenter"), line["AmountFC"], line["VATAmountFC"])
        for line in entry["SalesEntryLines"]
    ]
    assert got == [
        ("8000", "2  ", "100", D("1250.00"), D("262.50")),
        ("8010", "1  ", "200", D("37.50"), D("3.38")),
        ("8100", "0  ", None, D("80.00"), D("0.00")),
    ]
    assert entry["AmountDC"] == D(str(record["totaalInclBtw"])) == D("1633.38")
    assert entry["VATAmountDC"] == D(str(record["totaalBtw"]))
    assert export_of(5005, flow).booked_total == D("1633.38")


def test_a_vat_rounding_difference_is_spread_so_exacts_total_equals_coachviews(flow):
    # Coachview computed 2.10 on each 10.05 line (21 % of 10.05 = 2.1105); Exact would say 2.11.
    lines = [line_record(1, "10.05", btwBedrag=2.10), line_record(2, "10.05", btwBedrag=2.10)]
    record = coachview_invoice(5006, coachview_debtor(NEW_DEBTOR + 2), lines=lines)
    assert record["totaalBtw"] == 4.20
    run()
    assert export_of(5006, flow).state == ExportState.EXPORTED, export_of(5006, flow).reasons
    [entry] = entries_for(dump_exact(), 5006)
    assert [line["VATAmountFC"] for line in entry["SalesEntryLines"]] == [D("2.10"), D("2.10")]
    assert entry["VATAmountDC"] == D("4.20") and entry["AmountDC"] == D("24.30")
    sent = export_of(5006, flow).attempts.get(action="entry").sent
    assert [line["VATAmountFC"] for line in sent["SalesEntryLines"]] == [2.10, 2.10]


def test_a_credit_invoice_is_booked_negative_in_the_credit_note_journal(flow):
    CouplingOptions.objects.filter(administration=flow).update(credit_note_journal="71")
    lines = [line_record(1, "-1250.00"), line_record(2, "-37.50", rate="0.09", vat_code="1")]
    record = coachview_invoice(5007, coachview_debtor(NEW_DEBTOR + 3), lines=lines, isCreditfactuur=True)
    run()
    assert export_of(5007, flow).state == ExportState.EXPORTED, export_of(5007, flow).reasons
    [entry] = entries_for(dump_exact(), 5007)
    assert entry["Journal"] == "71"
    assert entry["AmountDC"] == D(str(record["totaalInclBtw"])) == D("-1553.38")


def test_the_pdf_is_attached_once_and_linked_to_the_entry(flow):
    coachview_invoice(5008, coachview_debtor(NEW_DEBTOR + 4))
    run()
    run()
    dump = dump_exact()
    [entry] = entries_for(dump, 5008)
    [document] = [d for d in dump["documents"] if d["ID"] == entry["Document"]]
    [attachment] = document["attachments"]
    invoice = Invoice.objects.get(number="5008")
    assert attachment["FileSize"] == len(invoice.pdf_content()) and attachment["sha256"] == invoice.pdf_sha256
    assert document["Type"] == 10 and document["Account"] == entry["Customer"]


def test_the_cut_off_excludes_invoices_before_the_export_from_date(flow):
    CouplingOptions.objects.filter(administration=flow).update(export_from_date=date(2026, 3, 1))
    debtor = coachview_debtor(NEW_DEBTOR + 5)
    coachview_invoice(5009, debtor, factuurdatum="2026-02-27")
    coachview_invoice(5010, debtor, factuurdatum="2026-03-02")
    run()
    assert export_of(5009, flow).state == ExportState.EXCLUDED
    assert export_of(5010, flow).state == ExportState.EXPORTED
    dump = dump_exact()
    assert not entries_for(dump, 5009) and len(entries_for(dump, 5010)) == 1


def test_an_entry_already_in_exact_is_linked_not_duplicated(flow):
    coachview_invoice(5011, coachview_debtor(NEW_DEBTOR + 6))
    run()
    [booked] = entries_for(dump_exact(), 5011)
    # A fresh coupling (e.g. the entry was booked before it, by hand or by another tool).
    InvoiceExport.objects.all().delete()
    result = exports_run()
    export = export_of(5011, flow)
    assert export.state == ExportState.EXPORTED and export.linked_existing
    assert str(export.entry_id) == booked["EntryID"] and result.run.linked == 1
    assert len(entries_for(dump_exact(), 5011)) == 1


@pytest.mark.parametrize("honour", [True, False])
def test_a_lost_response_is_resolved_by_looking_the_entry_up_before_anything_is_posted_again(flow, settings, honour):
    settings.SANDBOX_EXACT_HONOUR_ENTRY_ID = honour
    CouplingOptions.objects.filter(administration=flow).update(attach_pdf=False)
    coachview_invoice(5012, coachview_debtor(EXISTING_CUSTOMER))  # no account POST: the entry is the only one
    settings.SANDBOX_FAULTS = {"seed": 1, "lost_response_rate": 1.0}
    first = run()
    export = export_of(5012, flow)
    assert export.state == ExportState.UNKNOWN and first.run.unknown == 1
    assert len(entries_for(dump_exact(), 5012)) == 1  # Exact did book it
    settings.SANDBOX_FAULTS = {}
    second = exports_run()
    export.refresh_from_db()
    [entry] = entries_for(dump_exact(), 5012)
    assert export.state == ExportState.EXPORTED and str(export.entry_id) == entry["EntryID"]
    assert (str(export.client_entry_id) == entry["EntryID"]) is honour
    assert second.run.linked == 1 and second.run.exported == 0
    assert not export.linked_existing  # ours: a lost answer, not booked by hand


def test_after_the_switch_to_live_no_invoice_of_the_training_coachview_is_exported_to_live(flow, settings):
    # The guide's switch: Coachview to live, Exact to the live administration, an export-from date.
    coachview_invoice(5013, coachview_debtor(NEW_DEBTOR + 7))
    coachview_invoice(5014, coachview_debtor(NEW_DEBTOR + 8))
    invoices_fetch()
    exports_run(limit=1)
    test_exports = {e.invoice.number: e for e in InvoiceExport.objects.filter(administration=flow)}
    assert sorted(e.state for e in test_exports.values()) == [ExportState.EXPORTED, ExportState.READY]
    before = len(dump_exact()["sales_entries"])

    seed_exact(rng=random.Random(2))  # the live administration (the sandbox has one division)
    ExactConnection.objects.update(environment=ExactConnection.Environment.LIVE)
    CoachviewConnection.objects.update(environment=CoachviewConnection.Environment.LIVE)
    coachview_profile_as_probed(settings)  # the check against live Coachview passed
    reference_data_sync()
    live = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(
        administration=live, defaults={"sales_journal": "70", "default_payment_condition": "30"}
    )
    result = exports_run()
    assert result.run.exported == 0
    assert not InvoiceExport.objects.filter(administration=live).exists()
    assert len(dump_exact()["sales_entries"]) == 0 and before >= 1  # the live Exact holds nothing of training
    call_command("export_invoices", "--dry-run")  # plans nothing either
    assert not InvoiceExport.objects.filter(administration=live).exists()


def test_a_lost_answer_to_the_document_post_does_not_create_a_second_document(flow, sandbox_http, monkeypatch):
    import requests

    real_send = sandbox_http.send
    lost = []

    def send(request, **kwargs):
        response = real_send(request, **kwargs)
        if request.method == "POST" and request.url.endswith("/documents/Documents") and not lost:
            lost.append(request.url)
            raise requests.ReadTimeout("answer lost", request=request)  # Exact created it; we never hear
        return response

    monkeypatch.setattr(sandbox_http, "send", send)
    coachview_invoice(5014, coachview_debtor(NEW_DEBTOR + 8))
    run()
    assert lost and export_of(5014, flow).state == ExportState.UNKNOWN
    exports_run()
    export = export_of(5014, flow)
    assert export.state == ExportState.EXPORTED
    dump = dump_exact()
    [entry] = entries_for(dump, 5014)
    documents = [d for d in dump["documents"] if d["Subject"] == "Factuur 5014"]
    assert len(documents) == 1 and entry["Document"] == documents[0]["ID"] == str(export.document_id)


def test_the_seeded_sandbox_flows_from_coachview_to_exact_once_and_to_the_cent(coachview, settings):
    # Limits lifted so the test never waits for a minute window (the budget has its own tests).
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = settings.EXACT_MINUTELY_LIMIT = 100_000
    call_command("sandbox_seed", "--invoices", "40", "--debtors", "12")
    call_command("sandbox_connect")
    reference_data_sync()
    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(
        administration=administration, defaults={"sales_journal": "70", "default_payment_condition": "30"}
    )
    first = run()
    second = exports_run()
    exports = InvoiceExport.objects.filter(administration=administration).select_related("invoice")
    states = {export.state for export in exports}
    assert states <= {ExportState.EXPORTED, ExportState.HELD}, states
    exported = [export for export in exports if export.state == ExportState.EXPORTED]
    held = [export for export in exports if export.state == ExportState.HELD]
    assert exported and len(held) <= len(exports) / 5 + 1
    assert all(export.reasons and export.reasons[0]["code"] for export in held)
    dump = dump_exact()
    by_ref = {}
    for entry in dump["sales_entries"]:
        by_ref.setdefault(entry["YourRef"], []).append(entry)
    for export in exported:
        [entry] = by_ref[export.invoice.number]  # exactly once
        assert entry["AmountDC"] == export.invoice.total_incl_vat  # to the cent
        assert entry["VATAmountDC"] == export.invoice.total_vat
    assert second.run.exported == 0 and first.run.exported == len(exported)
