"""The pre-flight run moves exports to held or ready, with constant queries, and releases fixed ones."""

from decimal import Decimal

import pytest

from mappings.models import VatCodeMapping
from sync.models import ExportState, InvoiceExport
from sync.services.preflight import exports_preflight
from tests.factories import ADMINISTRATION, InvoiceExportFactory, InvoiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_mirror")]


def test_it_holds_invoices_with_reasons_and_readies_the_others():
    good = InvoiceExportFactory()
    bad = InvoiceExportFactory(invoice=InvoiceFactory(lines=[{"vat_code": "5"}]))
    summary = exports_preflight(administration=ADMINISTRATION)
    assert (summary.checked, summary.ready, summary.held) == (2, 1, 1)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.state, good.reasons) == (ExportState.READY, [])
    assert bad.state == ExportState.HELD
    assert [reason["code"] for reason in bad.reasons] == ["preflight.vat_code_inclusive"]


def test_fixing_a_mapping_releases_the_held_invoices_at_the_next_run():
    held = [InvoiceExportFactory(invoice=InvoiceFactory(lines=[{"vat_code": "5"}])) for _ in range(3)]
    exports_preflight(administration=ADMINISTRATION)
    assert set(InvoiceExport.objects.values_list("state", flat=True)) == {ExportState.HELD}
    VatCodeMapping.objects.create(administration=ADMINISTRATION, coachview_code="5", exact_code="2")
    exports_preflight(administration=ADMINISTRATION)
    for export in held:
        export.refresh_from_db()
        assert (export.state, export.reasons) == (ExportState.READY, [])


def test_a_ready_invoice_is_held_again_when_its_mapping_turns_bad():
    export = InvoiceExportFactory(state=ExportState.READY)
    VatCodeMapping.objects.create(administration=ADMINISTRATION, coachview_code="2", exact_code="4")
    exports_preflight(administration=ADMINISTRATION)
    export.refresh_from_db()
    assert export.state == ExportState.HELD


@pytest.mark.parametrize(
    "state", [ExportState.EXPORTING, ExportState.EXPORTED, ExportState.FAILED, ExportState.EXCLUDED]
)
def test_it_leaves_exports_in_other_states_alone(state):
    export = InvoiceExportFactory(state=state, invoice=InvoiceFactory(lines=[{"vat_code": "5"}]))
    assert exports_preflight(administration=ADMINISTRATION).checked == 0
    export.refresh_from_db()
    assert export.state == state


def test_it_checks_only_the_exports_of_its_administration_and_at_most_limit():
    for _ in range(3):
        InvoiceExportFactory()
    InvoiceExportFactory(administration="live:999")
    assert exports_preflight(administration=ADMINISTRATION, limit=2).checked == 2
    assert InvoiceExport.objects.filter(administration="live:999", state=ExportState.NEW).count() == 1


def _invoices(count: int) -> None:
    for number in range(count):
        lines = [{"vat_code": "5"}, {}, {"cost_center_code": "Intern"}] if number % 2 else [{}, {}]
        total = Decimal("100.00") * len(lines)
        InvoiceExportFactory(
            invoice=InvoiceFactory(
                lines=lines,
                total_excl_vat=total,
                total_vat=total * Decimal("0.21"),
                total_incl_vat=total * Decimal("1.21"),
            )
        )


def test_the_number_of_queries_does_not_grow_with_the_number_of_invoices(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _invoices(4)
    with CaptureQueriesContext(connection) as few:
        exports_preflight(administration=ADMINISTRATION)
    InvoiceExport.objects.update(state=ExportState.NEW, reasons=[])
    _invoices(40)
    with CaptureQueriesContext(connection) as many:
        assert exports_preflight(administration=ADMINISTRATION).checked == 44
    assert len(many.captured_queries) == len(few.captured_queries)
    assert InvoiceExport.objects.filter(state=ExportState.HELD).count() == 22


def test_it_does_not_overwrite_an_export_a_worker_claimed_during_the_check(monkeypatch):
    from sync.services import preflight

    export = InvoiceExportFactory(invoice=InvoiceFactory(lines=[{"vat_code": "5"}]))
    original = preflight.invoice_preflight

    def claimed_meanwhile(**kwargs):
        InvoiceExport.objects.filter(pk=export.pk).update(state=ExportState.EXPORTING)
        return original(**kwargs)

    monkeypatch.setattr(preflight, "invoice_preflight", claimed_meanwhile)
    exports_preflight(administration=ADMINISTRATION)
    export.refresh_from_db()
    assert (export.state, export.reasons) == (ExportState.EXPORTING, [])


def test_a_backlog_is_checked_in_chunks_so_memory_does_not_grow_with_it(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sync.services import preflight

    monkeypatch.setattr(preflight, "CHUNK", 4)
    _invoices(10)  # three chunks: 4, 4, 2
    with CaptureQueriesContext(connection) as queries:
        summary = exports_preflight(administration=ADMINISTRATION)
    assert (summary.checked, summary.held, summary.ready) == (10, 5, 5)
    assert not InvoiceExport.objects.filter(state=ExportState.NEW).exists()
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "sync_invoiceexport"' in q["sql"]]
    assert len(reads) == 4  # three chunks and the empty one that ends the run

    InvoiceExport.objects.update(state=ExportState.NEW, reasons=[])
    assert exports_preflight(administration=ADMINISTRATION, limit=6).checked == 6  # a limit across chunks
    assert InvoiceExport.objects.filter(state=ExportState.NEW).count() == 4
